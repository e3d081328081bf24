// Who each part of a secure lab is, in its data directory, as kubeadm lays
// out /etc/kubernetes: pki/ (ensureLabPki), the API server's TLS flags, and
// one kubeconfig a component with its certificate inline: kubeconfig (the
// admin's, kubeadm's admin.conf), controller-manager.conf and
// kubelet-<node>.conf. Written 0600: each holds a private key.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientTls } from '../client/index.js';
import { kubeconfigFor } from './kubeconfig.js';
import { ensureLabPki, type CertificateFiles, type LabPki } from './pki.js';

export interface LabCredentials {
  readonly pki: LabPki;
  /** Writes the admin's kubeconfig, what `export KUBECONFIG=` names; its path. */
  adminKubeconfig(): string;
  /** The admin's TLS options, for the lab's own requests (readiness, the StorageClass). */
  adminTls(): ClientTls;
  /** The apiserver's flags: serving certificate, the client CA, its client certificate towards kubelets, Node,RBAC authorization. */
  apiserverArgs(): readonly string[];
  /** controller-manager.conf */
  controllersKubeconfig(): string;
  /** kubelet-<node>.conf, issuing the node's certificate the first time. */
  kubeletKubeconfig(node: string): string;
}

const tlsOf = (pki: LabPki, files: CertificateFiles): ClientTls => ({ ca: pki.ca.cert, cert: files.cert, key: files.key });

/** Creates (or reuses) the lab's PKI in `<dataDir>/pki`; each certificate and kubeconfig is issued or written when first asked for. */
export function labCredentials(dataDir: string, server: string): LabCredentials {
  const pki = ensureLabPki(join(dataDir, 'pki'));
  const write = (name: string, files: CertificateFiles, user: string) => {
    const path = join(dataDir, name);
    writeFileSync(path, kubeconfigFor(server, tlsOf(pki, files), user), { mode: 0o600 });
    return path;
  };
  const apiserverArgs = () => [
    ...['--tls-cert-file', pki.apiserver.certPath, '--tls-private-key-file', pki.apiserver.keyPath, '--client-ca-file', pki.ca.certPath],
    ...['--kubelet-client-certificate', pki.apiserverKubeletClient.certPath, '--kubelet-client-key', pki.apiserverKubeletClient.keyPath],
    ...['--kubelet-certificate-authority', pki.ca.certPath],
    // As kubeadm's clusters: each component may do only what its identity's roles allow.
    ...['--authorization-mode', 'Node,RBAC'],
  ];
  return {
    pki,
    adminKubeconfig: () => write('kubeconfig', pki.admin, 'kubernetes-admin'),
    adminTls: () => tlsOf(pki, pki.admin),
    apiserverArgs,
    controllersKubeconfig: () => write('controller-manager.conf', pki.controllerManager, 'system:kube-controller-manager'),
    kubeletKubeconfig: (node) => write(`kubelet-${node}.conf`, pki.node(node), `system:node:${node}`),
  };
}
