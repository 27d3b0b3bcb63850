// Scenarios for scripts/gen-openapi.mjs: what it keeps, converts and recovers from a swagger spec,
// shown on a small spec written for the purpose, and that the vendored output is current.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../../../..');
const script = path.join(root, 'scripts/gen-openapi.mjs');

const gvk = (group: string, version: string, kind: string) => ({ 'x-kubernetes-group-version-kind': [{ group, version, kind }] });
const op = (action: string, kind: string) => ({ 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': { group: 'example.io', version: 'v1', kind } });

const swagger = {
  swagger: '2.0',
  info: { title: 'Kubernetes', version: 'unversioned' },
  paths: {
    '/apis/example.io/v1/namespaces/{namespace}/widgets': { get: op('list', 'Widget'), post: op('post', 'Widget') },
    '/apis/example.io/v1/namespaces/{namespace}/widgets/{name}': { get: op('get', 'Widget'), patch: op('patch', 'Widget'), delete: op('delete', 'Widget') },
    '/apis/example.io/v1/namespaces/{namespace}/widgets/{name}/status': { get: op('get', 'Widget') },
    '/apis/example.io/v1/namespaces/{namespace}/widgets/{name}/scale': { get: { 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': { group: 'autoscaling', version: 'v1', kind: 'Scale' } } },
    '/apis/example.io/v1/watch/namespaces/{namespace}/widgets': { get: op('watchlist', 'Widget') },
    '/apis/example.io/v1/widgets': { get: op('list', 'Widget') },
  },
  definitions: {
    'io.example.v1.Widget': {
      type: 'object',
      ...gvk('example.io', 'v1', 'Widget'),
      properties: { spec: { $ref: '#/definitions/io.example.v1.WidgetSpec', description: 'The widget.' }, status: { $ref: '#/definitions/io.example.v1.WidgetStatus' } },
    },
    'io.example.v1.WidgetSpec': {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'integer', format: 'int32' },
        mode: { type: 'string', description: 'How it turns.\n\nPossible enum values:\n - `"Fast"` turns fast\n - `"Slow"` turns slow' },
        policy: { type: 'string', description: 'When to pull. One of Never, Always, IfNotPresent. Defaults to Always.' },
        address: { type: 'string', description: 'Valid values are "None", empty string (""), or a valid IP address.' },
        port: { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' },
        memory: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' },
        extension: { type: 'object', description: 'Anything.' },
        items: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set', 'x-kubernetes-unions': [{}] },
      },
    },
    'io.example.v1.WidgetStatus': { type: 'object', properties: { phase: { type: 'string', description: 'One of Up, Down.' } } },
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: 'string', format: 'int-or-string' },
    'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
  },
};

describe('gen-openapi', () => {
  let dir: string;
  let out: any;
  let definitions: Record<string, any>;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kubeside-gen-openapi-'));
    const input = path.join(dir, 'kubernetes-9.9-swagger.json');
    writeFileSync(input, JSON.stringify(swagger));
    execFileSync(process.execPath, [script, input, '--out', dir], { stdio: 'pipe' });
    out = JSON.parse(readFileSync(path.join(dir, 'kubernetes.json'), 'utf8'));
    definitions = Object.fromEntries(Object.entries(out.definitions as Record<string, string>).map(([k, v]) => [k, JSON.parse(v)]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the release from the published file name', () => assert.equal(out.info.version, 'v9.9'));

  it('indexes kinds by definition', () => assert.deepEqual(out.kinds, [{ group: 'example.io', version: 'v1', kind: 'Widget', definition: 'io.example.v1.Widget' }]));

  it('reduces the paths to one resource with discovery verbs and subresources', () => {
    assert.deepEqual(out.resources, [
      { group: 'example.io', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true, verbs: ['create', 'delete', 'get', 'list', 'patch', 'watch'], subresources: ['scale', 'status'] },
    ]);
  });

  it('shortens refs and keeps the field description beside them', () => {
    assert.deepEqual(definitions['io.example.v1.Widget'].properties.spec, { $ref: 'io.example.v1.WidgetSpec', description: 'The widget.' });
  });

  it('recovers enums from generated and prose lists, sorted, and from nothing vaguer', () => {
    const props = definitions['io.example.v1.WidgetSpec'].properties;
    assert.deepEqual(props.mode.enum, ['Fast', 'Slow']);
    assert.deepEqual(props.policy.enum, ['Always', 'IfNotPresent', 'Never']);
    assert.equal(props.address.enum, undefined);
    assert.equal(definitions['io.example.v1.WidgetStatus'].properties.phase.enum, undefined, 'status types are described, not constrained');
  });

  it('makes int-or-string and quantities explicit, and open objects open', () => {
    assert.deepEqual(definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], { format: 'int-or-string', 'x-kubernetes-int-or-string': true });
    assert.deepEqual(definitions['io.k8s.apimachinery.pkg.api.resource.Quantity'], { format: 'quantity' });
    assert.equal(definitions['io.example.v1.WidgetSpec'].properties.extension['x-kubernetes-preserve-unknown-fields'], undefined, 'inline objects stay as written');
    assert.equal(definitions['io.example.v1.WidgetSpec'].properties.items['x-kubernetes-unions'], undefined);
    assert.equal(definitions['io.example.v1.WidgetSpec'].properties.items['x-kubernetes-list-type'], 'set');
  });

  const upstream = path.resolve(root, '../shared/openapi/kubernetes-1.36-swagger.json');
  (existsSync(upstream) ? it : it.skip)('reproduces the vendored file exactly from the upstream spec', () => {
    execFileSync(process.execPath, [script, upstream, '--out', dir], { stdio: 'pipe' });
    assert.equal(readFileSync(path.join(dir, 'kubernetes.json'), 'utf8'), readFileSync(path.join(root, 'engine/api/openapi/kubernetes.json'), 'utf8'));
  });
});
