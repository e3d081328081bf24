// The clusterrole-aggregation controller against a real API server on port 0
// under --authorization-mode=RBAC, the controllers running as
// system:kube-controller-manager (so the rights system:kubelab:controllers
// gives them are tested too): a role labelled aggregate-to-view reaches view,
// and through view edit and admin; unlabelled or deleted, it leaves them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ClusterRole, PolicyRule } from 'kubernetes-types/rbac/v1.js';
import type { Authenticator } from '../../apiserver/index.js';
import { kinds } from '../../client/index.js';
import { eventually } from '../../test/eventually.js';
import { startControllerLab, type ControllerLab } from '../controller-lab.js';

const byToken: Authenticator = (request) => {
  const token = request.headers.authorization?.replace(/^Bearer /, '');
  if (!token) return undefined;
  return { username: token, groups: token === 'admin' ? ['system:masters', 'system:authenticated'] : ['system:authenticated'] };
};

const crontabs: PolicyRule = { apiGroups: ['stable.example.com'], resources: ['crontabs'], verbs: ['get', 'list', 'watch'] };
const TO_VIEW = { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' };

describe('clusterrole-aggregation controller', () => {
  let lab: ControllerLab;
  before(async () => {
    lab = await startControllerLab({
      controllers: ['clusterrole-aggregation'],
      apiServer: { authenticator: byToken, authorizationModes: ['RBAC'] },
      clientCredentials: { bearerToken: 'admin' },
      controllerCredentials: { bearerToken: 'system:kube-controller-manager' },
    });
  });
  after(() => lab.stop());

  const roles = () => lab.client.resource(kinds.ClusterRole);
  const has = (role: ClusterRole, rule: PolicyRule) => (role.rules ?? []).some((r) => JSON.stringify(r) === JSON.stringify(rule));
  const aggregatedInto = async (rule: PolicyRule) => {
    const all = await Promise.all(['view', 'edit', 'admin'].map((name) => roles().get(name)));
    return all.filter((role) => has(role, rule)).map((role) => role.metadata?.name);
  };

  test('a role labelled aggregate-to-view reaches view, and through view edit and admin; without the label it leaves them', async () => {
    const viewBefore = await roles().get('view');
    await roles().create({ metadata: { name: 'crontab-viewer', labels: TO_VIEW }, rules: [crontabs] });
    await eventually('crontabs in view, edit and admin', async () => (await aggregatedInto(crontabs)).length === 3);
    const view = await roles().get('view');
    // The source sorts before system:aggregate-to-view, so its rule comes first; the rest is view's own.
    assert.deepEqual(view.rules, [crontabs, ...(viewBefore.rules ?? [])]);
    const managers = (view.metadata?.managedFields ?? []).map((f) => [f.manager, f.operation]);
    assert.deepEqual(managers.filter(([manager]) => manager === 'clusterrole-aggregation-controller'), [['clusterrole-aggregation-controller', 'Apply']]);

    await roles().patch('crontab-viewer', { metadata: { labels: { 'rbac.authorization.k8s.io/aggregate-to-view': null } } });
    await eventually('crontabs gone from view, edit and admin', async () => (await aggregatedInto(crontabs)).length === 0);
    assert.deepEqual((await roles().get('view')).rules, viewBefore.rules);
  });

  test('an aggregating role of ones own follows its sources, and has no rules when none match', async () => {
    const TO_MONITORING = { 'rbac.example.com/aggregate-to-monitoring': 'true' };
    const endpoints: PolicyRule = { apiGroups: [''], resources: ['services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] };
    await roles().create({ metadata: { name: 'monitoring' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: TO_MONITORING }] }, rules: [] });
    await roles().create({ metadata: { name: 'monitoring-endpoints', labels: TO_MONITORING }, rules: [endpoints] });
    await eventually('monitoring has the endpoints rule', async () => JSON.stringify((await roles().get('monitoring')).rules) === JSON.stringify([endpoints]));
    await roles().delete('monitoring-endpoints');
    await eventually('monitoring has no rules', async () => ((await roles().get('monitoring')).rules ?? []).length === 0);
  });
});
