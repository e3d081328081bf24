// upstream controller_utils.go GetPodFromTemplate: the pod a workload
// controller creates from its template: the template's labels, annotations,
// finalizers and spec, `generateName` `<controller>-`, and the controller as
// its controller owner.
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';

export function podFromTemplate(template: PodTemplateSpec | undefined, namespace: string | undefined, controllerRef: OwnerReference): Pod {
  const copy = structuredClone(template ?? {});
  const meta = copy.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${controllerRef.name}-`,
      namespace,
      labels: { ...meta.labels },
      ...(meta.annotations ? { annotations: meta.annotations } : {}),
      ...(meta.finalizers ? { finalizers: meta.finalizers } : {}),
      ownerReferences: [controllerRef],
    },
    spec: copy.spec ?? { containers: [] },
  };
}
