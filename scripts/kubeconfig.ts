// The kubeconfig the lab writes for kubectl: one cluster, one user, one
// context, namespace default.
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
