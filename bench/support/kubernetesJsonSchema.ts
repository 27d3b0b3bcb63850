// The JSON schema yaml-language-server's users get for Kubernetes by default online, rebuilt offline
// from the vendored spec, so the peer benchmark can give the peer exactly that schema without the
// network. yaml-language-server maps the `kubernetes` schema association to the
// yannh/kubernetes-json-schema "<version>-standalone-strict/all.json", which openapi2jsonschema
// writes from the upstream swagger.json with `--kubernetes --stand-alone --strict`:
//
// - all.json: `{ "oneOf": [{ "$ref": "_definitions.json#/definitions/<name>" }, …] }`, one entry for
//   every definition of the spec (not only the kinds: Container, ObjectMeta… are alternatives too);
// - _definitions.json: `{ "definitions": … }`, the spec's definitions with `#/definitions/` refs, where
//   IntOrString is `oneOf` string|integer and Quantity `oneOf` string|number, every definition with a
//   group/version/kind has `kind` constrained to an `enum` of its kinds (`apiVersion` keeps no enum:
//   the script's last run, without `--expanded`, writes the file), and every schema object that lists
//   `properties` is closed with `additionalProperties: false` ("strict").
//
// The vendored compact form adds a few things upstream's file does not have (engine/api/openapi/
// README.md); they are taken out again so the peer sees what its users see: the enums and defaults
// recovered from descriptions, the int-or-string and quantity markers, and the markers for objects
// without declared fields.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
export const vendoredSpec = path.join(root, 'engine', 'api', 'openapi', 'kubernetes.json');

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface CompactSpec {
  /** Each definition's schema as JSON text, `$ref`s holding the bare definition name. */
  readonly definitions: Readonly<Record<string, string>>;
}

interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface KubernetesJsonSchema {
  /** all.json: a `oneOf` over every definition. */
  readonly all: JsonObject;
  /** _definitions.json. */
  readonly definitions: JsonObject;
}

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys the compact form adds to upstream's field schemas (see the header). */
const compactOnly = new Set(['enum', 'default', 'x-kubernetes-int-or-string', 'x-kubernetes-preserve-unknown-fields']);

/**
 * A compact-form schema as upstream writes it: `#/definitions/` refs and none of the compact form's
 * additions. Walks the schema's structure (properties, items, additionalProperties), so a field that
 * happens to be named `enum` or `default` (JSONSchemaProps has both) is kept.
 */
function upstreamSchema(schema: Json): Json {
  if (!isObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (compactOnly.has(key)) continue;
    if (key === '$ref' && typeof value === 'string') out[key] = `#/definitions/${value}`;
    else if (key === 'properties' && isObject(value)) out[key] = Object.fromEntries(Object.entries(value).map(([name, field]) => [name, upstreamSchema(field)]));
    else if (key === 'items' || key === 'additionalProperties') out[key] = upstreamSchema(value);
    else out[key] = value;
  }
  return out;
}

/**
 * openapi2jsonschema's strict mode: every object met by walking object values (not arrays) that
 * has `properties` and no `additionalProperties` gets `additionalProperties: false`.
 */
function closeObjects(value: Json): void {
  if (!isObject(value)) return;
  for (const child of Object.values(value)) {
    if (isObject(child)) {
      if ('properties' in child && !('additionalProperties' in child)) child.additionalProperties = false;
      closeObjects(child);
    }
  }
}

export function kubernetesJsonSchema(spec: CompactSpec): KubernetesJsonSchema {
  const definitions: JsonObject = {};
  for (const [name, text] of Object.entries(spec.definitions)) definitions[name] = upstreamSchema(JSON.parse(text) as Json);
  // Both also accept a JSON number (most Kubernetes tooling takes `cpu: 1`), as the generator has it.
  definitions[INT_OR_STRING] = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  definitions[QUANTITY] = { oneOf: [{ type: 'string' }, { type: 'number' }] };
  for (const definition of Object.values(definitions)) {
    if (!isObject(definition) || !isObject(definition.properties)) continue;
    const kindField = definition.properties.kind;
    const gvks = definition['x-kubernetes-group-version-kind'] as unknown as GroupVersionKind[] | undefined;
    if (!gvks || !isObject(kindField)) continue;
    const kinds = Array.isArray(kindField.enum) ? kindField.enum : (kindField.enum = []);
    for (const { kind } of gvks) if (!kinds.includes(kind)) kinds.push(kind);
  }
  closeObjects(definitions);
  const all: JsonObject = { oneOf: Object.keys(spec.definitions).map((name) => ({ $ref: `_definitions.json#/definitions/${name}` })) };
  return { all, definitions: { definitions } };
}

/** Writes all.json and _definitions.json from the vendored spec into `dir`; returns all.json's path. */
export function writeKubernetesJsonSchema(dir: string, specPath = vendoredSpec): string {
  const { all, definitions } = kubernetesJsonSchema(JSON.parse(fs.readFileSync(specPath, 'utf8')) as CompactSpec);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '_definitions.json'), JSON.stringify(definitions, null, 2));
  const allPath = path.join(dir, 'all.json');
  fs.writeFileSync(allPath, JSON.stringify(all, null, 2));
  return allPath;
}
