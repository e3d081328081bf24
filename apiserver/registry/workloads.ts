// The strategies of Pods and of the workloads that make them (upstream
// pkg/registry/core/pod, core/replicationcontroller, apps/daemonset,
// apps/statefulset strategy.go, with pkg/apis/*/v1/defaults.go and the
// validation a student meets first).
import { isDeepStrictEqual } from 'node:util';
import { fieldError, goStringMap, labelSelectorFromSet, selectorFromLabelSelector, SelectorParseError, validateLabelSelector, type FieldError } from '../../proto/index.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { podGracePeriod } from './deletion.js';
import { defaultPodSpec, qosClass, validatePodSpec, type PodSpecLike } from './pod-spec.js';
import type { KubeObject, Strategy } from './strategy.js';

type KindStrategy = Omit<Strategy, 'table'>;

interface Template {
  metadata?: { labels?: Record<string, string> };
  spec?: PodSpecLike;
}

const specOf = <T>(o: KubeObject): T => (o.spec ??= {}) as T;

/** Keeps the stored status on a main update, and the stored spec on a status update (upstream PrepareForUpdate). */
const keepStatus = (object: KubeObject, old: KubeObject) => {
  if (old.status === undefined) delete object.status;
  else object.status = old.status;
};
const keepSpec = (object: KubeObject, old: KubeObject) => {
  object.spec = old.spec;
};

// --- Pod ---------------------------------------------------------------------

/** Upstream's DefaultTolerationSeconds admission: evicted 300 s after its node goes not-ready or unreachable. */
const DEFAULT_TOLERATIONS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].map((key) => ({
  key,
  operator: 'Exists',
  effect: 'NoExecute',
  tolerationSeconds: 300,
}));

export const podStrategy: KindStrategy = {
  tracksGeneration: false,
  defaults(pod) {
    defaultPodSpec(specOf(pod));
  },
  prepareForCreate(pod) {
    const spec = specOf<PodSpecLike & { tolerations?: { key?: string; effect?: string }[]; priority?: number; enableServiceLinks?: boolean; preemptionPolicy?: string }>(pod);
    spec.enableServiceLinks ??= true;
    // The Priority admission plugin: no PriorityClass named, priority 0.
    spec.priority ??= 0;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
    const tolerations = (spec.tolerations ??= []);
    for (const toleration of DEFAULT_TOLERATIONS) {
      const tolerated = tolerations.some((t) => (t.key === toleration.key || t.key === undefined) && (t.effect === 'NoExecute' || t.effect === undefined));
      if (!tolerated) tolerations.push({ ...toleration });
    }
    pod.status = { phase: 'Pending', qosClass: qosClass(spec) };
  },
  prepareForUpdate: keepStatus,
  prepareForStatusUpdate: keepSpec,
  validate(pod) {
    return [...validateObjectMeta(pod), ...validatePodSpec(pod.spec as PodSpecLike | undefined, 'spec')];
  },
  validateUpdate(pod, old) {
    const errors = validateObjectMetaUpdate(pod, old);
    // As upstream ValidatePodUpdate: only images, activeDeadlineSeconds, tolerations (added) and the grace period may change.
    const strip = (spec: unknown) => {
      const copy = structuredClone(spec ?? {}) as PodSpecLike & { activeDeadlineSeconds?: unknown; tolerations?: unknown };
      for (const c of [...(copy.containers ?? []), ...(copy.initContainers ?? [])]) delete c.image;
      delete copy.activeDeadlineSeconds;
      delete copy.tolerations;
      delete copy.terminationGracePeriodSeconds;
      return copy;
    };
    if (!isDeepStrictEqual(strip(pod.spec), strip(old.spec))) {
      errors.push(
        fieldError.forbidden(
          'spec',
          'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
        ),
      );
    }
    return errors;
  },
  selectableFields(pod) {
    const spec = (pod.spec ?? {}) as { nodeName?: string; restartPolicy?: string; schedulerName?: string; serviceAccountName?: string; hostNetwork?: boolean };
    const status = (pod.status ?? {}) as { phase?: string; podIP?: string; nominatedNodeName?: string };
    return {
      'spec.nodeName': spec.nodeName ?? '',
      'spec.restartPolicy': spec.restartPolicy ?? '',
      'spec.schedulerName': spec.schedulerName ?? '',
      'spec.serviceAccountName': spec.serviceAccountName ?? '',
      'spec.hostNetwork': String(spec.hostNetwork ?? false),
      'status.phase': status.phase ?? '',
      'status.podIP': status.podIP ?? '',
      'status.nominatedNodeName': status.nominatedNodeName ?? '',
    };
  },
  gracefulDeleteSeconds: podGracePeriod,
};

// --- workloads ---------------------------------------------------------------

function validateTemplate(template: Template | undefined, path: string, claimVolumes: readonly string[] = []): FieldError[] {
  if (!template || typeof template !== 'object') return [fieldError.required(path)];
  return validatePodSpec(template.spec, `${path}.spec`, claimVolumes);
}

/** The selector must select the template's labels (upstream: "`selector` does not match template `labels`"). */
function selectorMatchesTemplate(
  matches: (labels: Record<string, string>) => boolean,
  template: Template | undefined,
  path: string,
  detail = '`selector` does not match template `labels`',
): FieldError[] {
  const labels = template?.metadata?.labels ?? {};
  if (matches(labels)) return [];
  return [{ type: 'FieldValueInvalid', field: `${path}.metadata.labels`, valueText: goStringMap(labels), detail }];
}

function validateAppsWorkload(object: KubeObject, kind: string): FieldError[] {
  const spec = (object.spec ?? {}) as {
    selector?: Parameters<typeof selectorFromLabelSelector>[0];
    template?: Template;
    volumeClaimTemplates?: { metadata?: { name?: string } }[];
  };
  const errors = validateObjectMeta(object);
  if (!spec.selector) {
    errors.push(fieldError.required('spec.selector'));
  } else {
    const selectorErrors = validateLabelSelector(spec.selector, 'spec.selector');
    errors.push(...selectorErrors);
    if (selectorErrors.length === 0) {
      try {
        const selector = selectorFromLabelSelector(spec.selector);
        if (selector.isEverything()) errors.push(fieldError.invalid('spec.selector', spec.selector, `empty selector is invalid for ${kind}`));
        else errors.push(...selectorMatchesTemplate((labels) => selector.matches(labels), spec.template, 'spec.template'));
      } catch (error) {
        if (!(error instanceof SelectorParseError)) throw error;
        errors.push(fieldError.invalid('spec.selector', spec.selector, error.message));
      }
    }
  }
  const claimVolumes = (spec.volumeClaimTemplates ?? []).flatMap((claim) => (claim.metadata?.name ? [claim.metadata.name] : []));
  errors.push(...validateTemplate(spec.template, 'spec.template', claimVolumes));
  return errors;
}

function selectorImmutable(object: KubeObject, old: KubeObject): FieldError[] {
  const now = (object.spec as { selector?: unknown } | undefined)?.selector;
  const before = (old.spec as { selector?: unknown } | undefined)?.selector;
  return isDeepStrictEqual(now, before) ? [] : [fieldError.invalid('spec.selector', now, 'field is immutable')];
}

function validateReplicas(replicas: unknown, path: string): FieldError[] {
  if (replicas === undefined) return [];
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) return [fieldError.invalid(path, replicas, 'must be greater than or equal to 0')];
  return [];
}

function workloadStrategy(rules: Omit<KindStrategy, 'tracksGeneration' | 'prepareForStatusUpdate'>): KindStrategy {
  return { tracksGeneration: true, prepareForUpdate: keepStatus, prepareForStatusUpdate: keepSpec, ...rules };
}

/**
 * Upstream keeps a DaemonSet's spec.templateGeneration (of extensions/v1beta1)
 * in this annotation of the apps/v1 object (apps/v1 conversion), so every
 * DaemonSet of a real cluster shows it.
 */
const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

function setTemplateGeneration(ds: KubeObject, generation: number): void {
  const meta = (ds.metadata ??= {});
  meta.annotations = { ...meta.annotations, [TEMPLATE_GENERATION]: String(generation) };
}

export const daemonSetStrategy = workloadStrategy({
  defaults(ds) {
    const spec = specOf<{ template?: Template; revisionHistoryLimit?: number; updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: unknown; maxSurge?: unknown } } }>(ds);
    if (spec.template?.spec) defaultPodSpec(spec.template.spec);
    spec.revisionHistoryLimit ??= 10;
    const strategy = (spec.updateStrategy ??= {});
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      const rolling = (strategy.rollingUpdate ??= {});
      rolling.maxUnavailable ??= 1;
      rolling.maxSurge ??= 0;
    }
  },
  prepareForCreate(ds) {
    ds.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    setTemplateGeneration(ds, 1);
  },
  prepareForUpdate(ds, old) {
    keepStatus(ds, old);
    // As upstream: the template generation is the server's, and counts template changes.
    const previous = Number(old.metadata?.annotations?.[TEMPLATE_GENERATION] ?? 1);
    const templateChanged = !isDeepStrictEqual((ds.spec as { template?: unknown } | undefined)?.template, (old.spec as { template?: unknown } | undefined)?.template);
    setTemplateGeneration(ds, templateChanged ? previous + 1 : previous);
  },
  validate(ds) {
    const errors = validateAppsWorkload(ds, 'daemonset');
    const spec = (ds.spec ?? {}) as { template?: Template; updateStrategy?: { type?: string } };
    const restart = spec.template?.spec?.restartPolicy;
    if (restart !== undefined && restart !== 'Always') errors.push(fieldError.notSupported('spec.template.spec.restartPolicy', restart, ['Always']));
    const type = spec.updateStrategy?.type;
    if (type !== undefined && type !== 'RollingUpdate' && type !== 'OnDelete') errors.push(fieldError.notSupported('spec.updateStrategy.type', type, ['OnDelete', 'RollingUpdate']));
    return errors;
  },
  validateUpdate: (ds, old) => [...validateObjectMetaUpdate(ds, old), ...selectorImmutable(ds, old)],
});

export const statefulSetStrategy = workloadStrategy({
  defaults(sts) {
    const spec = specOf<{
      replicas?: number;
      template?: Template;
      podManagementPolicy?: string;
      revisionHistoryLimit?: number;
      updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
      persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
      volumeClaimTemplates?: { apiVersion?: string; kind?: string; spec?: { volumeMode?: string }; status?: { phase?: string } }[];
    }>(sts);
    if (spec.template?.spec) defaultPodSpec(spec.template.spec);
    spec.replicas ??= 1;
    spec.podManagementPolicy ??= 'OrderedReady';
    spec.revisionHistoryLimit ??= 10;
    const strategy = (spec.updateStrategy ??= {});
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') (strategy.rollingUpdate ??= {}).partition ??= 0;
    const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
    retention.whenDeleted ??= 'Retain';
    retention.whenScaled ??= 'Retain';
    for (const claim of spec.volumeClaimTemplates ?? []) {
      claim.apiVersion ??= 'v1';
      claim.kind ??= 'PersistentVolumeClaim';
      (claim.spec ??= {}).volumeMode ??= 'Filesystem';
      (claim.status ??= {}).phase ??= 'Pending';
    }
  },
  prepareForCreate(sts) {
    sts.status = { replicas: 0, availableReplicas: 0 };
  },
  validate(sts) {
    const errors = validateAppsWorkload(sts, 'statefulset');
    const spec = (sts.spec ?? {}) as { replicas?: unknown; podManagementPolicy?: string; updateStrategy?: { type?: string } };
    errors.push(...validateReplicas(spec.replicas, 'spec.replicas'));
    const policy = spec.podManagementPolicy;
    if (policy !== undefined && policy !== 'OrderedReady' && policy !== 'Parallel') errors.push(fieldError.notSupported('spec.podManagementPolicy', policy, ['OrderedReady', 'Parallel']));
    const type = spec.updateStrategy?.type;
    if (type !== undefined && type !== 'RollingUpdate' && type !== 'OnDelete') errors.push(fieldError.notSupported('spec.updateStrategy.type', type, ['OnDelete', 'RollingUpdate']));
    return errors;
  },
  validateUpdate(sts, old) {
    const errors = validateObjectMetaUpdate(sts, old);
    // As upstream ValidateStatefulSetUpdate: only these spec fields may change.
    const mutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
    const rest = (o: KubeObject) => Object.fromEntries(Object.entries(o.spec ?? {}).filter(([k]) => !mutable.includes(k)));
    if (!isDeepStrictEqual(rest(sts), rest(old))) {
      errors.push(
        fieldError.forbidden(
          'spec',
          "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ),
      );
    }
    return errors;
  },
});

export const replicationControllerStrategy = workloadStrategy({
  defaults(rc) {
    const spec = specOf<{ replicas?: number; selector?: Record<string, string>; template?: Template }>(rc);
    const labels = spec.template?.metadata?.labels;
    // upstream SetDefaults_ReplicationController: selector and labels from the template's labels.
    if (labels && Object.keys(labels).length > 0) {
      if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
      const meta = (rc.metadata ??= {});
      if (!meta.labels || Object.keys(meta.labels).length === 0) meta.labels = { ...labels };
    }
    spec.replicas ??= 1;
    if (spec.template?.spec) defaultPodSpec(spec.template.spec);
  },
  prepareForCreate(rc) {
    rc.status = { replicas: 0 };
  },
  validate(rc) {
    const spec = (rc.spec ?? {}) as { replicas?: unknown; selector?: Record<string, string>; template?: Template };
    const errors = validateObjectMeta(rc);
    errors.push(...validateReplicas(spec.replicas, 'spec.replicas'));
    if (!spec.selector || Object.keys(spec.selector).length === 0) errors.push(fieldError.required('spec.selector'));
    else {
      const selector = labelSelectorFromSet(spec.selector);
      errors.push(...selectorMatchesTemplate((labels) => selector.matches(labels), spec.template, 'spec.template', 'selector does not match labels in template'));
    }
    errors.push(...validateTemplate(spec.template, 'spec.template'));
    return errors;
  },
  validateUpdate: (rc, old) => validateObjectMetaUpdate(rc, old),
  selectableFields: (rc) => ({ 'status.replicas': String((rc.status as { replicas?: number } | undefined)?.replicas ?? 0) }),
});
