// Server-side apply and managedFields (upstream
// staging/src/k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager and
// sigs.k8s.io/structured-merge-diff). Start at field-manager.ts; updater.ts
// has the ownership rules; field-set.ts, schema.ts, walk.ts and merge.ts the
// structure they work on.
export { applyConfig, trackUpdate, type FieldManagerWrite } from './field-manager.js';
export { ApplyConflictError } from './conflict.js';
export { checkPatchOptions, checkWriteOptions, managerName } from './options.js';
