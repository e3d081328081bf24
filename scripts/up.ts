// `kubelab up`: the lab cluster as the separate processes of DESIGN.md
// "Processes": the apiserver on the LevelDB store in <data-dir>/store, the
// controllers, and one simulated kubelet a node (node-1 with the
// control-plane role and taint of SCENARIOS.md, then workers). It prints its
// progress, then `export KUBECONFIG=...` once every node is Ready, keeps one
// log stream, and stops everything on Ctrl-C. A second `kubelab up` on the
// same data directory resumes the same cluster. It creates the StorageClass
// `standard` (the default class with --default-storage-class). The API
// server serves HTTPS and each process has its own client certificate
// (lab-credentials.ts); --insecure keeps plain HTTP without authentication.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpTransport, tlsTransport } from '../client/index.js';
import { kubeconfigFor } from './kubeconfig.js';
import { labCredentials } from './lab-credentials.js';
import { ensureLabStorageClass, kubeletArgs, labNodes, LAB_NODE_MONITOR_GRACE_SECONDS } from './lab.js';
import { LabSession, waitUntil } from './lab-session.js';
import { logStream, startProcess } from './processes.js';

export interface UpOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly nodes: number;
  /** Start from an empty store. */
  readonly fresh: boolean;
  /** The children's log level (pino). */
  readonly logLevel: string;
  readonly output: NodeJS.WritableStream;
  readonly colour: boolean;
  /** Make the lab's StorageClass `standard` the default class (as kind's is). */
  readonly defaultStorageClass?: boolean;
  /** Plain HTTP, every request the lab's admin (the lab before it had certificates). */
  readonly insecure?: boolean;
  /** The API server's --token-auth-file: static bearer tokens beside the client certificates. */
  readonly tokenAuthFile?: string;
}

const dist = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** Runs the lab until SIGINT or SIGTERM (or until a part of it fails); resolves with the exit code. */
export async function up(options: UpOptions): Promise<number> {
  const session = new LabSession(options.output);
  const say = (text: string) => session.say(text);
  const storeDir = join(options.dataDir, 'store');
  if (options.fresh && existsSync(storeDir)) rmSync(storeDir, { recursive: true, force: true });
  const resumed = existsSync(storeDir);
  mkdirSync(storeDir, { recursive: true });
  const url = `${options.insecure ? 'http' : 'https'}://127.0.0.1:${options.port}`;
  const credentials = options.insecure ? undefined : labCredentials(options.dataDir, url);
  const kubeconfig = join(options.dataDir, 'kubeconfig');
  if (!credentials) writeFileSync(kubeconfig, kubeconfigFor(url));
  const tokenArgs = options.tokenAuthFile ? ['--token-auth-file', options.tokenAuthFile] : [];
  const apiserverArgs = credentials ? [...credentials.apiserverArgs(), ...tokenArgs] : ['--insecure'];
  const nodes = labNodes(options.nodes);
  const logs = logStream(options.output, options.colour);
  const env = { ...process.env, LOG_LEVEL: options.logLevel };
  const running = session.running;
  try {
    say(`${resumed ? 'resuming the cluster' : 'starting a new cluster'} in ${options.dataDir}`);
    const apiserver = startProcess('apiserver', dist('apiserver/main.js'), ['--port', String(options.port), '--data-dir', storeDir, ...apiserverArgs], logs, env);
    running.push(apiserver);
    // The other identities are issued while the API server starts (a key pair takes a few hundred ms):
    // each component's own kubeconfig on a secure lab, the bare URL on an insecure one.
    credentials?.adminKubeconfig();
    const transport = credentials ? tlsTransport(credentials.adminTls()) : httpTransport;
    const controllersArgs = credentials ? ['--kubeconfig', credentials.controllersKubeconfig()] : ['--server', url];
    const kubeletServerArgs = new Map(nodes.map((node) => [node.name, credentials ? ['--kubeconfig', credentials.kubeletKubeconfig(node.name)] : ['--server', url]]));
    await waitUntil('the API server', 15_000, async () => (await transport(`${url}/readyz`, { method: 'GET', headers: {} })).ok, apiserver.exited);
    say(`API server ready at ${url} (${session.seconds()} s)`);
    await ensureLabStorageClass(url, options.defaultStorageClass ?? false, transport);
    const grace = `${LAB_NODE_MONITOR_GRACE_SECONDS}s`;
    running.push(startProcess('controllers', dist('controllers/main.js'), [...controllersArgs, '--node-monitor-grace-period', grace], logs, env));
    for (const node of nodes) running.push(startProcess(node.name, dist('kubelet-sim/main.js'), [...kubeletServerArgs.get(node.name)!, ...kubeletArgs(node)], logs, env));
    await session.waitForNodes(url, new Set(nodes.map((n) => n.name)), transport);
    // A node's kubelet may stop (its Node then goes NotReady, SCENARIOS.md S4); the control plane may not.
    return await session.serve(kubeconfig, running.slice(0, 2), running.slice(2), (node) => `${node.name}'s kubelet`);
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    await session.stopAll();
    return 1;
  }
}
