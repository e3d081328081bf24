// The lab's PKI: who each certificate names, what it may be used for, and that a second run reuses it.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureLabPki, type LabPki } from './pki.js';

let dir: string;
let pki: LabPki;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubelab-pki-'));
  pki = ensureLabPki(join(dir, 'pki'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('every certificate is issued by the CA and names its identity as kubeadm does', () => {
  const ca = new X509Certificate(pki.ca.cert);
  assert.equal(ca.subject, 'CN=kubernetes');
  assert.equal(ca.ca, true);
  const named = (cert: string) => {
    const x = new X509Certificate(cert);
    assert.ok(x.checkIssued(ca) && x.verify(ca.publicKey));
    assert.equal(x.ca, false);
    return x.subject;
  };
  assert.equal(named(pki.admin.cert), 'O=system:masters\nCN=kubernetes-admin');
  assert.equal(named(pki.controllerManager.cert), 'CN=system:kube-controller-manager');
  assert.equal(named(pki.node('node-1').cert), 'O=system:nodes\nCN=system:node:node-1');
  assert.equal(named(pki.apiserverKubeletClient.cert), 'O=kubeadm:cluster-admins\nCN=kube-apiserver-kubelet-client');
  const serving = new X509Certificate(pki.apiserver.cert);
  assert.ok(serving.checkHost('localhost') && serving.checkIP('127.0.0.1') && serving.checkIP('::1'));
  assert.equal(serving.checkIP('10.0.0.1'), undefined);
});

test('keys are 0600 and a second run reuses every file', async () => {
  assert.equal((await stat(pki.admin.keyPath)).mode & 0o777, 0o600);
  assert.equal((await stat(pki.ca.keyPath)).mode & 0o777, 0o600);
  const again = ensureLabPki(pki.dir);
  assert.equal(again.ca.cert, pki.ca.cert);
  assert.equal(again.admin.cert, pki.admin.cert);
  assert.equal(again.node('node-1').key, pki.node('node-1').key);
});

test('a node name that is not a DNS subdomain gets no certificate', () => {
  assert.throws(() => pki.node('../etc'), /not a node name/);
});
