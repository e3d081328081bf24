// The EndpointSlice controller in a 3-node lab: a Service's slice follows its
// pods as kubectl get endpointslices shows it, and goes with the Service.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { kinds } from '../../client/index.js';
import { eventually } from '../../test/eventually.js';
import { labWithKubectl } from '../../test/kubectl.js';

describe('EndpointSlice controller', () => {
  const lab = labWithKubectl();
  const slicesOf = async (service: string) => (await lab.cluster.client.resource(kinds.EndpointSlice, 'default').list({ labelSelector: `kubernetes.io/service-name=${service}` })).items;

  test('kubectl get endpointslices: the API server\'s slice of kubernetes, and a placeholder for a Service without pods, filled when pods come', async () => {
    assert.deepEqual((await lab.rows('endpointslices', 'kubernetes', '--no-headers'))[0]!.slice(0, 4), ['kubernetes', 'IPv4', '6443', '127.0.0.1']);
    assert.equal((await lab.ok('create', 'service', 'clusterip', 'web', '--tcp=80:http')).trim(), 'service/web created');
    const placeholder = await eventually('a placeholder slice', async () => (await lab.rows('endpointslices', '-l', 'kubernetes.io/service-name=web', '--no-headers'))[0]);
    assert.deepEqual(placeholder.slice(1, 4), ['IPv4', '<unset>', '<unset>']);
    for (const name of ['web-a', 'web-b']) {
      await lab.cluster.client.resource(kinds.Pod, 'default').create({ metadata: { name, labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] } });
    }
    const [row] = await eventually('both pods in one slice', async () => {
      const got = await lab.rows('endpointslices', '-l', 'kubernetes.io/service-name=web', '--no-headers');
      return got.length === 1 && got[0]![3]!.split(',').length === 2 ? got : undefined;
    });
    assert.equal(row![2], '8080');
    assert.notEqual(row![0], placeholder[0], 'the placeholder gave way to the slice of the pods\' ports');
  });

  test('a deleted pod leaves the slice; the slices go with their Service', async () => {
    await lab.cluster.client.resource(kinds.Pod, 'default').delete('web-a');
    await eventually('web-a gone from the slice', async () => {
      const [slice] = await slicesOf('web');
      return slice?.endpoints.length === 1 && slice.endpoints[0]!.targetRef?.name === 'web-b';
    });
    await lab.ok('delete', 'service', 'web');
    await eventually('the slice deleted by the garbage collector', async () => (await slicesOf('web')).length === 0);
  });
});
