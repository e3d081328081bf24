// scripts/rolling-update/: `kubelab rolling-update`, old kubectl's command for
// ReplicationControllers. Start with command.ts (the command), updater.ts (the
// loop); the decisions are pure in steps.ts and controllers.ts.
export { rollingUpdate, rollingUpdateDefaults, hashObject, type RollingUpdateOptions } from './command.js';
export { RollingUpdateError } from './errors.js';
export { RollingUpdater, type CleanupPolicy, type UpdaterConfig, type UpdaterDeps } from './updater.js';
