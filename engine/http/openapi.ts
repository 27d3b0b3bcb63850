// The OpenAPI documents kube-apiserver publishes, built from the vendored spec (engine/api/openapi):
// /openapi/v2 with every definition, and /openapi/v3 — a root listing one document per group
// version, each with that group version's paths and the schemas they reach under
// components.schemas. kubectl reads v3 for `explain`, for strategic merge patches, and to learn
// that the server validates fields itself (a PATCH operation declaring `fieldValidation`).
import { createHash } from 'node:crypto';
import { openapi } from '../api/schema/index';
import type { Discovery } from './discovery';
import { encodeOpenAPIV2 } from './openapiV2Proto';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One vendored schema as upstream publishes it: `$ref`s as JSON pointers and the two types the
 * compact form marks for the engine's own validator (int-or-string, quantity) as plain strings
 * with their formats, which is what the published spec says.
 */
function publish(raw: unknown, refPrefix: string, v3: boolean): unknown {
  if (Array.isArray(raw)) return raw.map((x) => publish(x, refPrefix, v3));
  if (!isObject(raw)) return raw;
  const out: Json = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === '$ref' || k === 'x-kubernetes-int-or-string') continue;
    if (k === 'properties' && isObject(v)) out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, publish(s, refPrefix, v3)]));
    else if (k === 'items' || k === 'additionalProperties' || k === 'allOf' || k === 'anyOf' || k === 'oneOf' || k === 'not') out[k] = publish(v, refPrefix, v3);
    else out[k] = v;
  }
  if (raw['x-kubernetes-int-or-string'] === true && out.type === undefined) Object.assign(out, { type: 'string', format: 'int-or-string' });
  if (out.format === 'quantity' && out.type === undefined) out.type = 'string';
  if (typeof raw.$ref === 'string') {
    const ref = refPrefix + raw.$ref;
    // OpenAPI 3.0 ignores siblings of $ref, so a described reference wraps it in allOf, as upstream does.
    if (!v3) return { $ref: ref, ...out };
    return Object.keys(out).length ? { allOf: [{ $ref: ref }], ...out } : { $ref: ref };
  }
  return out;
}

function refsOf(raw: unknown, into: Set<string>): void {
  if (Array.isArray(raw)) for (const x of raw) refsOf(x, into);
  else if (isObject(raw)) {
    for (const [k, v] of Object.entries(raw)) {
      if (k === '$ref' && typeof v === 'string') into.add(v);
      else refsOf(v, into);
    }
  }
}

const meta = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

interface Parameter {
  name: string;
  in: 'query' | 'path';
  description: string;
  required?: boolean;
  schema: Json;
}

const param = (name: string, description: string, type = 'string', where: 'query' | 'path' = 'query'): Parameter => ({
  name,
  in: where,
  description,
  ...(where === 'path' ? { required: true } : {}),
  schema: { type, uniqueItems: true },
});

const params = {
  dryRun: param('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed'),
  fieldManager: param('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  fieldValidation: param('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict'),
  force: param('force', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people.', 'boolean'),
  gracePeriodSeconds: param('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', 'integer'),
  propagationPolicy: param('propagationPolicy', "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'."),
  labelSelector: param('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  fieldSelector: param('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  limit: param('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  continue: param('continue', 'The continue option should be set when retrieving more results from the server.'),
  resourceVersion: param('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  resourceVersionMatch: param('resourceVersionMatch', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  watch: param('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
  allowWatchBookmarks: param('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
  sendInitialEvents: param('sendInitialEvents', 'sendInitialEvents=true may be set together with watch=true.', 'boolean'),
  timeoutSeconds: param('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  name: (kind: string) => param('name', `name of the ${kind}`, 'string', 'path'),
  namespace: param('namespace', 'object name and auth scope, such as for teams and projects', 'string', 'path'),
};

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const ok = (ref: string) => ({ '200': { description: 'OK', content: json(ref) }, '401': { description: 'Unauthorized' } });

/** Built documents, by content hash: the same for every server in the process, and across CRD changes. */
const built = new Map<string, string>();
const builtProto = new Map<string, Buffer>();

/** A custom kind's schema, from its CRD version's openAPIV3Schema. */
export interface CustomKindSchema {
  kind: string;
  schema: Json;
}

/** Upstream's definition name for a custom kind: the group reversed, `com.example.v1.Widget`. */
function customDefinitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

export class OpenAPIDocuments {
  /**
   * `customKinds` gives the CRD schemas of a group version, read when a document is asked for, so
   * a CRD's new schema is published at once.
   */
  constructor(
    private readonly discovery: Discovery,
    private readonly gitVersion: string,
    private readonly customKinds: (group: string, version: string) => CustomKindSchema[] = () => [],
  ) {}

  /** GET /openapi/v2: the whole vendored spec (definitions only: clients of v2 read the schemas). */
  documentV2(): string {
    const key = `v2|${openapi().version}|${this.gitVersion}`;
    let doc = built.get(key);
    if (!doc) {
      const spec = openapi();
      const definitions: Json = {};
      for (const name of spec.definitionNames()) definitions[name] = publish(spec.rawDefinition(name), '#/definitions/', false);
      doc = JSON.stringify({ swagger: '2.0', info: { title: 'Kubernetes', version: this.gitVersion }, paths: {}, definitions });
      built.set(key, doc);
    }
    return doc;
  }

  /** GET /openapi/v2 as protobuf: the same document as gnostic's openapi.v2.Document, built once. */
  documentV2Proto(): Buffer {
    const key = `v2pb|${openapi().version}|${this.gitVersion}`;
    let doc = builtProto.get(key);
    if (!doc) {
      doc = encodeOpenAPIV2(JSON.parse(this.documentV2()) as Json);
      builtProto.set(key, doc);
    }
    return doc;
  }

  /** Whether a group version has a document: one with a schema for some resource of it. */
  private published(group: string, version: string): boolean {
    return this.discovery.resources(group, version).some((r) => openapi().definitionName(group, version, r.kind) !== undefined) || this.customKinds(group, version).length > 0;
  }

  /** The path of a group version in the v3 root: `api/v1`, `apis/apps/v1`. */
  private static key(group: string, version: string): string {
    return group ? `apis/${group}/${version}` : `api/${version}`;
  }

  /** GET /openapi/v3 */
  root(): Json {
    const paths: Json = {};
    for (const [group, version] of this.discovery.groupVersions()) {
      if (!this.published(group, version)) continue;
      const key = OpenAPIDocuments.key(group, version);
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${this.hash(group, version)}` };
    }
    return { paths };
  }

  /**
   * A document's hash for cache-busting URLs. Each document is a pure function of the vendored
   * spec's release and the group version's resources, so hashing those identifies its content
   * without building every document to answer the root.
   */
  private hash(group: string, version: string): string {
    const resources = this.discovery.resources(group, version).map((r) => `${r.resource}:${r.verbs.join(',')}:${r.subresources.join(',')}`);
    const custom = JSON.stringify(this.customKinds(group, version));
    return createHash('sha512').update(`${openapi().version}|${this.gitVersion}|${group}/${version}|${resources.join(';')}|${custom}`).digest('hex').slice(0, 128).toUpperCase();
  }

  /** GET /openapi/v3/api/v1, /openapi/v3/apis/<group>/<version>; undefined for an unknown one. */
  documentV3(group: string, version: string): string | undefined {
    if (!this.discovery.has(group, version) || !this.published(group, version)) return undefined;
    const key = `v3|${this.hash(group, version)}`;
    let doc = built.get(key);
    if (!doc) {
      doc = JSON.stringify(this.buildV3(group, version));
      built.set(key, doc);
    }
    return doc;
  }

  private buildV3(group: string, version: string): Json {
    const spec = openapi();
    const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const paths: Json = {};
    const roots = new Set<string>([`${meta}DeleteOptions`, `${meta}Status`, `${meta}Patch`, `${meta}WatchEvent`]);
    // Custom kinds' schemas, shaped as apiextensions-apiserver publishes them.
    const custom = new Map<string, Json>();
    for (const c of this.customKinds(group, version)) {
      const name = customDefinitionName(group, version, c.kind);
      const properties = isObject(c.schema.properties) ? c.schema.properties : {};
      custom.set(name, {
        ...c.schema,
        type: 'object',
        properties: { ...properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: `#/components/schemas/${meta}ObjectMeta` } },
        'x-kubernetes-group-version-kind': [{ group, kind: c.kind, version }],
      });
      custom.set(`${name}List`, {
        type: 'object',
        required: ['items'],
        properties: { apiVersion: { type: 'string' }, items: { type: 'array', items: { $ref: `#/components/schemas/${name}` } }, kind: { type: 'string' }, metadata: { $ref: `#/components/schemas/${meta}ListMeta` } },
        'x-kubernetes-group-version-kind': [{ group, kind: `${c.kind}List`, version }],
      });
      roots.add(`${meta}ObjectMeta`).add(`${meta}ListMeta`);
    }
    const definitionName = (g: string, v: string, kind: string) => spec.definitionName(g, v, kind) ?? (custom.has(customDefinitionName(g, v, kind)) ? customDefinitionName(g, v, kind) : undefined);
    for (const r of this.discovery.resources(group, version)) {
      const definition = definitionName(group, version, r.kind);
      if (!definition) continue;
      const listDefinition = definitionName(group, version, `${r.kind}List`);
      roots.add(definition);
      if (listDefinition) roots.add(listDefinition);
      const gvk = { group, kind: r.kind, version };
      const scope = r.namespaced ? [params.namespace] : [];
      const collection = r.namespaced ? `${base}/namespaces/{namespace}/${r.resource}` : `${base}/${r.resource}`;
      const op = (action: string, verb: string, extra: Json, kind = gvk) => ({
        operationId: `${verb}${r.kind}`,
        tags: [OpenAPIDocuments.key(group, version).replace(/\//g, '_')],
        ...extra,
        'x-kubernetes-action': action,
        'x-kubernetes-group-version-kind': kind,
      });
      const write = [params.dryRun, params.fieldManager, params.fieldValidation];
      const collectionOps: Json = { parameters: scope };
      if (r.verbs.includes('list') && listDefinition) {
        collectionOps.get = op('list', 'list', {
          parameters: [params.labelSelector, params.fieldSelector, params.limit, params.continue, params.resourceVersion, params.resourceVersionMatch, params.watch, params.allowWatchBookmarks, params.sendInitialEvents, params.timeoutSeconds],
          responses: ok(listDefinition),
        });
      }
      if (r.verbs.includes('create')) collectionOps.post = op('post', 'create', { parameters: write, requestBody: { content: json(definition), required: true }, responses: { ...ok(definition), '201': { description: 'Created', content: json(definition) } } });
      if (r.verbs.includes('deletecollection')) collectionOps.delete = op('deletecollection', 'deletecollection', { parameters: [params.dryRun, params.gracePeriodSeconds, params.propagationPolicy, params.labelSelector, params.fieldSelector], responses: ok(`${meta}Status`) });
      paths[collection] = collectionOps;
      if (r.namespaced && r.verbs.includes('list') && listDefinition) paths[`${base}/${r.resource}`] = { get: op('list', 'list', { operationId: `list${r.kind}ForAllNamespaces`, responses: ok(listDefinition) }) };

      const item: Json = { parameters: [params.name(r.kind), ...scope] };
      if (r.verbs.includes('get')) item.get = op('get', 'read', { responses: ok(definition) });
      if (r.verbs.includes('update')) item.put = op('put', 'replace', { parameters: write, requestBody: { content: json(definition), required: true }, responses: ok(definition) });
      if (r.verbs.includes('patch')) item.patch = op('patch', 'patch', patchOperation(definition));
      if (r.verbs.includes('delete')) item.delete = op('delete', 'delete', { parameters: [params.dryRun, params.gracePeriodSeconds, params.propagationPolicy], requestBody: { content: json(`${meta}DeleteOptions`) }, responses: ok(`${meta}Status`) });
      if (Object.keys(item).length > 1) paths[`${collection}/{name}`] = item;

      for (const sub of r.subresources) {
        const subKind = sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : sub === 'binding' ? { group: '', version: 'v1', kind: 'Binding' } : sub === 'eviction' ? { group: 'policy', version: 'v1', kind: 'Eviction' } : gvk;
        const subDefinition = definitionName(subKind.group, subKind.version, subKind.kind);
        if (!subDefinition) continue;
        roots.add(subDefinition);
        const ops: Json = { parameters: [params.name(r.kind), ...scope] };
        const name = `${r.kind}${sub[0]!.toUpperCase()}${sub.slice(1)}`;
        if (sub === 'binding' || sub === 'eviction') {
          ops.post = { ...op('post', 'create', { parameters: write, requestBody: { content: json(subDefinition), required: true }, responses: ok(subDefinition) }, subKind), operationId: `create${name}` };
        } else {
          ops.get = { ...op('get', 'read', { responses: ok(subDefinition) }, subKind), operationId: `read${name}` };
          ops.put = { ...op('put', 'replace', { parameters: write, requestBody: { content: json(subDefinition), required: true }, responses: ok(subDefinition) }, subKind), operationId: `replace${name}` };
          ops.patch = { ...op('patch', 'patch', patchOperation(subDefinition), subKind), operationId: `patch${name}` };
        }
        paths[`${collection}/{name}/${sub}`] = ops;
      }
    }
    // Every schema the paths reach, and every schema those reach.
    const schemas: Json = {};
    const pending = [...roots];
    const seen = new Set<string>(pending);
    while (pending.length) {
      const name = pending.pop()!;
      if (custom.has(name)) {
        schemas[name] = custom.get(name);
        continue;
      }
      const raw = spec.rawDefinition(name);
      if (!raw) continue;
      schemas[name] = publish(raw, '#/components/schemas/', true);
      const refs = new Set<string>();
      refsOf(raw, refs);
      for (const r of refs) {
        if (seen.has(r)) continue;
        seen.add(r);
        pending.push(r);
      }
    }
    const sorted = Object.fromEntries(Object.keys(schemas).sort().map((k) => [k, schemas[k]]));
    return {
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: this.gitVersion },
      paths,
      components: { schemas: sorted, securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } } },
      security: [{ BearerToken: [] }],
    };
  }
}

function patchOperation(definition: string): Json {
  const patch = { schema: { $ref: `#/components/schemas/${meta}Patch` } };
  return {
    parameters: [params.dryRun, params.fieldManager, params.fieldValidation, params.force],
    requestBody: {
      content: { 'application/apply-patch+yaml': patch, 'application/json-patch+json': patch, 'application/merge-patch+json': patch, 'application/strategic-merge-patch+json': patch },
      required: true,
    },
    responses: ok(definition),
  };
}
