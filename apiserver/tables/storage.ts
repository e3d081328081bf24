// kubectl get storageclasses (upstream printers.go printStorageClass): the
// default class has " (default)" after its name.
import type { TableConvertor } from '../registry/strategy.js';
import { ageColumn, ageOf, column, nameColumn, nameOf } from './format.js';

/** Upstream storageutil.IsDefaultAnnotation: the GA annotation, or the beta one. */
export function isDefaultStorageClass(annotations: Readonly<Record<string, string>> | undefined): boolean {
  return annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' || annotations?.['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

interface StorageClassLike {
  provisioner?: string;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  allowVolumeExpansion?: boolean;
}

export const storageClassTable: TableConvertor = {
  columns: [
    nameColumn,
    column('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
    column('ReclaimPolicy', 'string', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.'),
    column('VolumeBindingMode', 'string', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.'),
    column('AllowVolumeExpansion', 'string', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
    ageColumn,
  ],
  cells(object, now) {
    const sc = object as StorageClassLike;
    const name = isDefaultStorageClass(object.metadata?.annotations) ? `${nameOf(object)} (default)` : nameOf(object);
    return [name, sc.provisioner ?? '', sc.reclaimPolicy ?? 'Delete', sc.volumeBindingMode ?? 'Immediate', sc.allowVolumeExpansion ?? false, ageOf(object, now)];
  },
};
