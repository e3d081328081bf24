// A set of field paths (sigs.k8s.io/structured-merge-diff fieldpath.Set):
// a trie whose path elements are kept in their FieldsV1 spelling, `f:name`
// (a struct field or map key), `k:{"name":"nginx"}` (a list-map item by its
// keys), `v:"x"` (a set item), `i:0` (an index). `members` are the paths
// of this level that are in the set; `children` hold deeper paths. A path can
// be both a member and have children: FieldsV1 then writes `".": {}`.

export type PathElement = string;
export type FieldPath = readonly PathElement[];

export class FieldsV1Error extends Error {}

export class FieldSet {
  readonly members = new Set<PathElement>();
  readonly children = new Map<PathElement, FieldSet>();

  insert(path: FieldPath): void {
    if (path.length === 0) return;
    const parent = path.slice(0, -1).reduce<FieldSet>((at, element) => at.childFor(element), this);
    parent.members.add(path[path.length - 1]!);
  }

  childFor(element: PathElement): FieldSet {
    let child = this.children.get(element);
    if (!child) {
      child = new FieldSet();
      this.children.set(element, child);
    }
    return child;
  }

  has(path: FieldPath): boolean {
    const parent = this.at(path.slice(0, -1));
    return parent !== undefined && path.length > 0 && parent.members.has(path[path.length - 1]!);
  }

  /** The subtree below a path, if any. */
  at(path: FieldPath): FieldSet | undefined {
    return path.reduce<FieldSet | undefined>((at, element) => at?.children.get(element), this);
  }

  /** Whether the path or anything below it is in the set. */
  touches(path: FieldPath): boolean {
    return this.has(path) || !(this.at(path)?.isEmpty() ?? true);
  }

  isEmpty(): boolean {
    if (this.members.size > 0) return false;
    for (const child of this.children.values()) if (!child.isEmpty()) return false;
    return true;
  }

  union(other: FieldSet): FieldSet {
    const result = this.copy();
    result.addAll(other);
    return result;
  }

  addAll(other: FieldSet): void {
    for (const member of other.members) this.members.add(member);
    for (const [element, child] of other.children) this.childFor(element).addAll(child);
  }

  /** The paths of this set that are not in `other` (exact paths: a member of other does not remove what lies below it). */
  difference(other: FieldSet): FieldSet {
    return this.without(other, false);
  }

  /** As difference, and also without anything below a member of `other` (fieldpath.Set RecursiveDifference). */
  recursiveDifference(other: FieldSet): FieldSet {
    return this.without(other, true);
  }

  private without(other: FieldSet, recursive: boolean): FieldSet {
    const result = new FieldSet();
    for (const member of this.members) if (!other.members.has(member)) result.members.add(member);
    for (const [element, child] of this.children) {
      if (recursive && other.members.has(element)) continue;
      const against = other.children.get(element);
      const kept = against ? child.without(against, recursive) : child.copy();
      if (!kept.isEmpty()) result.children.set(element, kept);
    }
    return result;
  }

  intersection(other: FieldSet): FieldSet {
    const result = new FieldSet();
    for (const member of this.members) if (other.members.has(member)) result.members.add(member);
    for (const [element, child] of this.children) {
      const against = other.children.get(element);
      if (!against) continue;
      const kept = child.intersection(against);
      if (!kept.isEmpty()) result.children.set(element, kept);
    }
    return result;
  }

  copy(): FieldSet {
    const result = new FieldSet();
    for (const member of this.members) result.members.add(member);
    for (const [element, child] of this.children) result.children.set(element, child.copy());
    return result;
  }

  equals(other: FieldSet): boolean {
    return JSON.stringify(this.toFieldsV1()) === JSON.stringify(other.toFieldsV1());
  }

  /** Every path in the set, in upstream's Iterate order: a level's members, then its children, each sorted. */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    const walk = (set: FieldSet, prefix: PathElement[]) => {
      for (const member of [...set.members].sort(compareElements)) out.push([...prefix, member]);
      for (const element of [...set.children.keys()].sort(compareElements)) walk(set.children.get(element)!, [...prefix, element]);
    };
    walk(this, []);
    return out;
  }

  /** The FieldsV1 JSON (structured-merge-diff serialize.go: sorted, `.` first for a member with children). */
  toFieldsV1(): Record<string, unknown> {
    return fieldsOf(this, false);
  }

  static fromFieldsV1(value: unknown): FieldSet {
    const set = new FieldSet();
    readFields(value, set);
    return set;
  }
}

function fieldsOf(set: FieldSet, self: boolean): Record<string, unknown> {
  const elements = [...set.members];
  let onlyFields = elements.every(isField);
  for (const element of set.children.keys()) {
    if (set.members.has(element)) continue;
    elements.push(element);
    onlyFields &&= isField(element);
  }
  // Struct fields and map keys alone (most levels) sort as plain strings, compareElements' own rule for them.
  if (onlyFields) elements.sort();
  else elements.sort(compareElements);
  const written: [PathElement, Record<string, unknown>][] = [];
  for (const element of elements) {
    const child = set.children.get(element);
    const isMember = set.members.has(element);
    const below = child ? fieldsOf(child, isMember) : undefined;
    // A child with nothing in it is no path: written only when the element is a member itself.
    if (below && Object.keys(below).length > (isMember ? 1 : 0)) written.push([element, below]);
    else if (isMember) written.push([element, {}]);
  }
  const out: Record<string, unknown> = self && written.length > 0 ? { '.': {} } : {};
  for (const [element, below] of written) out[element] = below;
  return out;
}

const isField = (element: PathElement) => element.charCodeAt(0) === 102 && element.charCodeAt(1) === 58; // 'f:'

function readFields(value: unknown, into: FieldSet): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new FieldsV1Error('expected an object');
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key === '.') continue;
    const element = canonicalElement(key);
    if (child === null || typeof child !== 'object' || Array.isArray(child)) throw new FieldsV1Error(`expected an object at ${key}`);
    const entries = Object.keys(child);
    if (entries.length === 0 || entries.includes('.')) into.members.add(element);
    if (entries.some((k) => k !== '.')) readFields(child, into.childFor(element));
  }
}

/** A FieldsV1 key in the one spelling this module uses (keys of `k:` sorted, JSON without spaces). */
function canonicalElement(key: string): PathElement {
  const prefix = key.slice(0, 2);
  const rest = key.slice(2);
  try {
    switch (prefix) {
      case 'f:':
        return key;
      case 'k:': {
        const fields = JSON.parse(rest) as unknown;
        if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) break;
        return keyElement(fields as Record<string, unknown>, Object.keys(fields));
      }
      case 'v:':
        return 'v:' + JSON.stringify(JSON.parse(rest));
      case 'i:':
        if (/^\d+$/.test(rest)) return key;
        break;
    }
  } catch {
    // falls through to the error below
  }
  throw new FieldsV1Error(`unexpected path element ${JSON.stringify(key)}`);
}

/** A list-map item's path element: its key fields, sorted by name. */
export function keyElement(item: Record<string, unknown>, keys: readonly string[]): PathElement {
  const fields: Record<string, unknown> = {};
  for (const name of [...keys].sort()) if (item[name] !== undefined) fields[name] = item[name];
  return 'k:' + JSON.stringify(fields);
}

const ORDER: Record<string, number> = { 'f:': 0, 'k:': 1, 'v:': 2, 'i:': 3 };

/** PathElement.Compare: fields, then keys, then values, then indexes; keys by their number of fields, then field by field. */
export function compareElements(a: PathElement, b: PathElement): number {
  if (a.charCodeAt(0) === 102 && b.charCodeAt(0) === 102) return a < b ? -1 : a > b ? 1 : 0; // both f:
  const byType = (ORDER[a.slice(0, 2)] ?? 9) - (ORDER[b.slice(0, 2)] ?? 9);
  if (byType !== 0) return byType;
  if (a.startsWith('k:')) return compareKeys(JSON.parse(a.slice(2)) as Record<string, unknown>, JSON.parse(b.slice(2)) as Record<string, unknown>);
  if (a.startsWith('i:')) return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeys(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return ka.length - kb.length;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
    const va = a[ka[i]!];
    const vb = b[kb[i]!];
    if (typeof va === 'number' && typeof vb === 'number' && va !== vb) return va - vb;
    const sa = JSON.stringify(va);
    const sb = JSON.stringify(vb);
    if (sa !== sb) return sa < sb ? -1 : 1;
  }
  return 0;
}

/** A path as upstream prints it in conflicts: `.spec.containers[name="nginx"].image`. */
export function pathText(path: FieldPath): string {
  return path
    .map((element) => {
      const rest = element.slice(2);
      switch (element.slice(0, 2)) {
        case 'f:':
          return `.${rest}`;
        case 'k:': {
          const fields = JSON.parse(rest) as Record<string, unknown>;
          return `[${Object.entries(fields)
            .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
            .join(',')}]`;
        }
        case 'v:':
          return `[=${rest}]`;
        default:
          return `[${rest}]`;
      }
    })
    .join('');
}
