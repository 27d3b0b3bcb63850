// The schemas of every built-in kind, from the vendored official OpenAPI spec (engine/api/openapi),
// and of custom resources, from their CRDs' openAPIV3Schema. Loaded once, on first use; each
// definition becomes a SchemaNode only when first asked for.
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

interface CompactSpec {
  readonly info: { readonly title?: string; readonly version?: string };
  readonly definitions: Readonly<Record<string, RawSchema>>;
  readonly resources: readonly OpenAPIResource[];
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
  private byKind?: Map<string, string>;
  private gvks?: GroupVersionKind[];
  private readonly resolve = (name: string) => this.definition(name);

  constructor(private readonly spec: CompactSpec) {
    this.version = spec.info.version ?? 'unknown';
  }

  definition(name: string): SchemaNode | undefined {
    let node = this.nodes.get(name);
    if (!node) {
      const raw = Object.prototype.hasOwnProperty.call(this.spec.definitions, name) ? this.spec.definitions[name] : undefined;
      if (!raw) return undefined;
      node = new OpenAPINode(raw, this.resolve, name);
      this.nodes.set(name, node);
    }
    return node;
  }

  definitionName(group: string, version: string, kind: string): string | undefined {
    this.indexKinds();
    return this.byKind!.get(gvkKey(group, version, kind));
  }

  forKind(group: string, version: string, kind: string): SchemaNode | undefined {
    const name = this.definitionName(group, version, kind);
    return name === undefined ? undefined : this.definition(name);
  }

  definitionNames(): readonly string[] {
    return Object.keys(this.spec.definitions);
  }

  kinds(): readonly GroupVersionKind[] {
    this.indexKinds();
    return this.gvks!;
  }

  resources(): readonly OpenAPIResource[] {
    return this.spec.resources;
  }

  rawDefinition(name: string): RawSchema | undefined {
    return Object.prototype.hasOwnProperty.call(this.spec.definitions, name) ? this.spec.definitions[name] : undefined;
  }

  /** The kind index is one pass over the definitions' x-kubernetes-group-version-kind. */
  private indexKinds(): void {
    if (this.byKind) return;
    this.byKind = new Map();
    this.gvks = [];
    for (const [name, raw] of Object.entries(this.spec.definitions)) {
      const list = raw['x-kubernetes-group-version-kind'] as GroupVersionKind[] | undefined;
      if (!list) continue;
      for (const gvk of list) {
        const key = gvkKey(gvk.group, gvk.version, gvk.kind);
        // DeleteOptions, WatchEvent and friends declare every group's version; the first is enough.
        if (this.byKind.has(key)) continue;
        this.byKind.set(key, name);
        this.gvks.push({ group: gvk.group, version: gvk.version, kind: gvk.kind });
      }
    }
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
  const meta = openapi().definition('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  const string = new OpenAPINode({ type: 'string' }, () => undefined);
  return withProperties(crdSchema, { apiVersion: crdSchema.property('apiVersion') ?? string, kind: crdSchema.property('kind') ?? string, metadata: meta ?? ANY_NODE });
}
