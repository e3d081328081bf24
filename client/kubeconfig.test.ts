// A kubeconfig's cluster CA and user credentials, inline or as files relative to the kubeconfig.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveKubeconfig, type KubeconfigFile } from './kubeconfig.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

test('certificate-authority-data and client-certificate/key-data are the TLS options', () => {
  const file: KubeconfigFile = {
    clusters: [{ name: 'lab', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': b64('CA') } }],
    users: [{ name: 'admin', user: { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') } }],
    contexts: [{ name: 'lab', context: { cluster: 'lab', user: 'admin' } }],
    'current-context': 'lab',
  };
  assert.deepEqual(resolveKubeconfig([file]), { context: 'lab', server: 'https://127.0.0.1:6443', namespace: 'default', tls: { ca: 'CA', cert: 'CERT', key: 'KEY' } });
});

test('file paths are read relative to the kubeconfig; a token is a bearer token', () => {
  const read: string[] = [];
  const file: KubeconfigFile = {
    dir: '/lab',
    clusters: [{ name: 'lab', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority': 'pki/ca.crt' } }],
    users: [{ name: 'alice', user: { token: 'secret' } }],
    contexts: [{ name: 'lab', context: { cluster: 'lab', user: 'alice' } }],
    'current-context': 'lab',
  };
  const resolved = resolveKubeconfig([file], undefined, (path) => (read.push(path), 'CA'));
  assert.deepEqual(read, ['/lab/pki/ca.crt']);
  assert.deepEqual(resolved.tls, { ca: 'CA' });
  assert.equal(resolved.bearerToken, 'secret');
});
