// The lines `kubelab rolling-update` prints, word for word old kubectl's, so
// a tutorial's transcript reads the same: the update loop as kubectl v1.0's
// rolling_updater.go printed it (the lines of the tutorials SCENARIOS.md S11
// follows), and v1.17's for what v1.0 did not have (--image and its rename,
// --rollback, resuming).
/** The two controllers' names and replicas at a point of the update. */
export interface ReplicaPair {
  readonly oldName: string;
  readonly oldReplicas: number;
  readonly newName: string;
  readonly newReplicas: number;
}

const pairText = (p: ReplicaPair) => `${p.oldName} replicas: ${p.oldReplicas}, ${p.newName} replicas: ${p.newReplicas}`;

export const lines = {
  creating: (name: string) => `Creating ${name}`,
  continuing: (name: string) => `Continuing update with existing controller ${name}.`,
  resuming: (name: string) => `Found existing update in progress (${name}), resuming.`,
  /** Each round: where it is going (printed twice, as v1.0 printed it to stdout and to its output), then where it got. */
  loopStart: (pair: ReplicaPair) => `At beginning of loop: ${pairText(pair)}`,
  updating: (pair: ReplicaPair) => `Updating ${pairText(pair)}`,
  loopEnd: (pair: ReplicaPair) => `At end of loop: ${pairText(pair)}`,
  deleting: (name: string) => `Update succeeded. Deleting ${name}`,
  deletingOld: (name: string) => `Update succeeded. Deleting old controller: ${name}`,
  renaming: (from: string, to: string) => `Renaming ${from} to ${to}`,
  settingReplicas: (name: string, replicas: string) => `Setting "${name}" replicas to ${replicas}`,
  /** kubectl's name printer with the operation "rolling updated" (to "NEW" when the name changed). */
  rolledUpdated: (name: string, renamedTo?: string) =>
    `replicationcontroller/${name} rolling updated${renamedTo === undefined ? '' : ` to "${renamedTo}"`}`,
  dryRun: (oldName: string, newName: string) => `Rolling from:\n${oldName}\nTo:\n${newName}`,
} as const;
