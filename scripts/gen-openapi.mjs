// `npm run gen:openapi [path/to/swagger.json]`: compiles the official Kubernetes OpenAPI v2 spec
// into the compact form the engine loads (engine/api/openapi/kubernetes.json). The output is
// committed, so builds and the product never need the upstream file; rerun this on a new release.
//
// What the compact form keeps, and why it differs from the upstream file:
// - every definition, with `$ref`s shortened to the bare definition name, and all the fields that
//   schema-driven features read (types, formats, required, enums, defaults, descriptions, the
//   x-kubernetes-* extensions for patch strategies, list/map types, group/version/kind, CEL rules);
// - IntOrString and Quantity, which the v2 spec can only describe as `type: string`, made explicit
//   (both also accept JSON numbers), and objects without declared fields marked as accepting any field;
// - defaults of associative-list keys (ports' protocol) recovered from their descriptions, as v3 has them;
// - enums recovered from descriptions: the v2 spec carries almost no `enum`, and Kubernetes documents
//   the allowed values in prose ("One of Always, Never, IfNotPresent.", or the generated
//   "Possible enum values: - `"Always"` …"), which is also where `kubectl explain` shows them from;
// - the path table reduced to one entry per resource: plural, namespaced or not, verbs as discovery
//   names them, and subresources.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

// Usage: gen-openapi.mjs [SWAGGER_JSON] [--out DIR]; the defaults are the 1.36 spec beside the
// repository and engine/api/openapi.
const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const outFlag = args.indexOf('--out');
const outDir = outFlag >= 0 ? path.resolve(args.splice(outFlag, 2)[1]) : path.join(root, 'engine', 'api', 'openapi');
const input = path.resolve(root, args[0] ?? '../shared/openapi/kubernetes-1.36-swagger.json');
const spec = JSON.parse(readFileSync(input, 'utf8'));

const REF = '#/definitions/';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

// ---- definitions ----

const refName = (ref) => (ref.startsWith(REF) ? ref.slice(REF.length) : ref);

/** Every definition a schema refers to, directly or through properties, items and maps. */
function refsOf(schema, out = new Set()) {
  if (!schema || typeof schema !== 'object') return out;
  if (schema.$ref) out.add(refName(schema.$ref));
  for (const p of Object.values(schema.properties ?? {})) refsOf(p, out);
  if (schema.items) refsOf(schema.items, out);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') refsOf(schema.additionalProperties, out);
  return out;
}

const isKind = (name) => Boolean(spec.definitions[name]?.['x-kubernetes-group-version-kind']);

/** Definitions reachable from `starts`, never entering a kind's `status` (PodList → Pod stops there). */
function reach(starts) {
  const seen = new Set();
  const queue = [...starts];
  while (queue.length) {
    const name = queue.pop();
    if (seen.has(name) || !spec.definitions[name]) continue;
    seen.add(name);
    const d = spec.definitions[name];
    const userSide = isKind(name) ? { ...d, properties: Object.fromEntries(Object.entries(d.properties ?? {}).filter(([p]) => p !== 'status')) } : d;
    for (const r of refsOf(userSide)) queue.push(r);
  }
  return seen;
}

// Status types are written by controllers, and their prose lists describe rather than constrain
// (NodeAddress.type lists three of its five values), so enums are recovered only for definitions a
// user writes: those reachable from a kind without going through a kind's `status`.
const kindDefinitions = Object.entries(spec.definitions).filter(([, d]) => d['x-kubernetes-group-version-kind']);
const specSide = reach(kindDefinitions.map(([name]) => name));
const statusSide = new Set();
for (const [, d] of kindDefinitions) if (d.properties?.status) for (const r of refsOf(d.properties.status)) statusSide.add(r);
for (const r of reach(statusSide)) statusSide.add(r);
const statusOnly = (name) => statusSide.has(name) && !specSide.has(name);

const IDENT = /^["'`]?([A-Za-z][A-Za-z0-9_-]*)["'`]?$/;
// The phrasings Kubernetes' API docs use to list allowed values; the list must be identifiers only.
const LIST_INTRO = /(?:^|[.:]\s+)(?:One of|one of|Valid values are|Valid options are|Allowed values are|Supported values|Supports|Must be one of|must be one of|Must be|Can be):?\s+([^.]*?)\.(?:\s|$)/;

/** Allowed values a description states, or undefined when it states none unambiguously. */
function enumFromDescription(description) {
  if (!description) return undefined;
  const marker = description.indexOf('Possible enum values:');
  if (marker >= 0) {
    const values = [...description.slice(marker).matchAll(/^\s*-\s*`"([^"]*)"`/gm)].map((m) => m[1]);
    if (values.length) return values;
  }
  const m = LIST_INTRO.exec(description);
  if (!m) return undefined;
  const items = m[1].split(/\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+/).filter(Boolean);
  if (items.length < 2) return undefined;
  const values = [];
  for (const item of items) {
    const v = IDENT.exec(item);
    if (!v) return undefined;
    values.push(v[1]);
  }
  return values;
}

let recoveredEnums = 0;

function compact(schema, owner) {
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref') out.$ref = refName(value);
    else if (key === 'properties') {
      out.properties = {};
      for (const [name, p] of Object.entries(value)) out.properties[name] = compact(p, owner);
    } else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) out[key] = compact(value, owner);
    else if (key === 'x-kubernetes-unions') continue; // superseded by +union validation; unused here
    else out[key] = value;
  }
  if (out.type === 'string' && !out.enum && !out.format && owner && !statusOnly(owner)) {
    const values = enumFromDescription(out.description);
    if (values) {
      // Sorted, as Kubernetes' validation lists supported values (sets.List) in its messages.
      out.enum = [...values].sort();
      recoveredEnums++;
    }
  }
  return out;
}

const definitions = {};
for (const name of Object.keys(spec.definitions).sort()) {
  const d = compact(spec.definitions[name], name);
  if (name === INT_OR_STRING) {
    delete d.type;
    d['x-kubernetes-int-or-string'] = true;
  } else if (name === QUANTITY) {
    // A quantity is written as a string ("500m", "1Gi") or a bare number (`cpu: 1`).
    delete d.type;
    d.format = 'quantity';
  } else if (d.type === 'object' && !d.properties && !d.additionalProperties) {
    // RawExtension, FieldsV1, Patch and friends: the schema says nothing about their fields.
    d['x-kubernetes-preserve-unknown-fields'] = true;
  }
  definitions[name] = d;
}

// Keys of associative lists that have a default ("protocol" of ports: TCP) must carry it, or an item
// written without the key could not be matched with the stored, defaulted one (server-side apply
// would see two different items). The v2 spec states these defaults only in prose, as
// `Defaults to "TCP".` or `Default is TCP.`; upstream's v3 spec carries them as `default`, which is what this restores.
let recoveredKeyDefaults = 0;
const DEFAULT_TEXT = /(?:Defaults to|Default is) "?([A-Za-z0-9]+)"?\./;
function visitLists(schema) {
  if (!schema || typeof schema !== 'object') return;
  for (const p of Object.values(schema.properties ?? {})) visitLists(p);
  if (schema.items) visitLists(schema.items);
  const keys = schema['x-kubernetes-list-map-keys'];
  const item = schema.items?.$ref && definitions[schema.items.$ref];
  if (!keys || !item) return;
  for (const k of keys) {
    const field = item.properties?.[k];
    const m = field && field.default === undefined && DEFAULT_TEXT.exec(field.description ?? '');
    if (m) {
      field.default = m[1];
      recoveredKeyDefaults++;
    }
  }
}
for (const d of Object.values(definitions)) visitLists(d);

// ---- resources, from the path table ----

const actionVerb = { get: 'get', list: 'list', watch: 'watch', watchlist: 'watch', post: 'create', put: 'update', patch: 'patch', delete: 'delete', deletecollection: 'deletecollection' };
const resources = new Map(); // "group/version/plural" → entry

for (const [p, item] of Object.entries(spec.paths)) {
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))\/(.+)$/.exec(p);
  if (!m) continue;
  const group = m[2] ?? '';
  const version = m[1] ?? m[3];
  let segs = m[4].split('/');
  if (segs[0] === 'watch') segs = segs.slice(1);
  let namespaced = false;
  if (segs[0] === 'namespaces' && segs[1] === '{namespace}' && segs.length >= 3) {
    namespaced = true;
    segs = segs.slice(2);
  }
  const [plural, name, subresource] = segs;
  if (!plural || plural.startsWith('{') || (name !== undefined && name !== '{name}')) continue;
  const key = `${group}/${version}/${plural}`;
  let r = resources.get(key);
  if (!r) resources.set(key, (r = { group, version, kind: '', plural, namespaced: false, verbs: new Set(), subresources: new Set() }));
  if (namespaced) r.namespaced = true;
  if (subresource) {
    r.subresources.add(subresource);
    continue;
  }
  for (const op of Object.values(item)) {
    const action = op && op['x-kubernetes-action'];
    if (!action) continue;
    if (actionVerb[action]) r.verbs.add(actionVerb[action]);
    const gvk = op['x-kubernetes-group-version-kind'];
    if (gvk && !r.kind && gvk.group === group && gvk.version === version) r.kind = gvk.kind;
  }
}

const resourceList = [...resources.values()]
  .filter((r) => r.kind)
  .sort((a, b) => `${a.group}/${a.version}/${a.plural}`.localeCompare(`${b.group}/${b.version}/${b.plural}`))
  .map((r) => ({ group: r.group, version: r.version, kind: r.kind, plural: r.plural, namespaced: r.namespaced, verbs: [...r.verbs].sort(), subresources: [...r.subresources].sort() }));

// ---- output: one definition or resource per line, so a new release diffs readably ----

// The upstream file says only "unversioned"; the release is in its published name (kubernetes-1.36-swagger.json).
const release = /(\d+\.\d+(?:\.\d+)?)/.exec(path.basename(input))?.[1];
const info = { title: spec.info?.title, version: release ? `v${release}` : spec.info?.version, definitions: Object.keys(definitions).length, paths: Object.keys(spec.paths).length };
// Each definition is stored as a JSON string, parsed only when first used: loading the file then
// costs one scan of mostly string data, and a language server touching fifty definitions parses
// fifty. The kinds index sits beside them so finding a kind's definition needs no definition parsed.
const kinds = [];
const seenKinds = new Set();
for (const [name, d] of kindDefinitions) {
  for (const { group, version, kind } of d['x-kubernetes-group-version-kind']) {
    const key = `${group}/${version}/${kind}`;
    // DeleteOptions, WatchEvent and friends declare themselves in every group version: first one wins.
    if (seenKinds.has(key)) continue;
    seenKinds.add(key);
    kinds.push({ group, version, kind, definition: name });
  }
}
kinds.sort((a, b) => `${a.group}/${a.version}/${a.kind}`.localeCompare(`${b.group}/${b.version}/${b.kind}`));

const lines = [
  '{',
  `"info": ${JSON.stringify(info)},`,
  '"kinds": [',
  kinds.map((k) => JSON.stringify(k)).join(',\n'),
  '],',
  '"resources": [',
  resourceList.map((r) => JSON.stringify(r)).join(',\n'),
  '],',
  '"definitions": {',
  Object.entries(definitions).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(JSON.stringify(v))}`).join(',\n'),
  '}',
  '}',
];
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'kubernetes.json'), lines.join('\n') + '\n');


console.log(`${info.definitions} definitions, ${kinds.length} kinds, ${resourceList.length} resources, ${recoveredEnums} enums and ${recoveredKeyDefaults} list-key defaults recovered from descriptions → ${path.relative(root, path.join(outDir, 'kubernetes.json'))}`);
