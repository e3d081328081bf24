// The real kubectl reading kubelab's OpenAPI: `kubectl explain` prints
// upstream's documentation (from /openapi/v3, or from /openapi/v2 in protobuf
// with --output plaintext-openapiv2), and `kubectl apply` meets the server's
// field validation (--validate=strict, the default, warn and false) as on a
// real v1.32 cluster. The expected lines are what a real cluster prints.
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

interface ExplainedField {
  readonly name: string;
  readonly required: boolean;
  /** Its description, its lines joined: v2 and v3 wrap at other columns. */
  readonly description: string;
}

/** The FIELDS section of `kubectl explain`, in either output (a field's line, then its indented description). */
function explainedFields(text: string): ExplainedField[] {
  const fields: { name: string; required: boolean; lines: string[] }[] = [];
  for (const line of text.slice(text.indexOf('\nFIELDS:\n')).split('\n').slice(2)) {
    const field = /^ {2,3}(\w+)\t<[^>]+>( -required-)?$/.exec(line);
    if (field) fields.push({ name: field[1]!, required: field[2] !== undefined, lines: [] });
    else if (line.trim() !== '') fields.at(-1)!.lines.push(line.trim());
  }
  return fields.map(({ name, required, lines }) => ({ name, required, description: lines.join(' ') }));
}

describe('kubectl explain --output plaintext-openapiv2 (/openapi/v2 in protobuf)', () => {
  test('pods.spec.containers prints the v2 layout with the fields, required marks and descriptions the v3 explain prints', async () => {
    const v2 = await context.kubectl.run('explain', '--output', 'plaintext-openapiv2', 'pods.spec.containers');
    assert.equal(v2.code, 0, v2.stderr);
    assertLinesInOrder(v2.stdout, [
      'KIND:     Pod',
      'VERSION:  v1',
      'RESOURCE: containers <[]Object>',
      'DESCRIPTION:',
      '     List of containers belonging to the pod. Containers cannot currently be',
      '     A single application container that you want to run within a pod.',
      'FIELDS:',
      '   args\t<[]string>',
      '   env\t<[]Object>',
      '   name\t<string> -required-',
      '   resources\t<Object>',
    ]);
    const v3 = await context.kubectl.run('explain', 'pods.spec.containers');
    assert.equal(v3.code, 0, v3.stderr);
    const fields = explainedFields(v2.stdout);
    assert.ok(fields.length > 20, v2.stdout);
    assert.deepEqual(fields, explainedFields(v3.stdout));
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

// kubectl validates a kind without a PATCH operation (the reviews, Binding, Eviction) itself, with
// /openapi/v2 in protobuf, after listing CustomResourceDefinitions to rule out a custom kind
// (QueryParamVerifier.HasSupport, CRDFinder): kubelab answers that list, always empty.
const review = `apiVersion: authorization.k8s.io/v1
kind: SubjectAccessReview
spec:
  user: nobody
  resourceAttributes:
    namespace: default
    verb: list
    resource: pods
`;

describe('kubectl create -f of a create-only kind, validated by kubectl (--validate=strict)', () => {
  test('a SubjectAccessReview is created without --validate=false', async () => {
    const file = await context.kubectl.manifest('sar.yaml', review);
    const created = await context.kubectl.run('create', '-f', file, '-o', 'jsonpath={.status.allowed}');
    assert.equal(created.stderr, '');
    assert.equal(created.stdout, 'true');
  });

  test('an unknown field is refused by kubectl itself, in its words', async () => {
    const file = await context.kubectl.manifest('bogus-sar.yaml', review.replace('spec:\n', 'spec:\n  bogus: 1\n'));
    const created = await context.kubectl.run('create', '-f', file);
    assert.equal(created.code, 1);
    assert.equal(
      created.stderr.trim(),
      `error: error validating "${file}": error validating data: ValidationError(SubjectAccessReview.spec): unknown field "bogus" in io.k8s.api.authorization.v1.SubjectAccessReviewSpec; if you choose to ignore these errors, turn validation off with --validate=false`,
    );
  });
});

// What a student meets who tries a CRD tutorial: kubelab lists CRDs (always none) and refuses to create one.
describe('kubectl and CustomResourceDefinitions, listed and never created', () => {
  test('kubectl api-resources lists them with the verbs served, and kubectl get crd prints No resources found', async () => {
    const listed = await context.kubectl.run('api-resources', '--api-group=apiextensions.k8s.io', '--no-headers', '-o', 'wide');
    assert.deepEqual(
      listed.stdout.trim().split(/\s+/),
      ['customresourcedefinitions', 'crd,crds', 'apiextensions.k8s.io/v1', 'false', 'CustomResourceDefinition', 'get,list,watch', 'api-extensions'],
    );
    const got = await context.kubectl.run('get', 'crd');
    assert.equal(got.code, 0);
    assert.equal(got.stdout, '');
    assert.equal(got.stderr, 'No resources found\n');
  });

  test('kubectl apply -f of a CRD (its x-kubernetes-* schema fields known to kubectl\'s validation) is refused with the reason', async () => {
    const file = await context.kubectl.manifest(
      'crontab-crd.yaml',
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: crontabs.stable.example.com\nspec:\n  group: stable.example.com\n  scope: Namespaced\n  names:\n    plural: crontabs\n    singular: crontab\n    kind: CronTab\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        x-kubernetes-preserve-unknown-fields: true\n        x-kubernetes-validations:\n        - rule: has(self.spec)\n        properties:\n          spec:\n            type: object\n            x-kubernetes-map-type: atomic\n            properties:\n              port:\n                x-kubernetes-int-or-string: true\n              hosts:\n                type: array\n                items: {type: string}\n                x-kubernetes-list-type: set\n',
    );
    for (const verb of ['apply', 'create']) {
      const refused = await context.kubectl.run(verb, '-f', file);
      assert.equal(refused.code, 1);
      assert.equal(
        refused.stderr.trim(),
        `Error from server (MethodNotAllowed): error when creating "${file}": kubelab does not serve custom resources: CustomResourceDefinitions can be listed, never created`,
      );
    }
    assert.equal((await context.kubectl.run('get', 'crd', '-o', 'name')).stdout, '');
  });
});
