// npm run bench:ha — what high availability costs and how fast it heals
// (SCENARIOS.md S13), in one run:
// - API creates/s and latency of 1 KiB pods at 64 concurrent clients, on an
//   apiserver process with the embedded LevelDB store and on one with
//   `--store etcd` over a 3-member etcd cluster on this machine, taking turns;
// - leader failover: two leader-elected controllers processes with
//   kube-controller-manager's default lease (15 s, renew 10 s, retry 2 s), as
//   `kubelab up --ha` runs them; the leader is SIGKILLed and the time until
//   the other holds the Lease is measured;
// - the write gap when the etcd Raft leader is SIGKILLed: from the kill to
//   the first create the apiserver acknowledges again.
// Prints a table, then one JSON line.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { etcdLeader, findEtcd, ETCD_INSTALL_COMMAND } from '../scripts/etcd-cluster.js';
import { startHaControlPlane, type HaControlPlane } from '../scripts/ha-control-plane.js';
import { agent, create } from './api-requests.js';
import { startApiServer, stopChild, type ApiServerProcess } from './apiserver-process.js';
import { closedLoop, fmt, type LoopResult } from './load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CLIENTS = 64;
const ROUNDS = 2;

const quiet = { line: () => undefined };

/** The two stores take turns, so the machine's noise falls on both; each figure is the mean of its rounds, p99 the worst round's. */
async function measureCreates(urls: { level: string; etcd: string }): Promise<{ level: LoopResult; etcd: LoopResult }> {
  const results: Record<'level' | 'etcd', LoopResult[]> = { level: [], etcd: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const store of ['level', 'etcd'] as const) {
      results[store].push(await closedLoop(CLIENTS, SECONDS, (id, n) => create(urls[store], 'default', `bench-${round}-${id}-${n}`)));
    }
  }
  const merge = (runs: LoopResult[]): LoopResult => ({
    perSec: runs.reduce((sum, r) => sum + r.perSec, 0) / runs.length,
    p50Ms: runs.reduce((sum, r) => sum + r.p50Ms, 0) / runs.length,
    p99Ms: Math.max(...runs.map((r) => r.p99Ms)),
    count: runs.reduce((sum, r) => sum + r.count, 0),
  });
  return { level: merge(results.level), etcd: merge(results.etcd) };
}

async function measureLeaderFailover(plane: HaControlPlane): Promise<{ seconds: number; from: string; to: string }> {
  await plane.startControllers(2);
  const leader = await plane.leader();
  if (!leader) throw new Error('no controllers process holds the Lease');
  // Let the other candidate see the Lease renewed at least once, as in a cluster that has been up a while.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const killed = performance.now();
  leader.child.kill('SIGKILL');
  for (;;) {
    const now = await plane.leader().catch(() => undefined);
    if (now && now !== leader) return { seconds: (performance.now() - killed) / 1000, from: leader.name, to: now.name };
    if (performance.now() - killed > 60_000) throw new Error('no new leader within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function measureEtcdLeaderLoss(plane: HaControlPlane, url: string): Promise<{ seconds: number; member: string }> {
  const victim = await etcdLeader(plane.etcd);
  if (!victim) throw new Error('no etcd leader');
  const killed = performance.now();
  await plane.etcd.killMember(victim.name);
  for (let n = 0; ; n++) {
    try {
      await create(url, 'default', `after-etcd-loss-${n}`);
      return { seconds: (performance.now() - killed) / 1000, member: victim.name };
    } catch {
      if (performance.now() - killed > 30_000) throw new Error('no create acknowledged within 30 s of losing the etcd leader');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function main(): Promise<void> {
  if (!findEtcd()) throw new Error(`bench:ha needs etcd: ${ETCD_INSTALL_COMMAND}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'kubelab-bench-ha-'));
  let level: ApiServerProcess | undefined;
  let plane: HaControlPlane | undefined;
  try {
    level = await startApiServer(join(dataDir, 'level'));
    plane = await startHaControlPlane({ dataDir, etcdMembers: 3, apiservers: 2, controllers: 0, logs: quiet, env: { ...process.env, LOG_LEVEL: 'warn' } });
    const etcdUrl = plane.urls[0]!;
    console.log(`machine: ${cpus().length} cores, node ${process.version}; etcd ${plane.etcd.version}, 3 members on loopback; ${ROUNDS} x ${SECONDS} s per store, ${CLIENTS} clients`);
    const creates = await measureCreates({ level: level.url, etcd: etcdUrl });
    const failover = await measureLeaderFailover(plane);
    const etcdLoss = await measureEtcdLeaderLoss(plane, etcdUrl);

    console.log('\nstore                          | creates/s | p50 ms | p99 ms');
    console.log('------------------------------ | --------- | ------ | ------');
    console.log(`embedded LevelDB               | ${fmt(creates.level.perSec).padStart(9)} | ${fmt(creates.level.p50Ms, 1).padStart(6)} | ${fmt(creates.level.p99Ms, 1).padStart(6)}`);
    console.log(`etcd, 3 members                | ${fmt(creates.etcd.perSec).padStart(9)} | ${fmt(creates.etcd.p50Ms, 1).padStart(6)} | ${fmt(creates.etcd.p99Ms, 1).padStart(6)}`);
    const width = 84;
    console.log(`\n${'failure'.padEnd(width)} | seconds`);
    console.log(`${'-'.repeat(width)} | -------`);
    console.log(`${`leading controllers process SIGKILLed (${failover.from} -> ${failover.to}), lease 15 s`.padEnd(width)} | ${fmt(failover.seconds, 2).padStart(7)}`);
    console.log(`${`etcd Raft leader SIGKILLed (${etcdLoss.member}), to the next acknowledged create`.padEnd(width)} | ${fmt(etcdLoss.seconds, 2).padStart(7)}`);
    console.log(
      JSON.stringify({
        bench: 'ha',
        levelCreatesPerSec: Math.round(creates.level.perSec),
        etcdCreatesPerSec: Math.round(creates.etcd.perSec),
        failoverSec: Number(failover.seconds.toFixed(2)),
      }),
    );
  } finally {
    agent.destroy();
    if (level) await stopChild(level.child);
    await plane?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
