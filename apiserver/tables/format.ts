// What the table convertors share (upstream pkg/printers/internalversion
// helpers and staging/src/k8s.io/apimachinery/pkg/util/duration): ages,
// label and selector formatting, column definitions.
import type { KubeObject, TableColumn } from '../registry/strategy.js';

/** upstream duration.HumanDuration: "45s", "3m2s", "12m", "5h3m", "20h", "3d4h", "12d", "2y30d", "9y". */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${hours / 24}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** upstream translateTimestampSince: the age of a timestamp, "<unknown>" without one. */
export function age(timestamp: string | undefined | null, now: Date): string {
  if (!timestamp) return '<unknown>';
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) return '<unknown>';
  return humanDuration(now.getTime() - at);
}

/** upstream labels.FormatLabels: "a=b,c=d" in key order, "<none>" when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

interface LabelSelectorLike {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** upstream metav1.FormatLabelSelector: "app=web,tier in (a,b)", "<none>" when empty. */
export function formatLabelSelector(selector: LabelSelectorLike | undefined | null): string {
  if (!selector) return '<none>';
  const parts: string[] = [];
  for (const key of Object.keys(selector.matchLabels ?? {}).sort()) parts.push(`${key}=${selector.matchLabels![key]}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
      default:
        parts.push(`${e.key} ${e.operator} (${values})`);
    }
  }
  const text = parts.join(',');
  return text === '' ? '<none>' : text;
}

export function column(name: string, type: string, description: string, priority = 0, format = ''): TableColumn {
  return { name, type, format, description, priority };
}

export const nameColumn = column('Name', 'string', 'Name must be unique within a namespace.', 0, 'name');
export const ageColumn = column('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.');

/** A pod template's containers and images, as upstream's layoutContainerCells. */
export function containerCells(object: KubeObject): [string, string] {
  const spec = object.spec as { template?: { spec?: { containers?: { name?: string; image?: string }[] } } } | undefined;
  const containers = spec?.template?.spec?.containers ?? [];
  return [containers.map((c) => c.name ?? '').join(','), containers.map((c) => c.image ?? '').join(',')];
}

export const nameOf = (object: KubeObject): string => object.metadata?.name ?? '';
export const ageOf = (object: KubeObject, now: Date): string => age(object.metadata?.creationTimestamp, now);
