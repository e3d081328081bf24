import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReplicationController } from 'kubernetes-types/core/v1.js';
import {
  annotations,
  argumentErrors,
  checkExistingTarget,
  checkImageChange,
  checkInProgressImage,
  checkNamespace,
  checkPair,
  controllerForImage,
  controllerFromManifest,
  desiredReplicasOf,
  nextControllerName,
  reversedUpdate,
  sourceController,
  targetToCreate,
  withDeploymentKey,
} from './controllers.js';
import { RollingUpdateError } from './errors.js';

const redis = (name: string, version: string, extra: Partial<ReplicationController['metadata']> = {}): ReplicationController => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7', generation: 2, creationTimestamp: '2026-01-01T00:00:00Z', ...extra },
  spec: {
    replicas: 3,
    selector: { name: 'redis', version },
    template: { metadata: { labels: { name: 'redis', version } }, spec: { containers: [{ name: 'redis', image: `redis:${version}` }] } },
  },
  status: { replicas: 3 },
});

const refused = (message: RegExp) => (error: unknown) => error instanceof RollingUpdateError && message.test(error.message);

const argumentCases: { name: string; args: string[]; filenames?: string[]; image?: string; rollback?: boolean; deploymentKey?: string; want: string[] }[] = [
  { name: 'a file', args: ['redis'], filenames: ['v2.yaml'], want: [] },
  { name: 'an image', args: ['redis'], image: 'redis:v2', want: [] },
  { name: 'a rollback', args: ['redis'], rollback: true, want: [] },
  { name: 'neither file nor image', args: ['redis'], want: ['Must specify --filename or --image for new controller'] },
  { name: 'both file and image', args: ['redis'], filenames: ['v2.yaml'], image: 'redis:v2', want: ['--filename and --image can not both be specified'] },
  { name: 'two files', args: ['redis'], filenames: ['a.yaml', 'b.yaml'], want: ['May only specify a single filename for new controller'] },
  { name: 'a rollback with an image', args: ['redis'], image: 'redis:v2', rollback: true, want: ["Don't specify --filename or --image on rollback"] },
  { name: 'no controller', args: [], image: 'redis:v2', want: ['Must specify the controller to update'] },
  { name: 'an empty deployment key', args: ['redis'], image: 'x', deploymentKey: '', want: ['--deployment-label-key can not be empty'] },
];
for (const c of argumentCases) {
  test(`arguments: ${c.name}`, () => {
    const errors = argumentErrors({ args: c.args, filenames: c.filenames ?? [], image: c.image ?? '', rollback: c.rollback ?? false, deploymentKey: c.deploymentKey ?? 'deployment' });
    assert.deepEqual(errors, c.want);
  });
}

test('the next controller is NEW when named, else the old one records it', () => {
  assert.equal(nextControllerName(['redis', 'redis-v2'], redis('redis', 'v1')), 'redis-v2');
  assert.equal(nextControllerName(['redis'], redis('redis', 'v1', { annotations: { [annotations.nextController]: 'redis-abc' } })), 'redis-abc');
  assert.equal(nextControllerName(['redis'], redis('redis', 'v1')), '');
});

test('--image: OLD-<hash> with the new image, the hash in its selector and pod labels, nothing the server set', () => {
  const hashed: ReplicationController[] = [];
  const rc = controllerForImage(redis('redis', 'v1'), { image: 'redis:v2', deploymentKey: 'deployment' }, (o) => {
    hashed.push(structuredClone(o));
    return 'abc123';
  });
  // the hash is of the changed object, resourceVersion included
  assert.equal(hashed[0]?.spec?.template?.spec?.containers[0]?.image, 'redis:v2');
  assert.equal(hashed[0]?.metadata?.resourceVersion, '7');
  assert.equal(rc.metadata?.name, 'redis-abc123');
  assert.deepEqual(rc.spec?.selector, { name: 'redis', version: 'v1', deployment: 'abc123' });
  assert.deepEqual(rc.spec?.template?.metadata?.labels, { name: 'redis', version: 'v1', deployment: 'abc123' });
  assert.equal(rc.spec?.template?.spec?.containers[0]?.image, 'redis:v2');
  assert.equal(rc.metadata?.uid, undefined);
  assert.equal(rc.metadata?.resourceVersion, undefined);
  assert.equal(rc.status, undefined);
});

test('--image with NEW keeps that name; --container picks the container; several containers need --container', () => {
  const two = redis('redis', 'v1');
  two.spec!.template!.spec!.containers.push({ name: 'sidecar', image: 'busybox' });
  const rc = controllerForImage(two, { image: 'busybox:2', container: 'sidecar', deploymentKey: 'deployment', newName: 'redis-next' }, () => 'h');
  assert.equal(rc.metadata?.name, 'redis-next');
  assert.deepEqual(rc.spec?.template?.spec?.containers.map((c) => c.image), ['redis:v1', 'busybox:2']);
  assert.throws(() => controllerForImage(two, { image: 'x', deploymentKey: 'deployment' }, () => 'h'), refused(/^must specify container to update when updating a multi-container pod$/));
  assert.throws(() => controllerForImage(two, { image: 'x', container: 'nope', deploymentKey: 'deployment' }, () => 'h'), refused(/^container nope not found in pod$/));
});

test('--image equal to the current image needs --image-pull-policy; a resumed update needs its own image', () => {
  assert.throws(() => checkImageChange(redis('redis', 'v1'), 'redis:v1', ''), refused(/--image-pull-policy \(Always\|Never\|IfNotPresent\) must be provided when --image is the same as existing container image/));
  assert.doesNotThrow(() => checkImageChange(redis('redis', 'v1'), 'redis:v1', 'Always'));
  assert.throws(() => checkInProgressImage(redis('redis-abc', 'v2'), 'redis:v3'), refused(/^Found existing in-progress update to image \(redis:v2\)\.\nEither continue in-progress update with --image=redis:v2 or rollback with --rollback$/));
});

test('the old controller gets the deployment key in its selector and template, and the next controller recorded', () => {
  const rc = withDeploymentKey(redis('redis', 'v1'), 'redis-abc', 'deployment', 'old-orig');
  assert.deepEqual(rc.spec?.selector, { name: 'redis', version: 'v1', deployment: 'old-orig' });
  assert.equal(rc.spec?.template?.metadata?.labels?.deployment, 'old-orig');
  assert.equal(rc.metadata?.annotations?.[annotations.nextController], 'redis-abc');
  const again = withDeploymentKey(rc, 'redis-def', 'deployment', 'other');
  assert.equal(again.spec?.selector?.deployment, 'old-orig');
});

test('the new controller starts at 0, remembering its replicas and its source', () => {
  const rc = targetToCreate(redis('redis-v2', 'v2'), 'redis:uid-redis');
  assert.equal(rc.spec?.replicas, 0);
  assert.equal(rc.metadata?.annotations?.[annotations.desiredReplicas], '3');
  assert.equal(rc.metadata?.annotations?.[annotations.sourceId], 'redis:uid-redis');
  const none = redis('redis-v2', 'v2');
  none.spec!.replicas = 0;
  assert.throws(() => targetToCreate(none, 's'), refused(/^Invalid controller spec for redis-v2; required: > 0 replicas, actual: 0$/));
});

test('an existing target continues only the update it belongs to', () => {
  const ours = redis('redis-v2', 'v2', { annotations: { [annotations.sourceId]: 'redis:uid-redis', [annotations.desiredReplicas]: '3' } });
  assert.doesNotThrow(() => checkExistingTarget(ours, 'redis:uid-redis'));
  assert.throws(() => checkExistingTarget(ours, 'redis:other'), refused(/^Missing\/unexpected annotations for controller redis-v2, expected redis:other : map\[kubectl.kubernetes.io\/desired-replicas:3 kubectl.kubernetes.io\/update-source-id:redis:uid-redis\]$/));
  assert.equal(desiredReplicasOf(ours), 3);
  assert.throws(() => desiredReplicasOf(redis('x', 'v2')), refused(/^Unable to parse annotation for x: kubectl.kubernetes.io\/desired-replicas=$/));
});

test('the pair: another name, and a selector key with another value', () => {
  assert.doesNotThrow(() => checkPair(redis('redis', 'v1'), redis('redis-v2', 'v2'), 'v2.yaml'));
  assert.throws(() => checkPair(redis('redis', 'v1'), redis('redis', 'v2'), 'v2.yaml'), refused(/^v2.yaml cannot have the same name as the existing ReplicationController redis$/));
  assert.throws(() => checkPair(redis('redis', 'v1'), redis('redis-v2', 'v1'), 'v2.yaml'), refused(/^v2.yaml must specify a matching key with non-equal value in Selector for redis$/));
  const noCommonKey = redis('redis-v2', 'v2');
  noCommonKey.spec!.selector = { app: 'other' };
  assert.throws(() => checkPair(redis('redis', 'v1'), noCommonKey, 'v2.yaml'), refused(/must specify a matching key with non-equal value/));
});

test('a file must hold a v1 ReplicationController in the namespace in use', () => {
  assert.throws(() => controllerFromManifest({ apiVersion: 'apps/v1', kind: 'Deployment' }, 'd.yaml'), refused(/^d.yaml contains a apps\/v1, Kind=Deployment not a ReplicationController$/));
  assert.throws(() => controllerFromManifest({ apiVersion: 'v1', kind: 'Pod' }, 'p.yaml'), refused(/^p.yaml contains a \/v1, Kind=Pod not a ReplicationController$/));
  assert.throws(() => checkNamespace(redis('redis-v2', 'v2', { namespace: 'web' }), 'default'), refused(/^the namespace from the provided object "web" does not match the namespace "default". You must pass '--namespace=web' to perform this operation$/));
  assert.equal(checkNamespace(redis('redis-v2', 'v2', { namespace: undefined }), 'web').metadata?.namespace, 'web');
});

test('--rollback turns the update round: the old controller is the target again at its original replicas', () => {
  const old = redis('redis', 'v1', { annotations: { [annotations.originalReplicas]: '3' } });
  const half = redis('redis-abc', 'v2');
  const reversed = reversedUpdate(old, half);
  assert.equal(reversed.oldRc.metadata?.name, 'redis-abc');
  assert.equal(reversed.newRc.metadata?.name, 'redis');
  assert.equal(reversed.originalReplicas, '3');
  assert.equal(reversed.newRc.metadata?.annotations?.[annotations.sourceId], 'redis-abc:uid-redis-abc');
  assert.equal(reversed.newRc.metadata?.annotations?.[annotations.desiredReplicas], '3');
  assert.throws(() => reversedUpdate(redis('redis', 'v1'), half), refused(/^couldn't find original replica count of "redis"$/));
});

test('mid-rename, the source controller is found by its update-source-id', () => {
  const renaming = redis('redis-abc', 'v2', { annotations: { [annotations.sourceId]: 'redis:uid-redis' } });
  assert.equal(sourceController([redis('other', 'v1'), renaming], 'default', 'redis'), renaming);
  assert.throws(() => sourceController([], 'default', 'redis'), refused(/^couldn't find a replication controller with source id == default\/redis$/));
});
