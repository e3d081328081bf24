// Kubeconfig files: the one the lab writes for kubectl, and reading one as
// kubectl does (client-go's clientcmd loading rules) for `kubelab
// rolling-update`: --kubeconfig, else every file in KUBECONFIG merged (the
// first file to set a map entry or current-context wins), else
// ~/.kube/config; then --context or current-context.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** The kubeconfig the lab writes for kubectl: one cluster, one user, one context, namespace default. */
export function kubeconfigFor(server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: kubelab',
    '  cluster:',
    `    server: ${server}`,
    'users:',
    '- name: kubelab-admin',
    '  user: {}',
    'contexts:',
    '- name: kubelab',
    '  context:',
    '    cluster: kubelab',
    '    user: kubelab-admin',
    '    namespace: default',
    'current-context: kubelab',
    '',
  ].join('\n');
}

/** The part of a kubeconfig file a client of the lab needs. */
export interface KubeconfigFile {
  readonly clusters?: readonly { name?: string; cluster?: { server?: string } }[];
  readonly contexts?: readonly { name?: string; context?: { cluster?: string; namespace?: string } }[];
  readonly 'current-context'?: string;
}

/** Where a client should send its requests: what kubectl would use. */
export interface ResolvedKubeconfig {
  readonly context: string;
  readonly server: string;
  /** The context's namespace, `default` when it names none. */
  readonly namespace: string;
}

/** Picks the context and its cluster from files already parsed, in KUBECONFIG order. Pure. */
export function resolveKubeconfig(files: readonly KubeconfigFile[], contextOverride?: string): ResolvedKubeconfig {
  const context = contextOverride || files.map((f) => f['current-context']).find((name) => name);
  if (!context) throw new Error('no context chosen: the kubeconfig has no current-context (pass --context)');
  // as clientcmd's merge: the first file that defines a name wins.
  const found = files.flatMap((f) => f.contexts ?? []).find((c) => c.name === context);
  if (!found) throw new Error(`context was not found for specified context: ${context}`);
  const clusterName = found.context?.cluster ?? '';
  const server = files.flatMap((f) => f.clusters ?? []).find((c) => c.name === clusterName)?.cluster?.server;
  if (!server) throw new Error(`no server found for cluster "${clusterName}"`);
  return { context, server, namespace: found.context?.namespace || 'default' };
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
    return [(parseYaml(text) ?? {}) as KubeconfigFile];
  });
  return resolveKubeconfig(files, sources.context);
}
