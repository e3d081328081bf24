// What `kubelab rolling-update` refuses, as a typed value (STYLE.md 8): the
// message is old kubectl's, printed once by the command as `error: ...`.

export class RollingUpdateError extends Error {
  /** True for a mistake in the arguments: the command adds a pointer to its help, as kubectl's UsageErrorf. */
  readonly usage: boolean;

  constructor(message: string, options: { usage?: boolean } = {}) {
    super(message);
    this.name = 'RollingUpdateError';
    this.usage = options.usage ?? false;
  }
}
