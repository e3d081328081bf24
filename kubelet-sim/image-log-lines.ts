// What a simulated container writes to its log: the lines kubelet-sim
// writes when a container starts, exits and is stopped (docs/nodes.md "exec
// and logs"). nginx images get upstream nginx's own lines (docker-entrypoint.sh
// and the master's notices, as nginx:1.27 on Debian prints them); every other
// image one line of kubelab's, so a student sees the log is simulated. Pure.
import { imageTag } from './image.js';

/** How a container instance ended, as its terminated state says. */
export interface ContainerExit {
  readonly exitCode: number;
  readonly reason: string;
}

function isNginx(image: string): boolean {
  const repository = image.split('@')[0]!.replace(/:[^/:]*$/, '');
  return repository === 'nginx' || repository.endsWith('/nginx') || repository.endsWith('/nginx-slim');
}

/** nginx's error-log time: `2026/11/23 13:05:55`, in UTC as in a container. */
function nginxTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/-/g, '/').replace('T', ' ');
}

function nginxVersion(image: string): string {
  const tag = imageTag(image);
  return /^\d+\.\d+\.\d+$/.test(tag) ? tag : /^\d+\.\d+$/.test(tag) ? `${tag}.3` : '1.27.3';
}

const NGINX_WORKER_PID = 29;

/** The lines a container prints as it starts. */
export function startLines(image: string, container: string, restartCount: number, at: number): string[] {
  if (!isNginx(image)) return [`kubelab: container "${container}" started (image ${image}, restart ${restartCount})`];
  const t = nginxTime(at);
  return [
    '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
    '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
    '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
    '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
    '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
    '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
    '/docker-entrypoint.sh: Configuration complete; ready for start up',
    `${t} [notice] 1#1: using the "epoll" event method`,
    `${t} [notice] 1#1: nginx/${nginxVersion(image)}`,
    `${t} [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) `,
    `${t} [notice] 1#1: OS: Linux 6.8.0-51-generic`,
    `${t} [notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576`,
    `${t} [notice] 1#1: start worker processes`,
    `${t} [notice] 1#1: start worker process ${NGINX_WORKER_PID}`,
  ];
}

/** The lines a container prints as it exits on its own (the `crash` and `complete` simulations). */
export function exitLines(image: string, container: string, exit: ContainerExit, at: number): string[] {
  if (isNginx(image) && exit.exitCode !== 0) return [`${nginxTime(at)} [emerg] 1#1: kubelab: simulated crash, exiting with code ${exit.exitCode}`];
  return [`kubelab: container "${container}" exited with code ${exit.exitCode} (${exit.reason})`];
}

/** The lines a container prints when the kubelet stops it (SIGTERM; nginx's image stops on SIGQUIT). */
export function stopLines(image: string, container: string, at: number): string[] {
  if (!isNginx(image)) return [`kubelab: container "${container}" received SIGTERM, exiting`];
  const t = nginxTime(at);
  const w = NGINX_WORKER_PID;
  return [
    `${t} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down`,
    `${t} [notice] ${w}#${w}: gracefully shutting down`,
    `${t} [notice] ${w}#${w}: exiting`,
    `${t} [notice] ${w}#${w}: exit`,
    `${t} [notice] 1#1: signal 17 (SIGCHLD) received from ${w}`,
    `${t} [notice] 1#1: worker process ${w} exited with code 0`,
    `${t} [notice] 1#1: exit`,
  ];
}
