// Go's time.ParseDuration, for the flags kube-controller-manager and kube-apiserver take as
// durations ("15s", "1m30s", "500ms"). Answers milliseconds.
const UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  for (let match = part.exec(trimmed); match; match = part.exec(trimmed)) {
    total += Number(match[1]) * UNITS[match[2]!]!;
    at = part.lastIndex;
  }
  if (at === 0 || at !== trimmed.length) throw new RangeError(`time: invalid duration ${JSON.stringify(text)}`);
  return total;
}
