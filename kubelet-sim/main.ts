#!/usr/bin/env node
// The kubelet-sim process: parses its flags into KubeletOptions, starts the
// simulated kubelets, and on SIGINT or SIGTERM stops their heartbeats and
// watches, leaving Nodes, Leases and pods in place, as a stopped kubelet does.
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadKubeconfig, stopOnSignals } from '../client/index.js';
import { startKubelets } from './kubelets.js';
import { kubeletDefaults, type NodeTaint, type SimulatedNode } from './options.js';
import { defaultPodStages, scaleStageDelays } from './stages.js';

const usage = `Usage: kubelet-sim (--server URL[,URL2] | --kubeconfig FILE) (--node-name NAME | --nodes N [--name-prefix sim-])
  [--node-labels k=v,k2=v2] [--register-with-taints key=value:Effect,...]
  [--lease-seconds 10] [--time-scale 1] [--seed 1] [--kubelet-port 0]
Log level from LOG_LEVEL (info).`;

/** `a=b,c=` -> { a: 'b', c: '' } */
function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text.split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--node-labels: ${pair} is not key=value`);
    labels[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return labels;
}

/** `key=value:Effect` or `key:Effect`, comma separated, as the kubelet's --register-with-taints. */
function parseTaints(text: string): NodeTaint[] {
  return text
    .split(',')
    .filter(Boolean)
    .map((spec) => {
      const match = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(spec);
      if (!match) throw new Error(`--register-with-taints: ${spec} is not key[=value]:Effect`);
      return { key: match[1]!, ...(match[2] ? { value: match[2] } : {}), effect: match[3] as NodeTaint['effect'] };
    });
}

function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${flag} must be a positive number, not ${text}`);
  return value;
}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      kubeconfig: { type: 'string' },
      'node-name': { type: 'string' },
      nodes: { type: 'string' },
      'name-prefix': { type: 'string', default: 'sim-' },
      'node-labels': { type: 'string', default: '' },
      'register-with-taints': { type: 'string', default: '' },
      'lease-seconds': { type: 'string', default: String(kubeletDefaults.leaseRenewMs / 1000) },
      'time-scale': { type: 'string', default: '1' },
      seed: { type: 'string', default: String(kubeletDefaults.seed) },
      'kubelet-port': { type: 'string', default: String(kubeletDefaults.kubeletPort) },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(usage + '\n');
    return;
  }
  // as upstream's --kubeconfig: the server and the credentials; --server, when given too, overrides the server.
  const kubeconfig = values.kubeconfig ? loadKubeconfig({ path: values.kubeconfig }) : undefined;
  const server = values.server ?? kubeconfig?.server;
  if (!server) throw new Error(`--server or --kubeconfig is required\n${usage}`);
  const credentials = kubeconfig ? { tls: kubeconfig.tls, bearerToken: kubeconfig.bearerToken } : undefined;
  // A client certificate from the cluster's CA is also the kubelet endpoint's serving certificate (pki.ts).
  const tls = kubeconfig?.tls;
  const servingTls = tls?.cert && tls.key && tls.ca ? { cert: tls.cert, key: tls.key, ca: tls.ca } : undefined;
  if (!values['node-name'] === !values.nodes) throw new Error(`give either --node-name or --nodes\n${usage}`);
  const labels = parseLabels(values['node-labels']);
  const taints = parseTaints(values['register-with-taints']);
  const names = values['node-name']
    ? [values['node-name']]
    : Array.from({ length: positiveNumber('nodes', values.nodes!) }, (_, i) => `${values['name-prefix']}${i + 1}`);
  const nodes: SimulatedNode[] = names.map((name) => ({ name, labels, taints }));
  const timeScale = positiveNumber('time-scale', values['time-scale']);

  const log = pino({ name: 'kubelet-sim', level: process.env.LOG_LEVEL ?? 'info' });
  const started = Date.now();
  const kubelets = startKubelets({
    server: server.split(',').filter(Boolean),
    credentials,
    servingTls,
    nodes,
    logger: log,
    leaseRenewMs: positiveNumber('lease-seconds', values['lease-seconds']) * 1000,
    stages: timeScale === 1 ? defaultPodStages : scaleStageDelays(defaultPodStages, timeScale),
    seed: Number(values.seed),
    kubeletPort: Number(values['kubelet-port']),
  });
  kubelets.ready.then(
    () => log.info({ nodes: nodes.length, ms: Date.now() - started }, 'all nodes registered and Ready'),
    () => undefined,
  );

  // A stopped kubelet leaves its Nodes and pods in place.
  stopOnSignals(log, 'kubelet-sim', () => kubelets.stop());
}

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`kubelet-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
