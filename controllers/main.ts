#!/usr/bin/env node
// The controllers process (kubelab's kube-controller-manager): parses its
// flags, starts the controllers (with --leader-elect only while holding the
// Lease kube-system/kube-controller-manager) and stops them on SIGINT or
// SIGTERM, releasing the Lease. Everything else lives in start.ts.
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadKubeconfig, stopOnSignals } from '../client/index.js';
import { parseDuration } from '../proto/index.js';
import { knownControllers } from './registry.js';
import { startControllers } from './start.js';

const usage = `Usage: controllers (--server URL[,URL2] | --kubeconfig FILE) [--controllers ${knownControllers.join(',')}]
  [--leader-elect] [--leader-elect-lease-duration 15s] [--leader-elect-renew-deadline 10s] [--leader-elect-retry-period 2s]
  [--node-monitor-grace-period 20s] [--node-startup-grace-period 1m]`;

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      server: { type: 'string' },
      kubeconfig: { type: 'string' },
      controllers: { type: 'string' },
      'leader-elect': { type: 'boolean', default: false },
      'leader-elect-lease-duration': { type: 'string' },
      'leader-elect-renew-deadline': { type: 'string' },
      'leader-elect-retry-period': { type: 'string' },
      'node-monitor-grace-period': { type: 'string' },
      'node-startup-grace-period': { type: 'string' },
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
  const duration = (flag: keyof typeof values) => {
    const value = values[flag];
    return typeof value === 'string' ? parseDuration(value) : undefined;
  };
  const log = pino({ name: 'controllers', level: process.env.LOG_LEVEL ?? 'info' });
  const running = startControllers({
    server: server.split(',').map((s) => s.trim()).filter(Boolean),
    credentials,
    controllers: values.controllers?.split(',').map((s) => s.trim()).filter(Boolean),
    logger: log,
    leaderElect: values['leader-elect'],
    leaderElection: {
      leaseDurationMs: duration('leader-elect-lease-duration'),
      renewDeadlineMs: duration('leader-elect-renew-deadline'),
      retryPeriodMs: duration('leader-elect-retry-period'),
    },
    nodeMonitorGracePeriodMs: duration('node-monitor-grace-period'),
    nodeStartupGracePeriodMs: duration('node-startup-grace-period'),
  });
  log.info({ identity: running.identity, controllers: running.controllers, leaderElect: values['leader-elect'] }, 'controllers process started');

  stopOnSignals(log, 'controllers', () => running.stop());
}

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`controllers: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
