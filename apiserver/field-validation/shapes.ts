// The shape of each served kind, compiled once from its OpenAPI definition
// (apiserver/openapi) into what the field walker needs: for an object, its
// declared fields; for the rest, the JSON types Go's decoder accepts and the
// Go type it names in its errors. Compiled at a kind's first write, then kept.
import { INT_OR_STRING, servedDefinitions, type Schema } from '../openapi/index.js';

export type Shape = ObjectShape | ListShape | MapShape | ScalarShape | { readonly kind: 'free' };

export interface ObjectShape {
  readonly kind: 'object';
  /** The Go struct's name, as the decoder's errors name it: PodSpec. */
  readonly struct: string;
  /** v1.PodSpec: the Go type of a field of this struct. */
  readonly goType: string;
  readonly fields: Map<string, Shape>;
}

export interface ListShape {
  readonly kind: 'list';
  readonly goType: string;
  readonly items: Shape;
}

export interface MapShape {
  readonly kind: 'map';
  readonly goType: string;
  readonly values: Shape;
}

export interface ScalarShape {
  readonly kind: 'string' | 'integer' | 'boolean' | 'int-or-string' | 'quantity';
  readonly goType: string;
}

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const REF = '#/definitions/';

/** Go's name of a definition's type: v1.PodSpec, resource.Quantity. */
function goTypeOf(definition: string): string {
  const parts = definition.split('.');
  return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
}

export class ShapeCompiler {
  private readonly byDefinition = new Map<string, Shape>();

  constructor(private readonly definitions: ReadonlyMap<string, Schema>) {}

  definition(name: string): Shape {
    const known = this.byDefinition.get(name);
    if (known) return known;
    if (name === INT_OR_STRING) return this.remember(name, { kind: 'int-or-string', goType: 'intstr.IntOrString' });
    if (name === QUANTITY) return this.remember(name, { kind: 'quantity', goType: 'resource.Quantity' });
    const schema = this.definitions.get(name);
    if (!schema) throw new Error(`field validation: no definition ${name}`);
    if (schema.type !== 'object' || !schema.properties) return this.remember(name, this.schema(schema));
    // An object without declared fields (RawExtension, FieldsV1) holds any JSON, as upstream's do.
    if (Object.keys(schema.properties).length === 0) return this.remember(name, { kind: 'free' });
    const fields = new Map<string, Shape>();
    const shape: ObjectShape = { kind: 'object', struct: name.slice(name.lastIndexOf('.') + 1), goType: goTypeOf(name), fields };
    this.remember(name, shape); // before its fields: a type may contain itself
    for (const [field, property] of Object.entries(schema.properties)) fields.set(field, this.schema(property));
    return shape;
  }

  private remember(name: string, shape: Shape): Shape {
    this.byDefinition.set(name, shape);
    return shape;
  }

  private schema(schema: Schema): Shape {
    if (schema.$ref) return this.definition(schema.$ref.slice(REF.length));
    switch (schema.type) {
      case 'array': {
        const items = this.schema(schema.items ?? {});
        return { kind: 'list', goType: `[]${goTypeOfShape(items)}`, items };
      }
      case 'object': {
        if (!schema.additionalProperties) return { kind: 'free' };
        const values = this.schema(schema.additionalProperties);
        return { kind: 'map', goType: `map[string]${goTypeOfShape(values)}`, values };
      }
      case 'string':
        return { kind: 'string', goType: 'string' };
      case 'boolean':
        return { kind: 'boolean', goType: 'bool' };
      case 'integer':
      case 'number':
        // The definitions carry no int32/int64 formats (apiserver/openapi/definitions.ts); most of upstream's are int32.
        return { kind: 'integer', goType: 'int32' };
      default:
        return { kind: 'free' };
    }
  }
}

function goTypeOfShape(shape: Shape): string {
  return shape.kind === 'free' ? 'interface {}' : shape.goType;
}

let compiler: ShapeCompiler | undefined;
const byKind = new Map<string, ObjectShape>();

/** The compiled shape of a served kind ("group/version/Kind"), built at its first use. */
export function shapeOfKind(gvk: string): ObjectShape | undefined {
  let shape = byKind.get(gvk);
  if (shape) return shape;
  const served = servedDefinitions();
  const definition = served.kinds.get(gvk);
  if (!definition) return undefined;
  compiler ??= new ShapeCompiler(served.definitions);
  shape = compiler.definition(definition) as ObjectShape;
  byKind.set(gvk, shape);
  return shape;
}
