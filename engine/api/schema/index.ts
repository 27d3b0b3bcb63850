// The schemas of every built-in kind, from the vendored official OpenAPI spec (engine/api/openapi),
// and of custom resources, from their CRDs' openAPIV3Schema. Loaded once, on first use; each
// definition is parsed and becomes a SchemaNode only when first asked for.
import type { SchemaNode } from './node';
import { nodeFor, OpenAPINode, withProperties, ANY_NODE, type RawSchema } from './openapi-node';

export type { SchemaNode, SchemaType, SchemaConstraints } from './node';
export { withProperties, ANY_NODE } from './openapi-node';

/** One REST resource of the spec's path table. */
export interface OpenAPIResource {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The resource name in URLs: `deployments`. */
  readonly plural: string;
  readonly namespaced: boolean;
  /** As discovery lists them: create, delete, deletecollection, get, list, patch, update, watch. */
  readonly verbs: readonly string[];
  /** `status`, `scale`, `log`, … */
  readonly subresources: readonly string[];
}

export interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** engine/api/openapi/kubernetes.json, as scripts/gen-openapi.mjs writes it. */
interface CompactSpec {
  readonly info: { readonly title?: string; readonly version?: string };
  readonly kinds: readonly (GroupVersionKind & { readonly definition: string })[];
  readonly resources: readonly OpenAPIResource[];
  /** Each definition's schema as JSON text, parsed on first use. */
  readonly definitions: Readonly<Record<string, string>>;
}

export interface OpenAPISchemas {
  /** The release the schemas come from, e.g. `v1.36.0`. */
  readonly version: string;
  /** The schema of a built-in kind, e.g. `forKind('apps', 'v1', 'Deployment')`; core is group `''`. */
  forKind(group: string, version: string, kind: string): SchemaNode | undefined;
  /** A definition by its spec name, e.g. `io.k8s.api.core.v1.Container`. */
  definition(name: string): SchemaNode | undefined;
  /** The name of the definition that is a kind's schema, e.g. `io.k8s.api.apps.v1.Deployment`. */
  definitionName(group: string, version: string, kind: string): string | undefined;
  /** Every definition name, sorted. */
  definitionNames(): readonly string[];
  /** Every group/version/kind the spec declares (`x-kubernetes-group-version-kind`). */
  kinds(): readonly GroupVersionKind[];
  /** The REST resources of the spec's path table. */
  resources(): readonly OpenAPIResource[];
  /** The raw compact JSON of a definition, for serving `/openapi/v2` and similar. */
  rawDefinition(name: string): RawSchema | undefined;
}

const gvkKey = (group: string, version: string, kind: string) => `${group}/${version}/${kind}`;

class VendoredSchemas implements OpenAPISchemas {
  readonly version: string;
  private readonly nodes = new Map<string, SchemaNode>();
  private readonly raws = new Map<string, RawSchema>();
  private readonly byKind = new Map<string, string>();
  private readonly gvks: GroupVersionKind[] = [];
  private readonly resolve = (name: string) => this.definition(name);

  constructor(private readonly spec: CompactSpec) {
    this.version = spec.info.version ?? 'unknown';
    for (const k of spec.kinds) {
      this.byKind.set(gvkKey(k.group, k.version, k.kind), k.definition);
      this.gvks.push({ group: k.group, version: k.version, kind: k.kind });
    }
  }

  definition(name: string): SchemaNode | undefined {
    let node = this.nodes.get(name);
    if (!node) {
      const raw = this.rawDefinition(name);
      if (!raw) return undefined;
      node = new OpenAPINode(raw, this.resolve, name);
      this.nodes.set(name, node);
    }
    return node;
  }

  definitionName(group: string, version: string, kind: string): string | undefined {
    return this.byKind.get(gvkKey(group, version, kind));
  }

  forKind(group: string, version: string, kind: string): SchemaNode | undefined {
    const name = this.definitionName(group, version, kind);
    return name === undefined ? undefined : this.definition(name);
  }

  definitionNames(): readonly string[] {
    return Object.keys(this.spec.definitions);
  }

  kinds(): readonly GroupVersionKind[] {
    return this.gvks;
  }

  resources(): readonly OpenAPIResource[] {
    return this.spec.resources;
  }

  rawDefinition(name: string): RawSchema | undefined {
    let raw = this.raws.get(name);
    if (!raw) {
      if (!Object.prototype.hasOwnProperty.call(this.spec.definitions, name)) return undefined;
      raw = JSON.parse(this.spec.definitions[name]!) as RawSchema;
      this.raws.set(name, raw);
    }
    return raw;
  }
}

let loaded: OpenAPISchemas | undefined;

/** The built-in schemas (memoised: the vendored JSON is parsed once per process). */
export function openapi(): OpenAPISchemas {
  // `require`, not `import`: the type checker need not read 1 MB of JSON, and bundlers inline it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= new VendoredSchemas(require('../openapi/kubernetes.json') as CompactSpec);
  return loaded;
}

/**
 * A CRD version's `schema.openAPIV3Schema` as a SchemaNode. Structural schemas have no `$ref`s
 * (apiextensions forbids them), so every node is inline.
 */
export function schemaFromOpenAPIV3(json: object): SchemaNode {
  return nodeFor(json as RawSchema, () => undefined);
}

/**
 * The schema a custom resource is validated against: its CRD's, except that `apiVersion`, `kind` and
 * `metadata` are always the API server's own (ObjectMeta), as apiextensions-apiserver does.
 */
export function customResourceSchema(crdSchema: SchemaNode): SchemaNode {
  let schema = customSchemas.get(crdSchema);
  if (!schema) {
    const meta = openapi().definition('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    const string = new OpenAPINode({ type: 'string' }, () => undefined);
    schema = withProperties(crdSchema, { apiVersion: crdSchema.property('apiVersion') ?? string, kind: crdSchema.property('kind') ?? string, metadata: meta ?? ANY_NODE });
    customSchemas.set(crdSchema, schema);
  }
  return schema;
}

const customSchemas = new WeakMap<SchemaNode, SchemaNode>();
