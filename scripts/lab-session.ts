// What `kubelab up` and `kubelab up --ha` share once their control plane is
// up: waiting for the nodes to be Ready, printing `export KUBECONFIG=...`,
// then running until Ctrl-C (or until a process the cluster cannot lose
// exits), and stopping the processes in the reverse of their start.
import { performance } from 'node:perf_hooks';
import { httpTransport, type Transport } from '../client/index.js';
import { stopProcess, type LabProcess } from './processes.js';

export async function waitUntil(what: string, deadlineMs: number, check: () => Promise<boolean>, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = performance.now() + deadlineMs;
  while (performance.now() < deadline) {
    if (gone) throw new Error(`${what}: a process it needs exited (its log is above)`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not within ${deadlineMs / 1000} s`);
}

interface NodeList {
  items: { metadata?: { name?: string }; status?: { conditions?: { type: string; status: string }[] } }[];
}

async function readyNodes(url: string, names: ReadonlySet<string>, transport: Transport): Promise<number> {
  const answer = await transport(`${url}/api/v1/nodes`, { method: 'GET', headers: { Accept: 'application/json' } });
  if (!answer.ok) return 0;
  const list = JSON.parse(await answer.text()) as NodeList;
  return list.items.filter((n) => names.has(n.metadata?.name ?? '') && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

/** A running lab: its processes in start order, its progress lines, and the signal that ends it. */
export class LabSession {
  readonly running: LabProcess[] = [];
  readonly started = performance.now();
  /** SIGINT (Ctrl-C) or SIGTERM. */
  readonly signalled: Promise<string>;
  private stopping = false;

  constructor(private readonly output: NodeJS.WritableStream) {
    this.signalled = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
  }

  say(text: string): void {
    this.output.write(`kubelab: ${text}\n`);
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  seconds(): string {
    return ((performance.now() - this.started) / 1000).toFixed(1);
  }

  /** Nodes first, the apiserver last, as a cluster is taken down; then `after` (etcd). */
  async stopAll(after?: () => Promise<void>): Promise<void> {
    this.stopping = true;
    for (const lab of [...this.running].reverse()) await stopProcess(lab);
    await after?.();
  }

  /** Resolves once every named node is Ready at `url`, printing the count as it grows. */
  async waitForNodes(url: string, names: ReadonlySet<string>, transport: Transport = httpTransport): Promise<void> {
    let shown = -1;
    const anyExit = Promise.race(this.running.map((p) => p.exited));
    await waitUntil(
      'the nodes',
      30_000,
      async () => {
        const ready = await readyNodes(url, names, transport);
        if (ready !== shown) this.say(`nodes Ready: ${ready}/${names.size}`);
        shown = ready;
        return ready === names.size;
      },
      anyExit,
    );
  }

  /**
   * Prints the kubeconfig line, then runs until a signal (exit code 0) or
   * until one of `essential` exits (1). The exit of one of `expendable` is
   * only told: a stopped kubelet (S4), or in HA one apiserver or controllers
   * process of several (S13), named by `label`.
   */
  async serve(
    kubeconfig: string,
    essential: readonly LabProcess[],
    expendable: readonly LabProcess[],
    label: (lab: LabProcess) => string,
    stopLast?: () => Promise<void>,
  ): Promise<number> {
    this.say(`cluster up in ${this.seconds()} s; for kubectl, run:`);
    this.output.write(`export KUBECONFIG=${kubeconfig}\n`);
    this.say('Ctrl-C stops the cluster.');
    for (const lab of expendable) void lab.exited.then((code) => !this.stopping && this.say(`${label(lab)} exited (${code})`));
    const essentialExit = Promise.race(essential.map((p) => p.exited.then(() => p.name)));
    const ended = await Promise.race([this.signalled.then((signal) => ({ signal, dead: undefined })), essentialExit.then((dead) => ({ signal: undefined, dead }))]);
    if (ended.dead !== undefined) {
      this.say(`the ${ended.dead} exited; stopping the cluster`);
      await this.stopAll(stopLast);
      return 1;
    }
    this.say('stopping');
    await this.stopAll(stopLast);
    this.say('stopped');
    return 0;
  }
}
