// The lines `kubelab rolling-update` prints, word for word old kubectl's
// (v1.17 rollingupdate.go and rolling_updater.go), so a tutorial's transcript
// reads the same.
import type { UpdateBounds } from './steps.js';

export const lines = {
  created: (name: string) => `Created ${name}`,
  continuing: (name: string) => `Continuing update with existing controller ${name}.`,
  resuming: (name: string) => `Found existing update in progress (${name}), resuming.`,
  plan: (newName: string, newReplicas: number, oldName: string, oldReplicas: number, bounds: UpdateBounds) =>
    `Scaling up ${newName} from ${newReplicas} to ${bounds.desired}, scaling down ${oldName} from ${oldReplicas} to 0 ` +
    `(keep ${bounds.minAvailable} pods available, don't exceed ${bounds.desired + bounds.maxSurge} pods)`,
  scalingUp: (name: string, replicas: number) => `Scaling ${name} up to ${replicas}`,
  scalingDown: (name: string, replicas: number) => `Scaling ${name} down to ${replicas}`,
  deleting: (name: string) => `Update succeeded. Deleting ${name}`,
  deletingOld: (name: string) => `Update succeeded. Deleting old controller: ${name}`,
  renaming: (from: string, to: string) => `Renaming ${from} to ${to}`,
  settingReplicas: (name: string, replicas: string) => `Setting "${name}" replicas to ${replicas}`,
  /** kubectl's name printer with the operation "rolling updated" (to "NEW" when the name changed). */
  rolledUpdated: (name: string, renamedTo?: string) =>
    `replicationcontroller/${name} rolling updated${renamedTo === undefined ? '' : ` to "${renamedTo}"`}`,
  dryRun: (oldName: string, newName: string) => `Rolling from:\n${oldName}\nTo:\n${newName}`,
} as const;
