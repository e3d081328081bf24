// A process's clean stop on SIGINT or SIGTERM: once, logged, and a non-zero
// exit code if stopping fails. For the processes built on client/ (the
// controllers, kubelet-sim).
import type { Logger } from 'pino';

export function stopOnSignals(log: Logger, what: string, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, `${what} shutting down`);
    stop().then(
      () => log.info(`${what} stopped`),
      (error: unknown) => {
        log.error({ err: error }, `${what} did not stop cleanly`);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
}
