// Kubeconfig files: the ones the lab writes (for kubectl, and on a secure
// lab for each component, as kubeadm's admin.conf, controller-manager.conf
// and kubelet.conf), with the certificates inline. Reading one as kubectl
// does lives in client/kubeconfig.ts (client-go's clientcmd).
import type { ClientTls } from '../client/index.js';

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/**
 * The kubeconfig the lab writes: one cluster, one user, one context,
 * namespace default. With `tls`, the cluster trusts its CA
 * (certificate-authority-data) and the user is its client certificate.
 */
export function kubeconfigFor(server: string, tls?: ClientTls, user = 'kubelab-admin'): string {
  const cluster = tls?.ca ? [`    certificate-authority-data: ${base64(tls.ca)}`] : [];
  const credentials = tls?.cert && tls.key ? ['  user:', `    client-certificate-data: ${base64(tls.cert)}`, `    client-key-data: ${base64(tls.key)}`] : ['  user: {}'];
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: kubelab',
    '  cluster:',
    ...cluster,
    `    server: ${server}`,
    'users:',
    `- name: ${user}`,
    ...credentials,
    'contexts:',
    '- name: kubelab',
    '  context:',
    '    cluster: kubelab',
    `    user: ${user}`,
    '    namespace: default',
    'current-context: kubelab',
    '',
  ].join('\n');
}

export { loadKubeconfig, resolveKubeconfig, type KubeconfigFile, type KubeconfigSources, type ResolvedKubeconfig } from '../client/index.js';
