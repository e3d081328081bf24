// API timestamps, as the decision modules write and read them (no clock here:
// `now` is always passed in).

/** A meta/v1 Time: RFC 3339 in whole seconds, as Go's metav1.Time marshals. */
export function metaTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Milliseconds since the epoch of an API timestamp (Time or MicroTime); undefined if absent or unreadable. */
export function parseTime(value: string | undefined | null): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
