// Images, durations and address ranges as the kubelet and containerd write them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goDuration } from './go-duration.js';
import { imageID, imageTag, normalizeImage } from './image.js';
import { choosePodCIDR, indexOfPodCIDR, PodIPAllocator, podCIDRForIndex } from './pod-cidr.js';

test('image references are normalised as containerd reports them', () => {
  assert.equal(normalizeImage('nginx'), 'docker.io/library/nginx:latest');
  assert.equal(normalizeImage('nginx:1.27'), 'docker.io/library/nginx:1.27');
  assert.equal(normalizeImage('bitnami/redis'), 'docker.io/bitnami/redis:latest');
  assert.equal(normalizeImage('registry.k8s.io/pause:3.10'), 'registry.k8s.io/pause:3.10');
  assert.equal(normalizeImage('localhost:5000/app'), 'localhost:5000/app:latest');
  assert.equal(normalizeImage('quay.io/fluentd_elasticsearch/fluentd:v2.5.2'), 'quay.io/fluentd_elasticsearch/fluentd:v2.5.2');
  assert.match(imageID('nginx:1.27'), /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.equal(imageID('nginx'), imageID('docker.io/library/nginx:latest'), 'one image, one digest');
  assert.equal(imageTag('localhost:5000/app'), '');
  assert.equal(imageTag('busybox:crash'), 'crash');
});

test('durations read as Go prints them', () => {
  assert.deepEqual([0, 567, 1234, 10_000, 80_000, 300_000, 3_600_000].map(goDuration), ['0s', '567ms', '1.234s', '10s', '1m20s', '5m0s', '1h0m0s']);
});

test('pod CIDRs: the number a node name ends with if free, else the lowest free; past 256 the second octet counts down', () => {
  assert.equal(choosePodCIDR('node-3', new Set()), '10.244.3.0/24');
  assert.equal(choosePodCIDR('node-3', new Set([3, 0])), '10.244.1.0/24');
  assert.equal(choosePodCIDR('worker', new Set([0])), '10.244.1.0/24');
  assert.equal(podCIDRForIndex(4999), '10.225.135.0/24');
  assert.equal(indexOfPodCIDR('10.225.135.0/24'), 4999);
  assert.equal(indexOfPodCIDR('192.168.0.0/24'), undefined);
});

test('pod IPs: lowest free from .2, kept for a pod found running, freed when it goes', () => {
  const ips = new PodIPAllocator('10.244.2.0/24');
  assert.equal(ips.reserve('adopted', '10.244.2.2'), true);
  assert.equal(ips.allocate('a'), '10.244.2.3');
  assert.equal(ips.allocate('a'), '10.244.2.3', 'the same pod keeps its address');
  assert.equal(ips.reserve('other', '10.244.2.3'), false);
  ips.release('adopted');
  assert.equal(ips.allocate('b'), '10.244.2.2');
  for (let i = 0; i < 251; i++) ips.allocate(`p${i}`);
  assert.equal(ips.allocate('one-too-many'), undefined);
});
