// A SchemaNode over OpenAPI JSON: the compact vendored spec (v2, `$ref`s to definitions) and CRDs'
// openAPIV3Schema (inline, no refs). Nodes are built on first access and `$ref`s resolved only when a
// walk reaches them, so loading costs one JSON parse and walking costs only what is visited.
import type { SchemaConstraints, SchemaNode, SchemaType } from './node';

/** The JSON of one schema, as in the vendored file or a CRD: only the keys read below matter. */
export type RawSchema = { readonly [key: string]: unknown };

/** Finds a definition by name; the vendored spec's `$ref`s are bare definition names. */
export type DefinitionResolver = (name: string) => SchemaNode | undefined;

const EMPTY: readonly string[] = Object.freeze([]);
const TYPES = new Set<string>(['object', 'array', 'string', 'integer', 'number', 'boolean']);

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export class OpenAPINode implements SchemaNode, SchemaConstraints {
  readonly definition?: string;
  readonly type?: SchemaType;
  readonly format?: string;
  readonly description?: string;
  readonly enum?: readonly (string | number)[];
  readonly required?: readonly string[];
  readonly default?: unknown;
  readonly intOrString?: boolean;
  readonly preserveUnknownFields?: boolean;
  readonly embeddedResource?: boolean;
  readonly patchStrategy?: string;
  readonly patchMergeKey?: string;
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly listMapKeys?: readonly string[];
  readonly mapType?: 'atomic' | 'granular';
  readonly nullable?: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: boolean;
  readonly exclusiveMaximum?: boolean;
  readonly multipleOf?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly minProperties?: number;
  readonly maxProperties?: number;
  readonly validations?: SchemaConstraints['validations'];
  readonly groupVersionKinds?: SchemaConstraints['groupVersionKinds'];

  private readonly raw: RawSchema;
  private readonly resolve: DefinitionResolver;
  private children?: Map<string, SchemaNode | undefined>;
  private itemsNode?: SchemaNode | null;
  private valuesNode?: SchemaNode | null;
  private names?: readonly string[];

  /**
   * `raw` is the schema itself (never a bare `$ref`: see `nodeFor`); `definition` names it when it is
   * a definition of the spec.
   */
  constructor(raw: RawSchema, resolve: DefinitionResolver, definition?: string) {
    this.raw = raw;
    this.resolve = resolve;
    if (definition !== undefined) this.definition = definition;
    const r = raw;
    // Only present keys become own properties, so `'x' in node` and spreading stay meaningful.
    const set = <K extends keyof this>(key: K, value: this[K] | undefined) => {
      if (value !== undefined) (this as Record<K, unknown>)[key] = value;
    };
    const type = str(r['type']);
    set('type', type && TYPES.has(type) ? (type as SchemaType) : undefined);
    set('format', str(r['format']));
    set('description', str(r['description']));
    set('enum', Array.isArray(r['enum']) ? (r['enum'] as (string | number)[]) : undefined);
    set('required', Array.isArray(r['required']) ? (r['required'] as string[]) : undefined);
    if ('default' in r) set('default', r['default']);
    set('intOrString', bool(r['x-kubernetes-int-or-string']));
    set('preserveUnknownFields', bool(r['x-kubernetes-preserve-unknown-fields']));
    set('embeddedResource', bool(r['x-kubernetes-embedded-resource']));
    set('patchStrategy', str(r['x-kubernetes-patch-strategy']));
    set('patchMergeKey', str(r['x-kubernetes-patch-merge-key']));
    set('listType', str(r['x-kubernetes-list-type']) as SchemaNode['listType']);
    set('listMapKeys', Array.isArray(r['x-kubernetes-list-map-keys']) ? (r['x-kubernetes-list-map-keys'] as string[]) : undefined);
    set('mapType', str(r['x-kubernetes-map-type']) as SchemaNode['mapType']);
    set('nullable', bool(r['nullable']));
    set('minimum', num(r['minimum']));
    set('maximum', num(r['maximum']));
    set('exclusiveMinimum', bool(r['exclusiveMinimum']));
    set('exclusiveMaximum', bool(r['exclusiveMaximum']));
    set('multipleOf', num(r['multipleOf']));
    set('minLength', num(r['minLength']));
    set('maxLength', num(r['maxLength']));
    set('pattern', str(r['pattern']));
    set('minItems', num(r['minItems']));
    set('maxItems', num(r['maxItems']));
    set('uniqueItems', bool(r['uniqueItems']));
    set('minProperties', num(r['minProperties']));
    set('maxProperties', num(r['maxProperties']));
    set('validations', Array.isArray(r['x-kubernetes-validations']) ? (r['x-kubernetes-validations'] as SchemaConstraints['validations']) : undefined);
    set('groupVersionKinds', Array.isArray(r['x-kubernetes-group-version-kind']) ? (r['x-kubernetes-group-version-kind'] as SchemaConstraints['groupVersionKinds']) : undefined);
  }

  propertyNames(): readonly string[] {
    if (!this.names) {
      const props = this.raw['properties'];
      this.names = props && typeof props === 'object' ? Object.keys(props) : EMPTY;
    }
    return this.names;
  }

  property(name: string): SchemaNode | undefined {
    const cached = this.children?.get(name);
    if (cached !== undefined || this.children?.has(name)) return cached;
    const props = this.raw['properties'] as Record<string, RawSchema> | undefined;
    const raw = props && Object.prototype.hasOwnProperty.call(props, name) ? props[name] : undefined;
    const node = raw ? nodeFor(raw, this.resolve) : undefined;
    (this.children ??= new Map()).set(name, node);
    return node;
  }

  additionalProperties(): SchemaNode | undefined {
    if (this.valuesNode === undefined) {
      const ap = this.raw['additionalProperties'];
      // `additionalProperties: true` (CRDs) means values of any shape.
      this.valuesNode = ap === true ? ANY_NODE : ap && typeof ap === 'object' ? nodeFor(ap as RawSchema, this.resolve) : null;
    }
    return this.valuesNode ?? undefined;
  }

  items(): SchemaNode | undefined {
    if (this.itemsNode === undefined) {
      const it = this.raw['items'];
      this.itemsNode = it && typeof it === 'object' && !Array.isArray(it) ? nodeFor(it as RawSchema, this.resolve) : null;
    }
    return this.itemsNode ?? undefined;
  }
}

/**
 * A property that refers to a definition: the definition's schema, seen with the property's own
 * description (and default) — "Standard object's metadata" rather than ObjectMeta's general text.
 */
class RefNode implements SchemaNode {
  private target?: SchemaNode | null;
  constructor(
    private readonly ref: string,
    private readonly resolve: DefinitionResolver,
    private readonly own: RawSchema,
  ) {}
  private get t(): SchemaNode | undefined {
    if (this.target === undefined) this.target = this.resolve(this.ref) ?? null;
    return this.target ?? undefined;
  }
  get definition() { return this.ref; }
  get type() { return this.t?.type; }
  get format() { return this.t?.format; }
  get description() { return str(this.own['description']) ?? this.t?.description; }
  get enum() { return this.t?.enum; }
  get required() { return this.t?.required; }
  get default() { return 'default' in this.own ? this.own['default'] : this.t?.default; }
  get intOrString() { return this.t?.intOrString; }
  get preserveUnknownFields() { return this.t?.preserveUnknownFields; }
  get embeddedResource() { return this.t?.embeddedResource; }
  // Patch and list semantics belong to the field (they sit beside the `$ref` in the spec).
  get patchStrategy() { return str(this.own['x-kubernetes-patch-strategy']) ?? this.t?.patchStrategy; }
  get patchMergeKey() { return str(this.own['x-kubernetes-patch-merge-key']) ?? this.t?.patchMergeKey; }
  get listType() { return (str(this.own['x-kubernetes-list-type']) as SchemaNode['listType']) ?? this.t?.listType; }
  get listMapKeys() { return (this.own['x-kubernetes-list-map-keys'] as string[] | undefined) ?? this.t?.listMapKeys; }
  get mapType() { return (str(this.own['x-kubernetes-map-type']) as SchemaNode['mapType']) ?? this.t?.mapType; }
  propertyNames() { return this.t?.propertyNames() ?? EMPTY; }
  property(name: string) { return this.t?.property(name); }
  additionalProperties() { return this.t?.additionalProperties(); }
  items() { return this.t?.items(); }
}

/** The node for a schema that may be a `$ref` to a definition. */
export function nodeFor(raw: RawSchema, resolve: DefinitionResolver): SchemaNode {
  const ref = raw['$ref'];
  if (typeof ref === 'string') return new RefNode(ref.startsWith('#/definitions/') ? ref.slice(14) : ref, resolve, raw);
  return new OpenAPINode(raw, resolve);
}

const noDefinitions: DefinitionResolver = () => undefined;

/** Accepts any value: `additionalProperties: true`, `x-kubernetes-preserve-unknown-fields` with no type. */
export const ANY_NODE: SchemaNode = new OpenAPINode({ 'x-kubernetes-preserve-unknown-fields': true }, noDefinitions);

/**
 * A node that is `base` with some properties replaced or added; custom resources use it to validate
 * `metadata` as ObjectMeta whatever their openAPIV3Schema says of it, as the API server does.
 */
export function withProperties(base: SchemaNode, overrides: Readonly<Record<string, SchemaNode>>): SchemaNode {
  const names = [...new Set([...base.propertyNames(), ...Object.keys(overrides)])];
  const node: SchemaNode = Object.create(base);
  return Object.assign(node, {
    propertyNames: () => names,
    property: (name: string) => (Object.prototype.hasOwnProperty.call(overrides, name) ? overrides[name] : base.property(name)),
  });
}
