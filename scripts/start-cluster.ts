// startCluster(): the whole lab in the calling process, for test suites (the
// envtest use case): an API server on an in-memory store and an ephemeral
// loopback port, the controllers, and N simulated nodes, ready in a fraction
// of a second. Many can run side by side in one process: each has its own
// store, port, kubeconfig file and timers, and stop() leaves nothing behind.
// Plain HTTP and every request the lab's admin, unless `secure: true`: then
// HTTPS, the lab's PKI in the cluster's folder, and a client certificate
// for each part, as `kubelab up`.
//
//   import { startCluster } from 'kubelab';
//   const cluster = await startCluster({ nodes: 3 });
//   // KUBECONFIG=cluster.kubeconfigPath kubectl get nodes, or cluster.client
//   await cluster.stop();
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { startApiServer, unionAuthenticator, x509Authenticator } from '../apiserver/index.js';
import { httpTransport, KubeClient, kinds, tlsTransport } from '../client/index.js';
import { startControllers } from '../controllers/index.js';
import { startKubelets, type KubeletOptions, type RunningKubelets, type SimulatedNode } from '../kubelet-sim/index.js';
import { openStore } from '../store/index.js';
import { kubeconfigFor } from './kubeconfig.js';
import { labCredentials, type LabCredentials } from './lab-credentials.js';
import { ensureLabPki } from './pki.js';
import { ensureLabStorageClass, labNodes, LAB_NODE_MONITOR_GRACE_SECONDS } from './lab.js';

export interface ClusterOptions {
  /** How many nodes (default 3: node-1 the control plane, then workers). */
  readonly nodes?: number;
  readonly logger?: Logger;
  /** How long a node may miss its heartbeats before it is NotReady (default the lab's 20 s). */
  readonly nodeMonitorGracePeriodMs?: number;
  /** Passed to every kubelet: lease renewal, back-offs, the pod stage table. */
  readonly kubelet?: Omit<KubeletOptions, 'server' | 'nodes' | 'logger'>;
  /** Make the lab's StorageClass `standard` the default class (`kubelab up --default-storage-class`). */
  readonly defaultStorageClass?: boolean;
  /** HTTPS with client certificates (the admin's in the kubeconfig and `client`), as `kubelab up`; default plain HTTP. */
  readonly secure?: boolean;
}

export interface Cluster {
  /** http://127.0.0.1:<port>, https:// when secure */
  readonly url: string;
  /** A secure cluster's certificates and kubeconfigs (in a temporary folder removed by stop()). */
  readonly credentials?: LabCredentials;
  /** A kubeconfig for kubectl and other clients. */
  readonly kubeconfigPath: string;
  readonly client: KubeClient;
  readonly nodeNames: readonly string[];
  /** Stops one node's kubelet (its Node then goes NotReady after the grace period), as SCENARIOS.md S4. */
  stopNode(name: string): Promise<void>;
  /** Starts a stopped node's kubelet again; it takes its Node and pods back. */
  startNode(name: string): Promise<void>;
  /** Starts the kubelet of a new node, as joining a machine (SCENARIOS.md S4); resolves once it has registered. */
  addNode(node: SimulatedNode): Promise<void>;
  stop(): Promise<void>;
}

/** Resolves once every named node is Ready. */
async function nodesReady(client: KubeClient, names: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const nodes = (await client.resource(kinds.Node).list()).items;
    const ready = nodes.filter((n) => names.includes(n.metadata?.name ?? '') && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    if (ready.length === names.length) return;
    if (Date.now() > deadline) throw new Error(`startCluster: ${ready.length} of ${names.length} nodes Ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const store = await openStore({ backend: 'memory', autoCompaction: false });
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-cluster-'));
  // The port is known only once listening: the PKI comes first, the kubeconfigs after.
  const pki = options.secure ? ensureLabPki(join(dir, 'pki')) : undefined;
  const tls = pki ? { cert: pki.apiserver.cert, key: pki.apiserver.key, clientCa: pki.ca.cert } : undefined;
  const server = await startApiServer({ store, port: 0, logger, ...(tls && pki ? { tls, authenticator: unionAuthenticator(x509Authenticator), authorizationModes: ['Node', 'RBAC'] as const, kubeletClient: { cert: pki.apiserverKubeletClient.cert, key: pki.apiserverKubeletClient.key, ca: pki.ca.cert } } : {}) });
  const credentials = options.secure ? labCredentials(dir, server.url) : undefined;
  const kubeconfigPath = credentials?.adminKubeconfig() ?? join(dir, 'kubeconfig');
  if (!credentials) await writeFile(kubeconfigPath, kubeconfigFor(server.url));
  const tlsOf = (files: { cert: string; key: string } | undefined) => (files && pki ? { tls: { ca: pki.ca.cert, cert: files.cert, key: files.key } } : undefined);
  // A node's certificate is its client and its kubelet endpoint's serving certificate (pki.ts).
  const kubeletIdentity = (name: string) => {
    if (!pki) return {};
    const files = pki.node(name);
    return { credentials: tlsOf(files), servingTls: { cert: files.cert, key: files.key, ca: pki.ca.cert } };
  };
  const controllers = startControllers({
    server: server.url,
    credentials: tlsOf(pki?.controllerManager),
    logger,
    nodeMonitorGracePeriodMs: options.nodeMonitorGracePeriodMs ?? LAB_NODE_MONITOR_GRACE_SECONDS * 1000,
  });
  const nodes = labNodes(options.nodes ?? 3);
  // One kubelet a node, so that a test can stop and restart one.
  const kubelets = new Map<string, RunningKubelets | undefined>();
  const added: Record<string, SimulatedNode> = {};
  const startNode = (node: SimulatedNode) => kubelets.set(node.name, startKubelets({ ...options.kubelet, server: server.url, ...kubeletIdentity(node.name), nodes: [node], logger }));
  for (const node of nodes) startNode(node);
  const client = new KubeClient({ server: server.url, logger, ...credentials && { tls: credentials.adminTls() } });
  const stop = async () => {
    await Promise.all([...kubelets.values()].flatMap((k) => (k ? [k.stop()] : [])));
    await controllers.stop();
    await server.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await ensureLabStorageClass(server.url, options.defaultStorageClass ?? false, credentials ? tlsTransport(credentials.adminTls()) : httpTransport);
    await nodesReady(client, nodes.map((n) => n.name), 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const nodeNamed = (name: string) => {
    if (name in added) return added[name]!;
    const node = nodes.find((n) => n.name === name);
    if (!node) throw new Error(`startCluster: no node ${name} (nodes: ${nodes.map((n) => n.name).join(', ')})`);
    return node;
  };
  return {
    url: server.url,
    credentials,
    kubeconfigPath,
    client,
    get nodeNames() {
      return [...nodes, ...Object.values(added)].map((n) => n.name);
    },
    async stopNode(name) {
      nodeNamed(name);
      await kubelets.get(name)?.stop();
      kubelets.set(name, undefined);
    },
    async startNode(name) {
      const node = nodeNamed(name);
      if (kubelets.get(name) === undefined) startNode(node);
      await kubelets.get(name)!.ready;
    },
    async addNode(node) {
      if (nodes.some((n) => n.name === node.name) || node.name in added) throw new Error(`startCluster: node ${node.name} exists already`);
      added[node.name] = node;
      startNode(node);
      await kubelets.get(node.name)!.ready;
    },
    stop,
  };
}
