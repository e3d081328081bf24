// What a child process costs, read from Linux's /proc as `top` does: CPU time
// (utime + stime of /proc/<pid>/stat, in clock ticks) and resident memory
// (VmRSS and its peak VmHWM of /proc/<pid>/status).
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User plus system CPU seconds the process has used so far. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its ')' start at field 3, state.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[14 - 3]) + Number(fields[15 - 3])) / ticksPerSecond;
}

export interface MemoryUsage {
  readonly rssMb: number;
  readonly peakRssMb: number;
}

export async function memoryUsage(pid: number): Promise<MemoryUsage> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/** CPU use of several processes over a window, as cores (1 = one core busy all the time). */
export class CpuWindow {
  private constructor(
    private readonly pids: readonly number[],
    private readonly startedMs: number,
    private readonly startCpu: readonly number[],
  ) {}

  static async open(pids: readonly number[]): Promise<CpuWindow> {
    const startCpu = await Promise.all(pids.map(cpuSeconds));
    return new CpuWindow(pids, performance.now(), startCpu);
  }

  /** Cores used by each process since open(), in the order given. */
  async cores(): Promise<number[]> {
    const cpu = await Promise.all(this.pids.map(cpuSeconds));
    const seconds = (performance.now() - this.startedMs) / 1000;
    return cpu.map((used, i) => (used - this.startCpu[i]!) / seconds);
  }
}
