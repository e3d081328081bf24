// EndpointSlices: upstream's v1 defaults, validation, generation and kubectl get columns.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fieldErrorText } from '../../proto/index.js';
import { endpointSliceTable } from '../tables/cluster.js';
import { endpointSliceStrategy } from './endpoint-slice.js';
import type { KubeObject } from './strategy.js';

const slice = (fields: Record<string, unknown> = {}): KubeObject => ({
  metadata: { name: 'nginx-abcde', namespace: 'default', labels: { 'kubernetes.io/service-name': 'nginx' }, creationTimestamp: '2026-01-01T00:00:00Z' },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.244.2.2'], conditions: { ready: true } }],
  ports: [{ name: 'web', port: 80, protocol: 'TCP' }],
  ...fields,
});

describe('EndpointSlice', () => {
  test('a port gets name "" and protocol TCP; deprecatedTopology is dropped on create', () => {
    const object = slice({ ports: [{ port: 80 }], endpoints: [{ addresses: ['10.0.0.1'], deprecatedTopology: { zone: 'a' } }] });
    endpointSliceStrategy.defaults!(object);
    endpointSliceStrategy.prepareForCreate!(object);
    assert.deepEqual(object.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
    assert.deepEqual(object.endpoints, [{ addresses: ['10.0.0.1'] }]);
    assert.equal(object.metadata?.generation, 1);
    assert.deepEqual(endpointSliceStrategy.validate(object), []);
  });

  test('refuses a missing or unknown address type, addresses that are not of it or special, and bad ports', () => {
    assert.deepEqual(endpointSliceStrategy.validate(slice({ addressType: undefined })).map(fieldErrorText), ['addressType: Required value']);
    assert.deepEqual(endpointSliceStrategy.validate(slice({ addressType: 'IP' })).map(fieldErrorText), ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"']);
    const addresses = slice({ endpoints: [{ addresses: ['fe80::1'] }, { addresses: ['127.0.0.1'] }, { addresses: [] }, { addresses: ['10.0.0.1'], hostname: 'Web_0' }] });
    assert.deepEqual(endpointSliceStrategy.validate(addresses).map(fieldErrorText), [
      'endpoints[0].addresses[0]: Invalid value: "fe80::1": must be a valid IPv4 address',
      'endpoints[1].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'endpoints[2].addresses: Required value: must contain at least 1 address',
      `endpoints[3].hostname: Invalid value: "Web_0": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ]);
    const ports = slice({ ports: [{ name: 'web', port: 80, protocol: 'TCP' }, { name: 'web', port: 81, protocol: 'HTTP' }, { name: 'x', port: 82 }] });
    assert.deepEqual(endpointSliceStrategy.validate(ports).map(fieldErrorText), [
      'ports[1].name: Duplicate value: "web"',
      'ports[1].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      'ports[2].protocol: Required value',
    ]);
  });

  test('an update keeps the address type; the generation goes up when the endpoints or the labels change', () => {
    const old = { ...slice(), metadata: { ...slice().metadata, generation: 3 } };
    assert.deepEqual(endpointSliceStrategy.validateUpdate!(slice({ addressType: 'IPv6' }), old).map(fieldErrorText), ['addressType: Invalid value: "IPv6": field is immutable']);
    const same = slice();
    endpointSliceStrategy.prepareForUpdate!(same, old);
    assert.equal(same.metadata?.generation, 3);
    const moved = slice({ endpoints: [{ addresses: ['10.244.3.2'] }] });
    endpointSliceStrategy.prepareForUpdate!(moved, old);
    assert.equal(moved.metadata?.generation, 4);
    const relabelled = { ...slice(), metadata: { ...slice().metadata, labels: { extra: 'yes' } } };
    endpointSliceStrategy.prepareForUpdate!(relabelled, old);
    assert.equal(relabelled.metadata?.generation, 4);
  });

  test('kubectl get shows the address type, the first three ports and addresses, then how many more', () => {
    const now = new Date('2026-01-01T00:00:09Z');
    const many = slice({ ports: [{ port: 80 }, { name: 'metrics' }, {}, { port: 9090 }], endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }] });
    assert.deepEqual(endpointSliceTable.cells(many, now), ['nginx-abcde', 'IPv4', '80,metrics,* + 1 more...', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...', '9s']);
    assert.deepEqual(endpointSliceTable.cells(slice({ ports: [], endpoints: [] }), now), ['nginx-abcde', 'IPv4', '<unset>', '<unset>', '9s']);
  });
});
