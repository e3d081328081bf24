// The real kubectl reading kubelab's OpenAPI: `kubectl explain` prints
// upstream's documentation, and `kubectl apply` meets the server's field
// validation (--validate=strict, the default, warn and false) as on a real
// v1.32 cluster. The expected lines are what a real cluster prints.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serverWithKubectl } from './kubectl.js';

const context = serverWithKubectl();

/** Asserts that `lines` appear in `text` in this order. */
function assertLinesInOrder(text: string, lines: string[]): void {
  const all = text.split('\n');
  let at = 0;
  for (const line of lines) {
    const found = all.indexOf(line, at);
    assert.ok(found >= 0, `missing, or out of order: ${JSON.stringify(line)}\n--- in ---\n${text}`);
    at = found + 1;
  }
}

describe('kubectl explain', () => {
  test('daemonset.spec.updateStrategy.rollingUpdate prints the field, its description and its fields', async () => {
    const explained = await context.kubectl.run('explain', 'daemonset.spec.updateStrategy.rollingUpdate');
    assert.equal(explained.code, 0, explained.stderr);
    assertLinesInOrder(explained.stdout, [
      'GROUP:      apps',
      'KIND:       DaemonSet',
      'VERSION:    v1',
      'FIELD: rollingUpdate <RollingUpdateDaemonSet>',
      'DESCRIPTION:',
      '    Rolling update config params. Present only if type = "RollingUpdate".',
      '    Spec to control the desired behavior of daemon set rolling update.',
      'FIELDS:',
      '  maxSurge\t<IntOrString>',
      '    The maximum number of nodes with an existing available DaemonSet pod that',
      '  maxUnavailable\t<IntOrString>',
      '    The maximum number of DaemonSet pods that can be unavailable during the',
    ]);
  });

  test('pods, rc and sts.spec --recursive print as a real cluster does', async () => {
    const pods = await context.kubectl.run('explain', 'pods');
    assertLinesInOrder(pods.stdout, [
      'KIND:       Pod',
      'VERSION:    v1',
      'DESCRIPTION:',
      '    Pod is a collection of containers that can run on a host. This resource is',
      '    created by clients and scheduled onto hosts.',
      'FIELDS:',
      '  apiVersion\t<string>',
      '  kind\t<string>',
      '  metadata\t<ObjectMeta>',
      '  spec\t<PodSpec>',
      '  status\t<PodStatus>',
    ]);
    const rc = await context.kubectl.run('explain', 'rc');
    assertLinesInOrder(rc.stdout, ['KIND:       ReplicationController', 'VERSION:    v1', '  spec\t<ReplicationControllerSpec>']);
    const sts = await context.kubectl.run('explain', 'sts.spec', '--recursive');
    assertLinesInOrder(sts.stdout, [
      'GROUP:      apps',
      'KIND:       StatefulSet',
      'FIELD: spec <StatefulSetSpec>',
      '    A StatefulSetSpec is the specification of a StatefulSet.',
      '  minReadySeconds\t<integer>',
      '  selector\t<LabelSelector> -required-',
      '    matchExpressions\t<[]LabelSelectorRequirement>',
      '      key\t<string> -required-',
      '    matchLabels\t<map[string]string>',
      '  template\t<PodTemplateSpec> -required-',
      '    metadata\t<ObjectMeta>',
      '      containers\t<[]Container> -required-',
    ]);
  });
});

const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: NAME
spec:
  foo: bar
  containers:
  - name: nginx
    image: nginx:1.27
`;

describe('kubectl apply and field validation', () => {
  test('a manifest with an unknown field is refused with the real cluster message and exit code 1', async () => {
    const file = await context.kubectl.manifest('strict.yaml', manifest.replace('NAME', 'strict'));
    const applied = await context.kubectl.run('apply', '-f', file);
    assert.equal(applied.code, 1);
    assert.equal(
      applied.stderr.trim(),
      `Error from server (BadRequest): error when creating "${file}": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"`,
    );
  });

  test('--validate=warn creates the object without the field and prints the warning', async () => {
    const file = await context.kubectl.manifest('warn.yaml', manifest.replace('NAME', 'warned'));
    const applied = await context.kubectl.run('apply', '-f', file, '--validate=warn');
    assert.equal(applied.code, 0);
    assert.equal(applied.stdout.trim(), 'pod/warned created');
    assert.equal(applied.stderr.trim(), 'Warning: unknown field "spec.foo"');
    const stored = JSON.parse((await context.kubectl.run('get', 'pod', 'warned', '-o', 'json')).stdout);
    assert.equal(stored.spec.foo, undefined);
  });

  test('--validate=false creates it silently', async () => {
    const file = await context.kubectl.manifest('ignore.yaml', manifest.replace('NAME', 'ignored'));
    const applied = await context.kubectl.run('apply', '-f', file, '--validate=false');
    assert.equal(applied.code, 0);
    assert.equal(applied.stdout.trim(), 'pod/ignored created');
    assert.equal(applied.stderr, '');
  });
});
