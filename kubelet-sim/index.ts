// kubelet-sim/: simulated node agents (DESIGN.md "Simulated nodes").
export { KubeletsStoppedError, startKubelets, type RunningKubelets } from './kubelets.js';
export { kubeletDefaults, machineDefaults, type BackOffOptions, type KubeletOptions, type NodeTaint, type SimulatedNode } from './options.js';
export {
  defaultPodStages,
  scaleStageDelays,
  SIMULATE_MODES,
  type ContainerNext,
  type PodSimState,
  type PodStage,
  type SimulateMode,
  type StageDelay,
  type StageEvent,
  type StageNext,
  type StageSelector,
} from './stages.js';
export { SIMULATE_ANNOTATION, matchStage, podSimState, simulateMode, stageDelay } from './pod-state.js';
export { renderPodStatus, renderEvents, type PodEvent, type RenderContext } from './pod-status.js';
export { podCIDRForIndex, choosePodCIDR } from './pod-cidr.js';
export { seededRandom } from './seeded-random.js';
