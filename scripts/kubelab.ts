#!/usr/bin/env node
// The `kubelab` command. Parses its arguments and runs a subcommand; the
// work lives in the folders it imports (STYLE.md 16).
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadKubeconfig } from '../client/index.js';
import { labCredentials } from './lab-credentials.js';
import { up } from './up.js';
import { upHa } from './up-ha.js';
import { runRollingUpdate } from './rolling-update/cli.js';

const usage = `Usage: kubelab <command> [options]

Commands:
  up      start the lab cluster: API server, controllers and simulated nodes
          --data-dir DIR   where the cluster lives (default .kubelab/ here)
          --port P         the API server's port on 127.0.0.1 (default 6443)
          --nodes N        how many nodes (default 3; node-1 is the control plane)
          --fresh          start from an empty cluster
          --verbose        every process's info logs, not only warnings
          --default-storage-class  make the StorageClass standard the default class (as kind's)
          --ha             high availability (SCENARIOS.md S13, docs/ha.md): 3 etcd members
                           (etcd-server; ports 2379, 22379, 32379), 2 apiservers (--port and
                           --port + 1), 2 leader-elected controllers processes
          --etcd-ports C1,C2,C3  with --ha: the etcd members' client ports (each peer port the next)
          --insecure       plain HTTP without authentication (default: HTTPS, certificates in DIR/pki)
          --token-auth-file FILE  static bearer tokens (token,user,uid,"group1,group2"), as the apiserver's flag
  rolling-update OLD (-f NEW.yaml | [NEW] --image=IMAGE | [NEW] --rollback)
          replace a ReplicationController's pods one at a time, as kubectl's
          rolling-update did (SCENARIOS.md S11; kubelab rolling-update -h)
  kubelet run one simulated node against a running cluster (SCENARIOS.md S4):
          --node-name NAME [--node-labels k=v] [--register-with-taints k=v:Effect]
          [--data-dir DIR]: the lab's; the node's certificate is issued there (kubelet-NAME.conf)
          or --server URL (an --insecure lab), or --kubeconfig FILE
  help    show this text
`;

async function runUp(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string', default: '.kubelab' },
      port: { type: 'string', default: '6443' },
      nodes: { type: 'string', default: '3' },
      fresh: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      'default-storage-class': { type: 'boolean', default: false },
      ha: { type: 'boolean', default: false },
      'etcd-ports': { type: 'string' },
      insecure: { type: 'boolean', default: false },
      'token-auth-file': { type: 'string' },
    },
  });
  const port = Number(values.port);
  const nodes = Number(values.nodes);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port must be a port number, not ${values.port}`);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 100) throw new Error(`--nodes must be a whole number from 1 to 100, not ${values.nodes}`);
  const etcdClientPorts = values['etcd-ports']?.split(',').map(Number);
  if (etcdClientPorts && (!values.ha || etcdClientPorts.some((p) => !Number.isInteger(p) || p < 1 || p > 65534))) {
    throw new Error(`--etcd-ports takes port numbers (with --ha), not ${values['etcd-ports']}`);
  }
  if (values.insecure && values['token-auth-file']) throw new Error('--token-auth-file needs HTTPS: it does not go with --insecure');
  if (values.ha && values['token-auth-file']) throw new Error('--token-auth-file is not built for --ha yet: the HA lab authenticates by client certificates only');
  return (values.ha ? upHa : up)({
    etcdClientPorts,
    dataDir: resolve(values['data-dir']),
    port,
    nodes,
    fresh: values.fresh,
    defaultStorageClass: values['default-storage-class'],
    insecure: values.insecure,
    tokenAuthFile: values['token-auth-file'] ? resolve(values['token-auth-file']) : undefined,
    logLevel: process.env.LOG_LEVEL ?? (values.verbose ? 'info' : 'warn'),
    output: process.stdout,
    colour: process.stdout.isTTY === true,
  });
}

/** `kubelab kubelet ...`: the kubelet-sim process with these flags, in the foreground; Ctrl-C stops it. */
function runKubelet(argv: string[]): Promise<number> {
  const script = fileURLToPath(new URL('../kubelet-sim/main.js', import.meta.url));
  const child = spawn(process.execPath, [script, ...joinArgs(argv)], { stdio: 'inherit' });
  // The terminal's Ctrl-C reaches the child too; a SIGTERM to this process is passed on.
  process.once('SIGTERM', () => child.kill('SIGTERM'));
  process.once('SIGINT', () => undefined);
  return new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code ?? 0)));
}

/**
 * As `kubeadm join`: without --server or --kubeconfig, the node joins the
 * lab in --data-dir (default .kubelab) with a certificate of its own, issued
 * by the lab's CA, through kubelet-<node>.conf; an --insecure lab's URL comes
 * from its kubeconfig.
 */
function joinArgs(argv: string[]): string[] {
  const flag = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  };
  if (flag('server') || flag('kubeconfig')) return argv;
  const dataDir = resolve(flag('data-dir') ?? '.kubelab');
  const rest = argv.filter((a, i) => !a.startsWith('--data-dir') && argv[i - 1] !== '--data-dir');
  const lab = loadKubeconfig({ path: join(dataDir, 'kubeconfig') });
  const node = flag('node-name');
  if (!node || !existsSync(join(dataDir, 'pki', 'ca.key'))) return ['--server', lab.server, ...rest];
  return ['--kubeconfig', labCredentials(dataDir, lab.server).kubeletKubeconfig(node), ...rest];
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      return runUp(rest);
    case 'kubelet':
      return runKubelet(rest);
    case 'rolling-update':
      return runRollingUpdate(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(usage);
      return command === undefined ? 1 : 0;
    default:
      console.error(`kubelab: unknown command "${command}"\n\n${usage}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`kubelab: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
