// kubectl get daemonsets, statefulsets, replicationcontrollers, controllerrevisions
// (upstream printers.go printDaemonSet, printStatefulSet, printReplicationController,
// printControllerRevision).
import type { KubeObject, TableConvertor } from '../registry/strategy.js';
import { ageColumn, ageOf, column, containerCells, formatLabels, formatLabelSelector, nameColumn, nameOf } from './format.js';

const containersColumn = column('Containers', 'string', 'Names of each container in the template.', 1);
const imagesColumn = column('Images', 'string', 'Images referenced by each container in the template.', 1);
const selectorColumn = column('Selector', 'string', 'A label query over pods that should match the replicas count.', 1);

type Counts = Record<string, number | undefined>;
const specOf = (o: KubeObject) => (o.spec ?? {}) as Counts & { selector?: unknown; template?: { spec?: { nodeSelector?: Record<string, string> } } };
const statusOf = (o: KubeObject) => (o.status ?? {}) as Counts;

export const daemonSetTable: TableConvertor = {
  columns: [
    nameColumn,
    column('Desired', 'integer', 'The total number of nodes that should be running the daemon pod.'),
    column('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
    column('Ready', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.'),
    column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod.'),
    column('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'),
    column('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    column('Selector', 'string', 'A label query over pods that are managed by the daemon set.', 1),
  ],
  cells(object, now) {
    const status = statusOf(object);
    const [containers, images] = containerCells(object);
    return [
      nameOf(object),
      status.desiredNumberScheduled ?? 0,
      status.currentNumberScheduled ?? 0,
      status.numberReady ?? 0,
      status.updatedNumberScheduled ?? 0,
      status.numberAvailable ?? 0,
      formatLabels(specOf(object).template?.spec?.nodeSelector),
      ageOf(object, now),
      containers,
      images,
      formatLabelSelector(specOf(object).selector as Parameters<typeof formatLabelSelector>[0]),
    ];
  },
};

export const statefulSetTable: TableConvertor = {
  columns: [nameColumn, column('Ready', 'string', 'Number of the pod with ready state'), ageColumn, containersColumn, imagesColumn],
  cells(object, now) {
    const [containers, images] = containerCells(object);
    return [nameOf(object), `${statusOf(object).readyReplicas ?? 0}/${specOf(object).replicas ?? 0}`, ageOf(object, now), containers, images];
  },
};

export const replicationControllerTable: TableConvertor = {
  columns: [
    nameColumn,
    column('Desired', 'integer', 'Replicas is the number of desired replicas.'),
    column('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    column('Ready', 'integer', 'The number of ready replicas for this replication controller.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn,
  ],
  cells(object, now) {
    const [containers, images] = containerCells(object);
    return [
      nameOf(object),
      specOf(object).replicas ?? 0,
      statusOf(object).replicas ?? 0,
      statusOf(object).readyReplicas ?? 0,
      ageOf(object, now),
      containers,
      images,
      formatLabels(specOf(object).selector as Record<string, string> | undefined),
    ];
  },
};

export const controllerRevisionTable: TableConvertor = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'integer', 'Revision indicates the revision of the state represented by Data.'),
    ageColumn,
  ],
  cells(object, now) {
    const owner = object.metadata?.ownerReferences?.find((r) => r.controller);
    let controller = '<none>';
    if (owner) {
      const group = owner.apiVersion.includes('/') ? owner.apiVersion.split('/')[0] : '';
      controller = `${owner.kind.toLowerCase()}${group ? `.${group}` : ''}/${owner.name}`;
    }
    return [nameOf(object), controller, (object as { revision?: number }).revision ?? 0, ageOf(object, now)];
  },
};
