// Resource quantities as the API writes them ("100m", "128Mi", "1.5Gi",
// "2e3"): upstream apimachinery resource.Quantity, read as a number of the
// base unit. The scheduler needs cpu in millicores and memory in bytes,
// both rounded up as Quantity.MilliValue() and Value() round.

const SUFFIXES: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

/** The quantity in its base unit (cores, bytes, pods); undefined when it does not parse. */
export function parseQuantity(text: string | number | undefined): number | undefined {
  if (typeof text === 'number') return text;
  if (text === undefined) return undefined;
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  if (match[2]) return value * 10 ** Number(match[2].slice(1));
  return value * SUFFIXES[match[3] ?? '']!;
}

/** Quantity.MilliValue(): thousandths, rounded up; 0 when absent or malformed. */
export function milliValue(text: string | number | undefined): number {
  const value = parseQuantity(text);
  return value === undefined ? 0 : Math.ceil(Math.round(value * 1e6) / 1e3);
}

/** Quantity.Value(): whole units, rounded up; 0 when absent or malformed. */
export function wholeValue(text: string | number | undefined): number {
  const value = parseQuantity(text);
  return value === undefined ? 0 : Math.ceil(value - 1e-9);
}
