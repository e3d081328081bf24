// The lab's certificates, as kubeadm's certs phase lays out /etc/kubernetes/pki
// (cmd/kubeadm/app/phases/certs, certs/certlist.go): a cluster CA
// (CN=kubernetes), the API server's serving certificate, and one client
// certificate per identity (the admin, the controller manager, each node's
// kubelet, the API server's own to reach kubelets). Files sit in one
// folder, keys 0600; a certificate already there is reused, so a lab that
// is started again keeps its CA and every kubeconfig written for it.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

/** A certificate and its key, as PEM text and as the files they are in. */
export interface CertificateFiles {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: string;
  readonly key: string;
}

/** Who a client certificate names: CN the user, O the groups (upstream's x509 CommonNameUserConversion). */
export interface ClientIdentity {
  readonly commonName: string;
  readonly organizations?: readonly string[];
}

export interface LabPki {
  readonly dir: string;
  readonly ca: CertificateFiles;
  /** The API server's serving certificate: 127.0.0.1, ::1, localhost and the kubernetes service names. */
  readonly apiserver: CertificateFiles;
  /** kubernetes-admin in system:masters: the kubeconfig `kubelab up` writes. */
  readonly admin: CertificateFiles;
  /** system:kube-controller-manager */
  readonly controllerManager: CertificateFiles;
  /** kube-apiserver-kubelet-client in kubeadm:cluster-admins: the API server's identity towards kubelets. */
  readonly apiserverKubeletClient: CertificateFiles;
  /**
   * system:node:<name> in system:nodes, issued the first time it is asked for;
   * also the node's kubelet serving certificate (serverAuth, for 127.0.0.1 and
   * the node's name), as a kubelet's client and bootstrapped serving certificates
   * in one.
   */
  node(name: string): CertificateFiles;
}

export interface PkiOptions {
  /** When certificates issued now start (injected, STYLE.md 12); the current time by default. */
  readonly now?: () => Date;
}

/** as kubeadm: the CA for ten years, every other certificate for one. */
const CA_DAYS = 3650;
const LEAF_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The names the serving certificate answers to, as kubeadm's apiserver cert (GetAPIServerAltNames) for a loopback cluster. */
const APISERVER_DNS_NAMES = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
const APISERVER_IPS = ['127.0.0.1', '::1'];

interface Issued {
  readonly cert: forge.pki.Certificate;
  readonly key: forge.pki.rsa.PrivateKey;
}

/** RSA 2048 as kubeadm's default; node's native generator (forge's pure-JS one takes seconds). */
function newKeyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = forge.pki.privateKeyFromPem(privateKey);
  return { privateKey: key, publicKey: forge.pki.rsa.setPublicKey(key.n, key.e) };
}

function subjectOf(identity: ClientIdentity): forge.pki.CertificateField[] {
  // as Go's pkix.Name: O before CN.
  return [...(identity.organizations ?? []).map((value) => ({ shortName: 'O', value })), { shortName: 'CN', value: identity.commonName }];
}

function issue(subject: ClientIdentity, days: number, now: Date, extensions: object[], issuer?: Issued): Issued {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  // A positive serial: the high bit cleared, as RFC 5280 wants.
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  // A little earlier than now, as kubeadm's certutil, so a clock a moment behind still accepts it.
  cert.validity.notBefore = new Date(now.getTime() - 5 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + days * DAY_MS);
  cert.setSubject(subjectOf(subject));
  cert.setIssuer(issuer ? issuer.cert.subject.attributes : subjectOf(subject));
  cert.setExtensions([...extensions, { name: 'subjectKeyIdentifier' }, ...(issuer ? [{ name: 'authorityKeyIdentifier', keyIdentifier: issuer.cert.generateSubjectKeyIdentifier().getBytes() }] : [])]);
  cert.sign(issuer?.key ?? keys.privateKey, forge.md.sha256.create());
  return { cert, key: keys.privateKey };
}

function write(dir: string, name: string, issued: Issued): CertificateFiles {
  const cert = forge.pki.certificateToPem(issued.cert);
  const key = forge.pki.privateKeyToPem(issued.key);
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  writeFileSync(keyPath, key, { mode: 0o600 });
  writeFileSync(certPath, cert, { mode: 0o644 });
  return { certPath, keyPath, cert, key };
}

function read(dir: string, name: string): CertificateFiles | undefined {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  if (!existsSync(certPath) || !existsSync(keyPath)) return undefined;
  return { certPath, keyPath, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') };
}

const clientUsage = [
  { name: 'basicConstraints', cA: false, critical: true },
  { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
  { name: 'extKeyUsage', clientAuth: true },
];

const kubeletUsage = (node: string) => [
  { name: 'basicConstraints', cA: false, critical: true },
  { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
  { name: 'extKeyUsage', clientAuth: true, serverAuth: true },
  { name: 'subjectAltName', altNames: [{ type: 2, value: node }, { type: 7, ip: '127.0.0.1' }] },
];

/** Creates the lab's certificates in `dir`, or reads those already there. A new CA reissues every certificate. */
export function ensureLabPki(dir: string, options: PkiOptions = {}): LabPki {
  const now = options.now ?? (() => new Date());
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const existingCa = read(dir, 'ca');
  let caFiles: CertificateFiles;
  let ca: Issued;
  if (existingCa) {
    caFiles = existingCa;
    ca = { cert: forge.pki.certificateFromPem(existingCa.cert), key: forge.pki.privateKeyFromPem(existingCa.key) };
  } else {
    ca = issue({ commonName: 'kubernetes' }, CA_DAYS, now(), [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
    ]);
    caFiles = write(dir, 'ca', ca);
  }
  const fresh = !existingCa;
  const leaf = (name: string, subject: ClientIdentity, extensions: object[]): CertificateFiles => {
    const existing = fresh ? undefined : read(dir, name);
    return existing ?? write(dir, name, issue(subject, LEAF_DAYS, now(), extensions, ca));
  };
  const client = (name: string, identity: ClientIdentity) => leaf(name, identity, clientUsage);
  // Issued the first time each is asked for: a key pair takes a few hundred milliseconds.
  const once = <T>(make: () => T): (() => T) => {
    let made: T | undefined;
    return () => (made ??= make());
  };
  const apiserver = once(() =>
    leaf('apiserver', { commonName: 'kube-apiserver' }, [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...APISERVER_DNS_NAMES.map((value) => ({ type: 2, value })), ...APISERVER_IPS.map((ip) => ({ type: 7, ip }))] },
    ]),
  );
  const admin = once(() => client('admin', { commonName: 'kubernetes-admin', organizations: ['system:masters'] }));
  const controllerManager = once(() => client('controller-manager', { commonName: 'system:kube-controller-manager' }));
  const apiserverKubeletClient = once(() => client('apiserver-kubelet-client', { commonName: 'kube-apiserver-kubelet-client', organizations: ['kubeadm:cluster-admins'] }));
  const nodes = new Map<string, CertificateFiles>();
  return {
    dir,
    ca: caFiles,
    get apiserver() {
      return apiserver();
    },
    get admin() {
      return admin();
    },
    get controllerManager() {
      return controllerManager();
    },
    get apiserverKubeletClient() {
      return apiserverKubeletClient();
    },
    node: (name) => {
      if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) throw new Error(`not a node name: ${name}`);
      let files = nodes.get(name);
      if (!files) nodes.set(name, (files = leaf(`kubelet-${name}`, { commonName: `system:node:${name}`, organizations: ['system:nodes'] }, kubeletUsage(name))));
      return files;
    },
  };
}
