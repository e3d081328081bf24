// `kubelab rolling-update`: old kubectl's RollingUpdateOptions.Run (v1.17
// staging/src/k8s.io/kubectl/pkg/cmd/rollingupdate/rollingupdate.go). Finds
// the old controller, makes the new one (-f, --image, or the one a --rollback
// turns back from), checks the pair, and hands it to the RollingUpdater.
import { createHash } from 'node:crypto';
import type { ReplicationController } from 'kubernetes-types/core/v1.js';
import { isNotFound, kinds } from '../../client/index.js';
import {
  DEPLOYMENT_KEY,
  argumentErrors,
  checkImageChange,
  checkInProgressImage,
  checkNamespace,
  checkPair,
  controllerForImage,
  controllerFromManifest,
  nameOf,
  nextControllerName,
  reversedUpdate,
  sourceController,
  withDeploymentKey,
  type RollingUpdateArguments,
} from './controllers.js';
import { prepareOldController } from './deployment-key.js';
import { RollingUpdateError } from './errors.js';
import { readManifest } from './manifest.js';
import { lines } from './output.js';
import { RollingUpdater, type UpdaterConfig, type UpdaterDeps } from './updater.js';

export interface RollingUpdateOptions extends RollingUpdateArguments {
  readonly container: string;
  readonly pullPolicy: string;
  readonly dryRun: boolean;
  readonly updatePeriodMs: number;
  readonly pollIntervalMs: number;
  /** upstream Run passed its 5m constant whatever --timeout said; kubelab honours the flag. */
  readonly timeoutMs: number;
}

/** Old kubectl's flag defaults (--update-period 1m0s, --poll-interval 3s, --timeout 5m0s). */
export const rollingUpdateDefaults = {
  updatePeriodMs: 60_000,
  pollIntervalMs: 3_000,
  timeoutMs: 300_000,
  deploymentKey: DEPLOYMENT_KEY,
} as const;

/** upstream util.HashObject: md5 of the encoded object, in hex. */
export const hashObject = (rc: ReplicationController): string => createHash('md5').update(JSON.stringify(rc)).digest('hex');

export async function rollingUpdate(deps: UpdaterDeps, options: RollingUpdateOptions): Promise<void> {
  const errors = argumentErrors(options);
  if (errors.length > 0) throw new RollingUpdateError(errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`, { usage: true });
  const { client, namespace, print } = deps;
  const rcs = client.resource(kinds.ReplicationController, namespace);
  const updater = new RollingUpdater(deps);
  const oldName = options.args[0]!;
  const keepOldName = options.args.length === 1;
  const filename = options.filenames[0] ?? '';
  const existing = async (name: string): Promise<ReplicationController | undefined> => {
    if (name === '') return undefined;
    try {
      return await rcs.get(name);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };

  let oldRc = await existing(oldName);
  if (!oldRc) {
    if (options.image === '' || !keepOldName) await rcs.get(oldName); // throws the NotFound
    // Interrupted in the middle of a rename: finish it.
    const renaming = sourceController((await rcs.list()).items, namespace, oldName);
    if (!options.dryRun) await updater.rename(renaming, oldName, options.pollIntervalMs);
    return;
  }

  let newRc: ReplicationController | undefined;
  let replicasDefaulted = false;
  if (filename !== '') {
    newRc = checkNamespace(controllerFromManifest(await readManifest(filename), filename), namespace);
    replicasDefaulted = newRc.spec?.replicas === undefined;
  }
  if (options.image !== '') {
    newRc = await existing(nextControllerName(options.args, oldRc));
    if (newRc) {
      checkInProgressImage(newRc, options.image);
      print(lines.resuming(nameOf(newRc)));
    } else {
      checkImageChange(oldRc, options.image, options.pullPolicy);
      newRc = controllerForImage(
        oldRc,
        { image: options.image, container: options.container, pullPolicy: options.pullPolicy, deploymentKey: options.deploymentKey, newName: options.args[1] },
        hashObject,
      );
    }
    // The same image again may hash the same: the old side gets a suffix.
    const oldHash = `${hashObject(oldRc)}-orig`;
    oldRc = options.dryRun
      ? withDeploymentKey(oldRc, nameOf(newRc), options.deploymentKey, oldHash)
      : await prepareOldController(client, oldRc, nameOf(newRc), options.deploymentKey, oldHash);
  }
  if (options.rollback) {
    const newName = nextControllerName(options.args, oldRc);
    newRc = await existing(newName);
    if (!newRc) throw new RollingUpdateError(`Could not find ${newName} to rollback.`);
  }
  if (!newRc) throw new Error('rolling-update: no new controller after the arguments were checked');

  checkPair(oldRc, newRc, filename);
  if (replicasDefaulted) newRc = { ...newRc, spec: { ...newRc.spec, replicas: oldRc.spec?.replicas } };
  if (options.dryRun) {
    print(lines.dryRun(nameOf(oldRc), nameOf(newRc)));
    return;
  }

  let config: UpdaterConfig = {
    oldRc,
    newRc,
    updatePeriodMs: options.updatePeriodMs,
    pollIntervalMs: options.pollIntervalMs,
    timeoutMs: options.timeoutMs,
    minReadySeconds: 0,
    cleanup: keepOldName ? 'Rename' : 'Delete',
  };
  if (options.rollback) {
    const reversed = reversedUpdate(oldRc, newRc);
    print(lines.settingReplicas(nameOf(reversed.newRc), reversed.originalReplicas));
    config = { ...config, oldRc: reversed.oldRc, newRc: reversed.newRc, cleanup: 'Delete' };
    await updater.annotate(nameOf(reversed.newRc), reversed.newRc.metadata?.annotations ?? {});
  }
  await updater.update(config);

  const finalName = keepOldName ? oldName : nameOf(newRc);
  await rcs.get(finalName);
  print(lines.rolledUpdated(finalName, keepOldName ? undefined : finalName));
}
