#!/usr/bin/env node
// The `kubelab` command. Parses its arguments and runs a subcommand; the
// work lives in the folders it imports (STYLE.md 16).
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
  rolling-update OLD (-f NEW.yaml | [NEW] --image=IMAGE | [NEW] --rollback)
          replace a ReplicationController's pods one at a time, as kubectl's
          rolling-update did (SCENARIOS.md S11; kubelab rolling-update -h)
  kubelet run one simulated node against a running cluster (SCENARIOS.md S4):
          --server URL --node-name NAME [--node-labels k=v] [--register-with-taints k=v:Effect]
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
  return (values.ha ? upHa : up)({
    etcdClientPorts,
    dataDir: resolve(values['data-dir']),
    port,
    nodes,
    fresh: values.fresh,
    defaultStorageClass: values['default-storage-class'],
    logLevel: process.env.LOG_LEVEL ?? (values.verbose ? 'info' : 'warn'),
    output: process.stdout,
    colour: process.stdout.isTTY === true,
  });
}

/** `kubelab kubelet ...`: the kubelet-sim process with these flags, in the foreground; Ctrl-C stops it. */
function runKubelet(argv: string[]): Promise<number> {
  const script = fileURLToPath(new URL('../kubelet-sim/main.js', import.meta.url));
  const child = spawn(process.execPath, [script, ...argv], { stdio: 'inherit' });
  // The terminal's Ctrl-C reaches the child too; a SIGTERM to this process is passed on.
  process.once('SIGTERM', () => child.kill('SIGTERM'));
  process.once('SIGINT', () => undefined);
  return new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code ?? 0)));
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
