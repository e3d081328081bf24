// A slow network between a client and the API server, for fault tests: a TCP
// proxy on a loopback port that holds every chunk, each way, for a random
// delay before passing it on, keeping each direction's order (a chunk never
// overtakes the one before it), as a congested link does. No production knob:
// the API server itself is unchanged.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface DelayingProxy {
  /** http://127.0.0.1:<port>, the URL to give the slowed-down client. */
  readonly url: string;
  /** Chunks passed on so far, both directions. */
  readonly chunks: () => number;
  close(): Promise<void>;
}

export interface DelayingProxyOptions {
  /** The upstream, as http://127.0.0.1:<port>. */
  readonly target: string;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  /** A random source in [0, 1) (STYLE.md 12). */
  readonly random: () => number;
}

export async function startDelayingProxy(options: DelayingProxyOptions): Promise<DelayingProxy> {
  const target = new URL(options.target);
  const sockets = new Set<Socket>();
  let chunks = 0;
  const delay = () => options.minDelayMs + options.random() * (options.maxDelayMs - options.minDelayMs);

  /** Passes `from`'s data on to `to`, each chunk after its delay and never before the previous one. */
  const relay = (from: Socket, to: Socket) => {
    let releaseAt = 0;
    from.on('data', (chunk) => {
      releaseAt = Math.max(releaseAt, Date.now() + delay());
      setTimeout(() => {
        chunks++;
        if (!to.destroyed) to.write(chunk);
      }, releaseAt - Date.now());
    });
    from.on('end', () => setTimeout(() => to.end(), Math.max(0, releaseAt - Date.now())));
    from.on('close', () => setTimeout(() => to.destroy(), Math.max(0, releaseAt - Date.now()) + 1));
    from.on('error', () => from.destroy());
  };

  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('delaying proxy: no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    chunks: () => chunks,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
