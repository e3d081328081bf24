// The exec stream protocol between kubectl, the API server and a kubelet
// (upstream staging/src/k8s.io/apimachinery/pkg/util/remotecommand/constants.go
// and client-go tools/remotecommand/websocket.go): WebSocket binary messages
// whose first byte is the channel. v4 adds the JSON Status on the error
// channel; v5 adds channel 255, the client's "stdin is closed" signal.

/** The subprotocols kubelab speaks, preferred first (kubectl 1.32 offers v5, v4, v3, v2 in that order). */
export const REMOTE_COMMAND_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

export const ExecChannel = {
  stdin: 0,
  stdout: 1,
  stderr: 2,
  /** v4+: one JSON Status when the command ends. */
  error: 3,
  resize: 4,
  /** v5: [255, <channel>] closes that channel (stdin). */
  close: 255,
} as const;

/** The preferred subprotocol among those a client offers, or undefined. */
export function chooseRemoteCommandProtocol(offered: Iterable<string>): string | undefined {
  const set = new Set(offered);
  return REMOTE_COMMAND_PROTOCOLS.find((p) => set.has(p));
}

/**
 * The status channel's message for `command` exiting with `exitCode`, as the
 * kubelet's streaming server writes it (kubelet/cri/streaming/remotecommand
 * exec.go), with containerd's error text (`command '...' exited with N: `).
 */
export function exitStatus(command: readonly string[], exitCode: number): Record<string, unknown> {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: command '${command.join(' ')}' exited with ${exitCode}: `,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** The status channel's message for an exec that could not run at all. */
export function execFailure(message: string): Record<string, unknown> {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 };
}

/** One message on a channel. */
export function channelMessage(channel: number, data: Uint8Array | string): Uint8Array {
  const body = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const message = new Uint8Array(body.length + 1);
  message[0] = channel;
  message.set(body, 1);
  return message;
}
