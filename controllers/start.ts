// Runs the controllers in this process (what main.ts and the lab call): one
// shared informer factory and one work queue per controller; with leader
// election, only while this process holds the Lease kube-system/
// kube-controller-manager, as kube-controller-manager's --leader-elect.
// Each leadership term starts from empty caches and empty controller memory,
// as a new upstream leader does.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import { EventRecorder, KubeClient, LeaderElector, leaderElectionDefaults, systemClock, type ClientCredentials, type Clock } from '../client/index.js';
import { controllerDescriptors, resolveControllerNames, type ControllerOptions } from './registry.js';
import { runController, type ControllerDeps } from './runtime/controller.js';
import { SharedInformerFactory } from './runtime/informer-factory.js';

export interface LeaderElectionSettings {
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  /** holderIdentity: `<hostname>_<uuid>` by default, as upstream. */
  readonly identity?: string;
  readonly namespace?: string;
  readonly name?: string;
}

export interface StartControllersOptions {
  /** One API server URL or several (failed over in turn). */
  readonly server: string | readonly string[];
  /** Who the controllers are to the API server (system:kube-controller-manager's certificate on a secure lab). */
  readonly credentials?: ClientCredentials;
  /** Names (short or upstream); default all. */
  readonly controllers?: readonly string[];
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly leaderElect?: boolean;
  readonly leaderElection?: LeaderElectionSettings;
  /** Shorthands for options.nodeLifecycle's. */
  readonly nodeMonitorGracePeriodMs?: number;
  readonly nodeStartupGracePeriodMs?: number;
  readonly options?: ControllerOptions;
  /** The random source of the leader election's jitter. */
  readonly random?: () => number;
}

export interface RunningControllers {
  readonly identity: string;
  /** The controllers that run (while leading, with leader election). */
  readonly controllers: readonly string[];
  isLeading(): boolean;
  /** Stops the controllers and, with leader election, releases the Lease. */
  stop(): Promise<void>;
}

export const LEADER_LEASE = { namespace: 'kube-system', name: 'kube-controller-manager' } as const;

export function startControllers(options: StartControllersOptions): RunningControllers {
  const names = resolveControllerNames(options.controllers);
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? pino({ level: 'silent' });
  const client = new KubeClient({ ...options.credentials, server: options.server, logger: log, userAgent: 'kubelab-controllers/0.1.0' });
  const identity = options.leaderElection?.identity ?? `${hostname()}_${randomUUID()}`;
  const controllerOptions: ControllerOptions = {
    ...options.options,
    nodeLifecycle: {
      ...options.options?.nodeLifecycle,
      ...(options.nodeMonitorGracePeriodMs !== undefined ? { nodeMonitorGracePeriodMs: options.nodeMonitorGracePeriodMs } : {}),
      ...(options.nodeStartupGracePeriodMs !== undefined ? { nodeStartupGracePeriodMs: options.nodeStartupGracePeriodMs } : {}),
    },
  };
  let leading = false;

  /** One term: fresh informers and controllers, until `signal` aborts. */
  async function runTerm(signal: AbortSignal): Promise<void> {
    // Each controller listens for the term's end (runController), besides the term's own waits: a dozen
    // controllers pass node's default of 10 listeners, which would warn of a leak that is not one.
    setMaxListeners(names.length + 10, signal);
    const informers = new SharedInformerFactory({ client, clock, logger: log });
    const recorders: EventRecorder[] = [];
    const runs = names.map((name) => {
      const descriptor = controllerDescriptors[name]!;
      const recorder = new EventRecorder({ client, component: descriptor.component, clock, logger: log });
      recorders.push(recorder);
      const deps: ControllerDeps = { client, clock, log: log.child({ controller: name }), recorder, informers };
      return runController(descriptor.make(deps, controllerOptions), deps, signal);
    });
    informers.start();
    log.info({ controllers: names }, 'controllers started');
    await Promise.all(runs);
    await informers.stop();
    await Promise.all(recorders.map((r) => r.flush()));
  }

  const stop = new AbortController();
  let done: Promise<void>;
  if (!options.leaderElect) {
    leading = true;
    done = runTerm(stop.signal).finally(() => (leading = false));
  } else {
    done = (async () => {
      const lease = { ...LEADER_LEASE, ...options.leaderElection };
      while (!stop.signal.aborted) {
        let term: Promise<void> = Promise.resolve();
        const elector = new LeaderElector({
          client,
          namespace: lease.namespace,
          name: lease.name,
          identity,
          clock,
          random: options.random,
          logger: log,
          leaseDurationMs: lease.leaseDurationMs ?? leaderElectionDefaults.leaseDurationMs,
          renewDeadlineMs: lease.renewDeadlineMs ?? leaderElectionDefaults.renewDeadlineMs,
          retryPeriodMs: lease.retryPeriodMs ?? leaderElectionDefaults.retryPeriodMs,
          releaseOnCancel: true,
          callbacks: {
            onStartedLeading: (signal) => {
              leading = true;
              term = runTerm(signal);
            },
            onStoppedLeading: () => {
              leading = false;
            },
            onNewLeader: (holder) => log.info({ leader: holder, identity }, holder === identity ? 'this process is the leader' : 'another process is the leader'),
          },
        });
        log.info({ identity, lease: `${lease.namespace}/${lease.name}` }, 'attempting to acquire the leader lease');
        await elector.run(stop.signal);
        await term;
        // upstream kube-controller-manager exits here ("leaderelection lost"); kubelab campaigns again.
        if (!stop.signal.aborted) log.warn({ identity }, 'leader election lost; campaigning again');
      }
    })();
  }
  done.catch((error: unknown) => log.error({ err: error }, 'controllers failed'));

  return {
    identity,
    controllers: names,
    isLeading: () => leading,
    stop: async () => {
      stop.abort();
      await done.catch(() => undefined);
    },
  };
}
