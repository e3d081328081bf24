// Reads the declaration files of the `kubernetes-types` package: one file per
// API group version (`apps/v1.d.ts`), generated from upstream's swagger.json,
// with every definition's and every field's upstream description as a doc
// comment. This module turns their regular shape back into data: interfaces
// with fields, type aliases, and the few type expressions the generator writes.
// No npm package ships upstream's OpenAPI documents for a recent release (see
// apiserver/README.md), so this is where the schemas come from.

/** A field's type, as the generator writes it. */
export type TypeExpression =
  | { readonly kind: 'string' | 'number' | 'boolean' | 'int-or-string' }
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'array'; readonly items: TypeExpression }
  | { readonly kind: 'map'; readonly values: TypeExpression }
  | { readonly kind: 'reference'; readonly name: string };

export interface FieldDeclaration {
  readonly name: string;
  readonly description: string;
  readonly type: TypeExpression;
  readonly optional: boolean;
}

export interface Declaration {
  readonly name: string;
  readonly description: string;
  /** An interface's fields; undefined for a type alias. */
  readonly fields?: readonly FieldDeclaration[];
  /** A type alias's target (Time = string). */
  readonly alias?: TypeExpression;
  /** A union alias (JSONSchemaPropsOrBool = JSONSchemaProps | boolean): any of its types, so it names none. */
  readonly union?: true;
}

export interface DeclarationFile {
  /** Imported names and the module path they come from ("../meta/v1"). */
  readonly imports: ReadonlyMap<string, string>;
  readonly declarations: ReadonlyMap<string, Declaration>;
}

const IMPORT = /^import \{([^}]*)\} from "([^"]+)";$/;
const INTERFACE = /^export interface (\w+) \{\s*(\})?$/;
const ALIAS = /^export type (\w+) = (.+);$/;
const FIELD = /^\s+(?:readonly )?([\w$]+)(\??): (.+);$/;

/** Parses one kubernetes-types .d.ts file. Throws on a line it cannot place, so a new generator shape is noticed. */
export function parseDeclarations(text: string): DeclarationFile {
  const imports = new Map<string, string>();
  const declarations = new Map<string, Declaration>();
  const lines = text.split('\n');
  let doc = '';
  let current: { name: string; description: string; fields: FieldDeclaration[] } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('/**')) {
      const start = i;
      while (!lines[i]!.trim().endsWith('*/')) i++;
      doc = docText(lines.slice(start, i + 1));
      continue;
    }
    const imported = IMPORT.exec(line);
    if (imported) {
      for (const name of imported[1]!.split(',')) imports.set(name.trim(), imported[2]!);
      continue;
    }
    if (current) {
      if (trimmed === '}') {
        declarations.set(current.name, { name: current.name, description: current.description, fields: current.fields });
        current = undefined;
        continue;
      }
      // A map's type spans lines: `labels?: {` ... `};`
      let joined = line;
      while (joined.endsWith('{') || (joined.split('{').length > joined.split('}').length)) joined += ' ' + lines[++i]!.trim();
      const field = FIELD.exec(joined);
      if (!field) throw new Error(`kubernetes-types: unexpected line in ${current.name}: ${line}`);
      current.fields.push({ name: field[1]!, optional: field[2] === '?', type: parseType(field[3]!), description: doc });
      doc = '';
      continue;
    }
    const opened = INTERFACE.exec(line);
    if (opened) {
      if (opened[2]) declarations.set(opened[1]!, { name: opened[1]!, description: doc, fields: [] });
      else current = { name: opened[1]!, description: doc, fields: [] };
      doc = '';
      continue;
    }
    const alias = ALIAS.exec(line);
    if (alias) {
      // Unions of schemas (JSONSchemaPropsOrBool) are kept by name alone: their JSON is any of their types.
      if (alias[2]!.includes('|')) declarations.set(alias[1]!, { name: alias[1]!, description: doc, union: true });
      else declarations.set(alias[1]!, { name: alias[1]!, description: doc, alias: parseType(alias[2]!) });
      doc = '';
      continue;
    }
    throw new Error(`kubernetes-types: unexpected line: ${line}`);
  }
  return { imports, declarations };
}

/** A doc comment's text, one upstream line a line: `/** a *\/` or ` * a` lines. */
function docText(lines: string[]): string {
  if (lines.length === 1) return lines[0]!.trim().replace(/^\/\*\*\s?/, '').replace(/\s?\*\/$/, '');
  return lines
    .slice(1, -1)
    .map((l) => l.replace(/^\s*\* ?/, '').replace(/^\s*\*$/, ''))
    .join('\n');
}

export function parseType(source: string): TypeExpression {
  const text = source.trim();
  if (text === 'string' || text === 'number' || text === 'boolean') return { kind: text };
  // upstream's IntOrString (k8s.io/apimachinery/pkg/util/intstr), which the generator inlines.
  if (text === 'number | string') return { kind: 'int-or-string' };
  if (text.startsWith('"')) return { kind: 'literal', value: JSON.parse(text) as string };
  if (text.startsWith('Array<') && text.endsWith('>')) return { kind: 'array', items: parseType(text.slice(6, -1)) };
  const map = /^\{\s*\[\w+: string\]: (.+?);?\s*\}$/.exec(text);
  if (map) return { kind: 'map', values: parseType(map[1]!) };
  if (/^\w+$/.test(text)) return { kind: 'reference', name: text };
  throw new Error(`kubernetes-types: unexpected type: ${text}`);
}
