// The StorageClass strategy (upstream pkg/registry/storage/storageclass
// strategy.go, pkg/apis/storage/v1/defaults.go and
// pkg/apis/storage/validation ValidateStorageClass and
// ValidateStorageClassUpdate).
import { isDeepStrictEqual } from 'node:util';
import { fieldError, isQualifiedName, type FieldError } from '../../proto/index.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import type { KubeObject, Strategy } from './strategy.js';

type KindStrategy = Omit<Strategy, 'table'>;

/** As upstream's supportedReclaimPolicy: a class may not ask for Recycle. */
const CLASS_RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];

interface StorageClassLike {
  provisioner?: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
}

export const storageClassStrategy: KindStrategy = {
  tracksGeneration: false,
  defaults(object) {
    const sc = object as StorageClassLike;
    sc.reclaimPolicy ??= 'Delete';
    sc.volumeBindingMode ??= 'Immediate';
  },
  validate(object) {
    const errors = validateObjectMeta(object);
    const sc = object as KubeObject & StorageClassLike;
    if (!sc.provisioner) errors.push(fieldError.required('provisioner'));
    else for (const message of isQualifiedName(sc.provisioner.toLowerCase())) errors.push(fieldError.invalid('provisioner', sc.provisioner, message));
    if (sc.reclaimPolicy !== undefined && !CLASS_RECLAIM_POLICIES.includes(sc.reclaimPolicy)) {
      errors.push(fieldError.notSupported('reclaimPolicy', sc.reclaimPolicy, CLASS_RECLAIM_POLICIES));
    }
    if (sc.volumeBindingMode !== undefined && !BINDING_MODES.includes(sc.volumeBindingMode)) {
      errors.push(fieldError.notSupported('volumeBindingMode', sc.volumeBindingMode, BINDING_MODES));
    }
    return errors;
  },
  validateUpdate(object, oldObject) {
    const errors: FieldError[] = validateObjectMetaUpdate(object, oldObject);
    const sc = object as StorageClassLike;
    const old = oldObject as StorageClassLike;
    if (!isDeepStrictEqual(sc.parameters ?? {}, old.parameters ?? {})) errors.push(fieldError.forbidden('parameters', 'updates to parameters are forbidden.'));
    if (sc.provisioner !== old.provisioner) errors.push(fieldError.forbidden('provisioner', 'updates to provisioner are forbidden.'));
    if (sc.reclaimPolicy !== old.reclaimPolicy) errors.push(fieldError.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
    if (sc.volumeBindingMode !== old.volumeBindingMode) errors.push(fieldError.invalid('volumeBindingMode', sc.volumeBindingMode, 'field is immutable'));
    return errors;
  },
};
