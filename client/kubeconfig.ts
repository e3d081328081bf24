// Reading a kubeconfig as kubectl does (client-go's clientcmd loading
// rules): --kubeconfig, else every file in KUBECONFIG merged (the first file
// to set a map entry or current-context wins), else ~/.kube/config; then
// --context or current-context, its cluster (server and the CA it trusts)
// and its user (a client certificate or a token). Paths in a file are
// relative to that file, as clientcmd resolves them.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ClientCredentials } from './rest.js';
import type { ClientTls } from './transport.js';

interface KubeconfigCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
}

interface KubeconfigUser {
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
}

/** The part of a kubeconfig file a client of the lab needs. */
export interface KubeconfigFile {
  readonly clusters?: readonly { name?: string; cluster?: KubeconfigCluster }[];
  readonly users?: readonly { name?: string; user?: KubeconfigUser }[];
  readonly contexts?: readonly { name?: string; context?: { cluster?: string; user?: string; namespace?: string } }[];
  readonly 'current-context'?: string;
  /** Where the file was read from: its relative paths are relative to this folder. */
  readonly dir?: string;
}

/** Where a client should send its requests and who it is there: what kubectl would use. */
export interface ResolvedKubeconfig extends ClientCredentials {
  readonly context: string;
  readonly server: string;
  /** The context's namespace, `default` when it names none. */
  readonly namespace: string;
}

/** A file's PEM text: inline base64 (`*-data`), else the file a path names. */
function pem(data: string | undefined, path: string | undefined, dir: string | undefined, readText: (path: string) => string): string | undefined {
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  if (path) return readText(isAbsolute(path) || !dir ? path : join(dir, path));
  return undefined;
}

/** Picks the context, its cluster and its user from files already parsed, in KUBECONFIG order. Pure but for the files a kubeconfig names. */
export function resolveKubeconfig(files: readonly KubeconfigFile[], contextOverride?: string, readText = (path: string) => readFileSync(path, 'utf8')): ResolvedKubeconfig {
  const context = contextOverride || files.map((f) => f['current-context']).find((name) => name);
  if (!context) throw new Error('no context chosen: the kubeconfig has no current-context (pass --context)');
  // as clientcmd's merge: the first file that defines a name wins.
  const found = files.flatMap((f) => f.contexts ?? []).find((c) => c.name === context);
  if (!found) throw new Error(`context was not found for specified context: ${context}`);
  const clusterName = found.context?.cluster ?? '';
  const clusterFile = files.find((f) => f.clusters?.some((c) => c.name === clusterName));
  const cluster = clusterFile?.clusters?.find((c) => c.name === clusterName)?.cluster;
  const server = cluster?.server;
  if (!server) throw new Error(`no server found for cluster "${clusterName}"`);
  const userName = found.context?.user;
  const userFile = files.find((f) => f.users?.some((u) => u.name === userName));
  const user = userFile?.users?.find((u) => u.name === userName)?.user ?? {};
  const tls: ClientTls = {
    ca: pem(cluster['certificate-authority-data'], cluster['certificate-authority'], clusterFile?.dir, readText),
    cert: pem(user['client-certificate-data'], user['client-certificate'], userFile?.dir, readText),
    key: pem(user['client-key-data'], user['client-key'], userFile?.dir, readText),
  };
  const token = user.token || (user.tokenFile ? readText(isAbsolute(user.tokenFile) || !userFile?.dir ? user.tokenFile : join(userFile.dir, user.tokenFile)).trim() : undefined);
  const hasTls = tls.ca !== undefined || tls.cert !== undefined || tls.key !== undefined;
  return {
    context,
    server,
    namespace: found.context?.namespace || 'default',
    ...(hasTls ? { tls: Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== undefined)) } : {}),
    ...(token ? { bearerToken: token } : {}),
  };
}

export interface KubeconfigSources {
  /** --kubeconfig: this one file, nothing merged. */
  readonly path?: string;
  /** --context */
  readonly context?: string;
  /** Where KUBECONFIG comes from (process.env by default). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Reads the kubeconfig kubectl would read and resolves its context. */
export function loadKubeconfig(sources: KubeconfigSources = {}): ResolvedKubeconfig {
  const env = sources.env ?? process.env;
  let paths: string[];
  if (sources.path) paths = [sources.path];
  else if (env.KUBECONFIG) paths = env.KUBECONFIG.split(delimiter).filter((p) => p !== '');
  else paths = [join(homedir(), '.kube', 'config')];
  // as clientcmd: a file named by --kubeconfig must exist; missing KUBECONFIG entries are skipped.
  const files = paths.flatMap((path): KubeconfigFile[] => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if (sources.path || paths.length === 1) throw error;
      return [];
    }
    return [{ ...((parseYaml(text) ?? {}) as KubeconfigFile), dir: dirname(resolve(path)) }];
  });
  return resolveKubeconfig(files, sources.context);
}
