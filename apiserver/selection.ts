// labelSelector and fieldSelector of a list or watch, turned into one
// predicate on objects. The fields a kind may be selected on are its
// strategy's (upstream's per-kind GetAttrs / ToSelectableFields), plus
// metadata.name and metadata.namespace, which every kind has.
import { badRequest, parseFieldSelector, parseLabelSelector, SelectorParseError } from '../proto/index.js';
import type { KubeObject, Strategy } from './registry/strategy.js';

export interface Selection {
  /** Absent when every object is selected. */
  readonly matches?: (object: KubeObject) => boolean;
  /** metadata.name=<x> in the field selector: the one name asked for. */
  readonly name?: string;
}

export function selectableFields(strategy: Strategy, object: KubeObject): Record<string, string> {
  const meta = object.metadata ?? {};
  return {
    'metadata.name': meta.name ?? '',
    'metadata.namespace': meta.namespace ?? '',
    ...strategy.selectableFields?.(object),
  };
}

export function parseSelection(strategy: Strategy, labelSelector: unknown, fieldSelector: unknown, sample: KubeObject): Selection {
  try {
    const labels = parseLabelSelector(typeof labelSelector === 'string' ? labelSelector : '');
    const fields = parseFieldSelector(typeof fieldSelector === 'string' ? fieldSelector : '');
    // A field no object of this kind has is refused up front, as upstream.
    const known = new Set(Object.keys(selectableFields(strategy, sample)));
    for (const field of fields.fields()) {
      if (!known.has(field)) throw badRequest(`field label not supported: ${field}`);
    }
    if (labels.isEverything() && fields.isEverything()) return {};
    return {
      matches: (object) => labels.matches(object.metadata?.labels ?? {}) && fields.matches(selectableFields(strategy, object)),
      name: fields.requiresExactMatch('metadata.name'),
    };
  } catch (error) {
    if (error instanceof SelectorParseError) throw badRequest((error as Error).message);
    throw error;
  }
}
