import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterRole, PolicyRule } from 'kubernetes-types/rbac/v1.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { SelectorParseError } from '../../proto/index.js';
import { emptyPlan } from '../runtime/plan.js';
import { AGGREGATION_FIELD_MANAGER, aggregatingRoleNames, planClusterRoleAggregation } from './plan.js';

const read = (...resources: string[]): PolicyRule => ({ apiGroups: [''], resources, verbs: ['get', 'list', 'watch'] });
const role = (name: string, labels: Record<string, string>, rules: PolicyRule[]): ClusterRole => ({ metadata: { name, labels }, rules });
const aggregating = (name: string, selectors: LabelSelector[], rules?: PolicyRule[]): ClusterRole => ({ metadata: { name }, aggregationRule: { clusterRoleSelectors: selectors }, ...(rules ? { rules } : {}) });
const TO_MONITORING = { 'rbac.example.com/aggregate-to-monitoring': 'true' };
const monitoring = aggregating('monitoring', [{ matchLabels: TO_MONITORING }]);

/** The rules the plan applies, or undefined when it leaves the role alone. */
function appliedRules(target: ClusterRole, others: ClusterRole[]): PolicyRule[] | undefined {
  const plan = planClusterRoleAggregation(target, [target, ...others]);
  if (plan === emptyPlan) return undefined;
  const [patch] = plan.patches;
  return ((patch?.patch as { rules?: PolicyRule[] }).rules ?? []);
}

describe('planClusterRoleAggregation (upstream syncClusterRole)', () => {
  test('the rules of every matching role, the sources in name order, each rule once', () => {
    const rules = appliedRules(monitoring, [
      role('monitoring-pods', TO_MONITORING, [read('pods'), read('services')]),
      role('monitoring-endpoints', TO_MONITORING, [read('services', 'endpoints', 'pods')]),
      role('also-pods', TO_MONITORING, [read('pods')]),
      role('unlabelled', {}, [read('secrets')]),
      role('other-value', { 'rbac.example.com/aggregate-to-monitoring': 'false' }, [read('nodes')]),
    ]);
    assert.deepEqual(rules, [read('pods'), read('services', 'endpoints', 'pods'), read('services')]);
  });

  test('selectors are taken in their order, each its matches by name; a rule two selectors find is kept once', () => {
    const target = aggregating('both', [{ matchLabels: { team: 'b' } }, { matchLabels: { team: 'a' } }]);
    const rules = appliedRules(target, [role('a-1', { team: 'a' }, [read('pods')]), role('b-1', { team: 'b' }, [read('services'), read('pods')]), role('a-0', { team: 'a' }, [read('configmaps')])]);
    assert.deepEqual(rules, [read('services'), read('pods'), read('configmaps')]);
  });

  const expressionCases: { name: string; selector: LabelSelector; matched: string[] }[] = [
    { name: 'In', selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['gold', 'silver'] }] }, matched: ['gold', 'silver'] },
    { name: 'NotIn (an unlabelled role matches too)', selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['gold'] }] }, matched: ['none', 'silver'] },
    { name: 'Exists', selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, matched: ['gold', 'silver'] },
    { name: 'DoesNotExist', selector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, matched: ['none'] },
    { name: 'matchLabels and matchExpressions together (both must hold)', selector: { matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['gold', 'silver'] }] }, matched: ['gold'] },
  ];
  for (const { name, selector, matched } of expressionCases) {
    test(`a selector with ${name}`, () => {
      const sources = [role('gold', { tier: 'gold', app: 'x' }, [read('gold')]), role('none', {}, [read('none')]), role('silver', { tier: 'silver' }, [read('silver')])];
      assert.deepEqual(appliedRules(aggregating('agg', [selector]), sources), matched.map((r) => read(r)));
    });
  }

  test('an empty selector gathers every other role, never the aggregating role itself', () => {
    const target = aggregating('all', [{}], [read('stale')]);
    assert.deepEqual(appliedRules(target, [role('x', {}, [read('x')])]), [read('x')]);
    // A null selector in the list is Go's zero LabelSelector, {}: everything too.
    const withNull = { ...target, aggregationRule: { clusterRoleSelectors: [null as unknown as LabelSelector] } };
    assert.deepEqual(appliedRules(withNull, [role('x', {}, [read('x')])]), [read('x')]);
  });

  test('rules already aggregated change nothing; an absent list and an empty one are the same', () => {
    assert.equal(planClusterRoleAggregation(aggregating('m', [{ matchLabels: TO_MONITORING }], [read('pods')]), [role('p', TO_MONITORING, [read('pods')])]), emptyPlan);
    assert.equal(planClusterRoleAggregation(aggregating('m', [{ matchLabels: TO_MONITORING }]), []), emptyPlan);
    assert.equal(planClusterRoleAggregation(aggregating('m', [{ matchLabels: TO_MONITORING }], []), []), emptyPlan);
    // The same rules in another order are a change: upstream compares the lists as they are.
    const two = [role('a', TO_MONITORING, [read('pods')]), role('b', TO_MONITORING, [read('services')])];
    assert.notEqual(planClusterRoleAggregation(aggregating('m', [{ matchLabels: TO_MONITORING }], [read('services'), read('pods')]), two), emptyPlan);
  });

  test('a role without an aggregationRule is left alone', () => {
    assert.equal(planClusterRoleAggregation(role('plain', TO_MONITORING, [read('pods')]), [role('p', TO_MONITORING, [read('secrets')])]), emptyPlan);
  });

  test('the change is a forced server-side apply of the rules alone, as clusterrole-aggregation-controller', () => {
    const plan = planClusterRoleAggregation(monitoring, [role('p', TO_MONITORING, [read('pods')])]);
    assert.deepEqual(plan.patches, [
      {
        kind: 'ClusterRole',
        name: 'monitoring',
        patchType: 'apply',
        patch: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'monitoring' }, rules: [read('pods')] },
        fieldManager: AGGREGATION_FIELD_MANAGER,
        force: true,
        reason: '1 aggregated rules',
      },
    ]);
    assert.equal(AGGREGATION_FIELD_MANAGER, 'clusterrole-aggregation-controller');
  });

  test('when no role matches any more, the apply carries no rules (the ones it applied before go)', () => {
    const plan = planClusterRoleAggregation(aggregating('m', [{ matchLabels: TO_MONITORING }], [read('pods')]), []);
    assert.deepEqual(plan.patches[0]?.patch, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'm' } });
  });

  test('a selector upstream cannot make is an error to retry, not a plan', () => {
    assert.throws(() => planClusterRoleAggregation(aggregating('bad', [{ matchExpressions: [{ key: 'k', operator: 'Near' }] }]), []), SelectorParseError);
  });

  test('every aggregating role is looked at again on any change', () => {
    assert.deepEqual(aggregatingRoleNames([monitoring, role('p', TO_MONITORING, []), aggregating('view', [{}])]), ['monitoring', 'view']);
  });
});
