// The default roles' aggregation as upstream's bootstrap policy
// (testdata/cluster-roles.yaml): admin, edit and view gather the
// system:aggregate-to-* roles, and are written with the rules the
// clusterrole-aggregation controller would give them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { aggregatedRules, type AggregatableClusterRole } from '../../proto/index.js';
import { bootstrapPolicy } from './bootstrap-policy.js';
import type { PolicyRule } from './rules.js';

const roles = bootstrapPolicy().clusterRoles as (AggregatableClusterRole & { metadata: { name: string; labels: Record<string, string> } })[];
const byName = (name: string) => roles.find((r) => r.metadata.name === name)!;
const rulesOf = (name: string) => (byName(name).rules ?? []) as PolicyRule[];
const AGGREGATE = 'rbac.authorization.k8s.io/aggregate-to-';

describe('bootstrap policy: aggregated roles', () => {
  test('admin, edit and view select aggregate-to-<name>; edit aggregates to admin, view to edit', () => {
    for (const name of ['admin', 'edit', 'view']) assert.deepEqual(byName(name).aggregationRule, { clusterRoleSelectors: [{ matchLabels: { [`${AGGREGATE}${name}`]: 'true' } }] });
    const aggregationLabels = (name: string) => Object.keys(byName(name).metadata.labels).filter((k) => k.startsWith(AGGREGATE));
    assert.deepEqual(aggregationLabels('admin'), []);
    assert.deepEqual(aggregationLabels('edit'), [`${AGGREGATE}admin`]);
    assert.deepEqual(aggregationLabels('view'), [`${AGGREGATE}edit`]);
    for (const name of ['admin', 'edit', 'view']) assert.deepEqual(aggregationLabels(`system:aggregate-to-${name}`), [`${AGGREGATE}${name}`]);
  });

  test('their rules are already what the controller settles on, so it writes nothing at start', () => {
    for (const name of ['admin', 'edit', 'view']) assert.deepEqual(aggregatedRules(byName(name), roles), rulesOf(name), name);
  });

  test('view is aggregate-to-view; edit adds aggregate-to-edit before it; admin adds aggregate-to-admin after edit (sources in name order)', () => {
    assert.deepEqual(rulesOf('view'), rulesOf('system:aggregate-to-view'));
    assert.deepEqual(rulesOf('edit'), [...rulesOf('system:aggregate-to-edit'), ...rulesOf('system:aggregate-to-view')]);
    assert.deepEqual(rulesOf('admin'), [...rulesOf('edit'), ...rulesOf('system:aggregate-to-admin')]);
    assert.equal(rulesOf('view').some((rule) => rule.resources?.includes('secrets')), false);
  });
});
