// The two ReplicationControllers of a rolling update: which one is next, how
// the new one is made, what the annotations that let an interrupted update
// resume (or roll back) say, and what is refused. After old kubectl v1.17
// (staging/src/k8s.io/kubectl/pkg/cmd/rollingupdate: rollingupdate.go
// validateArguments and Run; rolling_updater.go CreateNewControllerFromCurrentController,
// getOrCreateTargetControllerWithClient, AbortRollingUpdate, FindSourceController).
// Pure: objects in, objects or a RollingUpdateError out; hashing is passed in.
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { ReplicationController } from 'kubernetes-types/core/v1.js';
import { RollingUpdateError } from './errors.js';

const prefix = 'kubectl.kubernetes.io/';
/** The annotations old kubectl wrote, by their upstream names. */
export const annotations = {
  /** On the new controller: `<old name>:<old uid>`, the update it belongs to. */
  sourceId: `${prefix}update-source-id`,
  /** On the new controller: the replicas it will end with (it starts at 0). */
  desiredReplicas: `${prefix}desired-replicas`,
  /** On the old controller: its replicas before the update, what a rollback goes back to. */
  originalReplicas: `${prefix}original-replicas`,
  /** On the old controller (--image): the name of the controller it is being replaced by. */
  nextController: `${prefix}next-controller-id`,
} as const;

/** upstream's --deployment-label-key default */
export const DEPLOYMENT_KEY = 'deployment';

export const nameOf = (object: { metadata?: ObjectMeta }): string => object.metadata?.name ?? '';
/** upstream valOrZero(rc.Spec.Replicas) */
export const replicasOf = (rc: ReplicationController): number => rc.spec?.replicas ?? 0;
export const annotationOf = (rc: ReplicationController, key: string): string | undefined => rc.metadata?.annotations?.[key];
/** The update-source-id an old controller gives its successor. */
export const sourceIdOf = (rc: ReplicationController): string => `${nameOf(rc)}:${rc.metadata?.uid ?? ''}`;

export function withAnnotations(rc: ReplicationController, added: Readonly<Record<string, string>>): ReplicationController {
  const copy = structuredClone(rc);
  const metadata = (copy.metadata ??= {});
  metadata.annotations = { ...metadata.annotations, ...added };
  return copy;
}

export interface RollingUpdateArguments {
  /** The positional arguments: OLD [NEW]. */
  readonly args: readonly string[];
  readonly filenames: readonly string[];
  readonly image: string;
  readonly rollback: boolean;
  readonly deploymentKey: string;
}

/** upstream validateArguments: every mistake at once, as its aggregate error. */
export function argumentErrors(options: RollingUpdateArguments): string[] {
  const errors: string[] = [];
  if (options.deploymentKey === '') errors.push('--deployment-label-key can not be empty');
  if (options.filenames.length > 1) errors.push('May only specify a single filename for new controller');
  if (!options.rollback) {
    if (options.filenames.length === 0 && options.image === '') errors.push('Must specify --filename or --image for new controller');
    else if (options.filenames.length !== 0 && options.image !== '') errors.push('--filename and --image can not both be specified');
  } else if (options.filenames.length !== 0 || options.image !== '') {
    errors.push("Don't specify --filename or --image on rollback");
  }
  if (options.args.length < 1) errors.push('Must specify the controller to update');
  return errors;
}

/** upstream findNewName: NEW when given, else the name the old controller's next-controller-id annotation records. */
export function nextControllerName(args: readonly string[], oldRc: ReplicationController | undefined): string {
  if (args.length >= 2) return args[1]!;
  return oldRc ? (annotationOf(oldRc, annotations.nextController) ?? '') : '';
}

export interface ImageUpdate {
  readonly image: string;
  /** Which container gets the image; needed when the pod has several. */
  readonly container?: string;
  readonly pullPolicy?: string;
  readonly deploymentKey: string;
  /** NEW when given; else OLD-<hash>. */
  readonly newName?: string;
}

/**
 * upstream CreateNewControllerFromCurrentController: the old controller with
 * the new image, named OLD-<hash> unless named, its selector and pod labels
 * carrying the deployment key with the hash of the whole changed object
 * (resourceVersion included, so the same image twice gets another hash).
 */
export function controllerForImage(oldRc: ReplicationController, update: ImageUpdate, hashObject: (rc: ReplicationController) => string): ReplicationController {
  const rc = structuredClone(oldRc);
  const containers = rc.spec?.template?.spec?.containers ?? [];
  let index = 0;
  if (update.container) {
    index = containers.findIndex((c) => c.name === update.container);
    if (index < 0) throw new RollingUpdateError(`container ${update.container} not found in pod`);
  }
  if (containers.length > 1 && !update.container) throw new RollingUpdateError('must specify container to update when updating a multi-container pod');
  const container = containers[index];
  if (!container) throw new RollingUpdateError(`pod has no containers! (${nameOf(oldRc)})`);
  container.image = update.image;
  if (update.pullPolicy) container.imagePullPolicy = update.pullPolicy;
  const hash = hashObject(rc);
  const spec = (rc.spec ??= {});
  const template = (spec.template ??= {});
  const templateMeta = (template.metadata ??= {});
  spec.selector = { ...spec.selector, [update.deploymentKey]: hash };
  templateMeta.labels = { ...templateMeta.labels, [update.deploymentKey]: hash };
  rc.metadata = { ...rc.metadata, name: update.newName || `${nameOf(oldRc)}-${hash}` };
  return asNewObject(rc);
}

/** What the API server sets on an object, dropped so that it can be created again (as a new object or under a new name). */
export function asNewObject(rc: ReplicationController): ReplicationController {
  const metadata: ObjectMeta = { ...rc.metadata };
  for (const field of ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) delete metadata[field];
  const { status: _status, ...rest } = rc;
  return { ...rest, metadata };
}

/**
 * The new controller as upstream getOrCreateTargetController creates it: at
 * 0 replicas, remembering the replicas it is to reach and the update it
 * belongs to.
 */
export function targetToCreate(rc: ReplicationController, sourceId: string): ReplicationController {
  const replicas = replicasOf(rc);
  if (replicas <= 0) throw new RollingUpdateError(`Invalid controller spec for ${nameOf(rc)}; required: > 0 replicas, actual: ${replicas}`);
  const created = withAnnotations(rc, { [annotations.desiredReplicas]: String(replicas), [annotations.sourceId]: sourceId });
  created.spec = { ...created.spec, replicas: 0 };
  return created;
}

/** upstream: an existing target continues the update only if it belongs to this old controller. */
export function checkExistingTarget(existing: ReplicationController, sourceId: string): void {
  const found = existing.metadata?.annotations ?? {};
  if (found[annotations.sourceId] !== sourceId || found[annotations.desiredReplicas] === undefined) {
    throw new RollingUpdateError(`Missing/unexpected annotations for controller ${nameOf(existing)}, expected ${sourceId} : ${goMap(found)}`);
  }
}

/** The desired-replicas annotation, as upstream's strconv.Atoi reads it. */
export function desiredReplicasOf(newRc: ReplicationController): number {
  const value = annotationOf(newRc, annotations.desiredReplicas) ?? '';
  if (!/^[+-]?\d+$/.test(value)) throw new RollingUpdateError(`Unable to parse annotation for ${nameOf(newRc)}: ${annotations.desiredReplicas}=${value}`);
  return Number(value);
}

/**
 * upstream Run: a rolling update needs a selector key both controllers have
 * with different values, so that every new pod has it and no old pod does.
 */
export function selectorsDiffer(oldRc: ReplicationController, newRc: ReplicationController): boolean {
  const newSelector = newRc.spec?.selector ?? {};
  return Object.entries(oldRc.spec?.selector ?? {}).some(([key, value]) => key in newSelector && newSelector[key] !== value);
}

/** The checks upstream Run makes on the pair before it starts (`source` is the -f filename, empty otherwise). */
export function checkPair(oldRc: ReplicationController, newRc: ReplicationController, source: string): void {
  if (nameOf(oldRc) === nameOf(newRc)) throw new RollingUpdateError(`${source} cannot have the same name as the existing ReplicationController ${nameOf(oldRc)}`);
  if (!selectorsDiffer(oldRc, newRc)) throw new RollingUpdateError(`${source} must specify a matching key with non-equal value in Selector for ${nameOf(oldRc)}`);
}

/**
 * upstream AbortRollingUpdate (--rollback): the update turned around. The
 * controller being replaced becomes the target again, at the replicas it had
 * before the update began, and the half-made one is scaled away and deleted.
 */
export function reversedUpdate(oldRc: ReplicationController, newRc: ReplicationController): { oldRc: ReplicationController; newRc: ReplicationController; originalReplicas: string } {
  const originalReplicas = annotationOf(oldRc, annotations.originalReplicas);
  if (originalReplicas === undefined) throw new RollingUpdateError(`couldn't find original replica count of "${nameOf(oldRc)}"`);
  const target = withAnnotations(oldRc, { [annotations.sourceId]: sourceIdOf(newRc), [annotations.desiredReplicas]: originalReplicas });
  return { oldRc: newRc, newRc: target, originalReplicas };
}

/** upstream FindSourceController: mid-rename, the controller whose update-source-id starts with `name`. */
export function sourceController(controllers: readonly ReplicationController[], namespace: string, name: string): ReplicationController {
  const found = controllers.find((rc) => annotationOf(rc, annotations.sourceId)?.startsWith(name));
  if (!found) throw new RollingUpdateError(`couldn't find a replication controller with source id == ${namespace}/${name}`);
  return found;
}

/** upstream: a file's controller must be a v1 ReplicationController (Go's GroupVersionKind text otherwise). */
export function controllerFromManifest(object: { apiVersion?: string; kind?: string }, filename: string): ReplicationController {
  if (object.apiVersion === 'v1' && object.kind === 'ReplicationController') return object as ReplicationController;
  const [group, version] = (object.apiVersion ?? '').includes('/') ? (object.apiVersion ?? '').split('/', 2) : ['', object.apiVersion ?? ''];
  throw new RollingUpdateError(`${filename} contains a ${group}/${version}, Kind=${object.kind ?? ''} not a ReplicationController`);
}

/** cli-runtime's check of a file's namespace against the one in use. */
export function checkNamespace(rc: ReplicationController, namespace: string): ReplicationController {
  const own = rc.metadata?.namespace;
  if (own && own !== namespace) {
    throw new RollingUpdateError(`the namespace from the provided object "${own}" does not match the namespace "${namespace}". You must pass '--namespace=${own}' to perform this operation`);
  }
  return { ...rc, metadata: { ...rc.metadata, namespace } };
}

/** A map[string]string as Go's fmt prints it: map[a:1 b:2], keys sorted. */
function goMap(map: Readonly<Record<string, string>>): string {
  return `map[${Object.keys(map)
    .sort()
    .map((key) => `${key}:${map[key]}`)
    .join(' ')}]`;
}

/** upstream Run, --image: the same image again needs an explicit pull policy to make a difference. */
export function checkImageChange(oldRc: ReplicationController, image: string, pullPolicy: string | undefined): void {
  // as upstream: the first container's image, whichever --container names
  if (oldRc.spec?.template?.spec?.containers?.[0]?.image === image && !pullPolicy) {
    throw new RollingUpdateError('--image-pull-policy (Always|Never|IfNotPresent) must be provided when --image is the same as existing container image');
  }
}

/** upstream Run, --image: an update already under way may only be resumed with its own image. */
export function checkInProgressImage(newRc: ReplicationController, image: string): void {
  const inProgress = newRc.spec?.template?.spec?.containers?.[0]?.image ?? '';
  if (inProgress !== image) {
    throw new RollingUpdateError(`Found existing in-progress update to image (${inProgress}).\nEither continue in-progress update with --image=${inProgress} or rollback with --rollback`);
  }
}

/** The old controller as prepareOldController (deployment-key.ts) leaves it, for --dry-run, which changes nothing. */
export function withDeploymentKey(rc: ReplicationController, nextName: string, key: string, value: string): ReplicationController {
  const copy = withAnnotations(rc, { [annotations.nextController]: nextName });
  if (copy.spec?.selector?.[key] !== undefined) return copy;
  const spec = (copy.spec ??= {});
  const template = (spec.template ??= {});
  const templateMeta = (template.metadata ??= {});
  templateMeta.labels = { ...templateMeta.labels, [key]: value };
  spec.selector = { ...spec.selector, [key]: value };
  return copy;
}
