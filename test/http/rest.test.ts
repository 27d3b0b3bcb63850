// The REST API at the HTTP level: authentication, errors as metav1.Status with the right codes,
// limits, content negotiation, watch streams and their cleanup, discovery and OpenAPI documents,
// and a seeded fuzz of hostile requests after which the server still answers.
import * as assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import * as https from 'node:https';
import { Random } from '../../engine/util/random';
import { serveCluster, type ServedCluster } from './fixture';

interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): any;
}

interface RequestOptions {
  token?: string | null;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

function request(cluster: ServedCluster, method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const url = new URL(cluster.started.url);
  const token = options.token === undefined ? cluster.started.token : options.token;
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        ca: Buffer.from(cluster.started.caData, 'base64'),
        headers: {
          ...(token !== null ? { Authorization: `Bearer ${token}` } : {}),
          // Node sends a DELETE's body without a length unless told: say it, as client-go does.
          ...(options.body !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(options.body)) } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', (err) => reject(new Error(`${method} ${path}: ${err.message}`)));
    req.end(options.body);
  });
}

/** Asserts a metav1.Status failure with this code and reason. */
function assertStatus(res: Response, code: number, reason: string): any {
  assert.equal(res.status, code, res.text);
  const status = res.json();
  assert.equal(status.kind, 'Status');
  assert.equal(status.apiVersion, 'v1');
  assert.equal(status.status, 'Failure');
  assert.equal(status.code, code);
  assert.equal(status.reason, reason);
  return status;
}

describe('REST API over HTTPS', function () {
  this.timeout(30_000);
  let cluster: ServedCluster;
  const internalErrors: unknown[] = [];
  const configmap = (name: string, data: Record<string, string> = {}) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

  before(async () => {
    cluster = await serveCluster(internalErrors);
  });
  after(async () => {
    await cluster?.close();
  });

  describe('authentication', () => {
    it('answers 401 Unauthorized as a Status without a token, and with a token it does not know', async () => {
      assertStatus(await request(cluster, 'GET', '/api/v1/namespaces', { token: null }), 401, 'Unauthorized');
      assertStatus(await request(cluster, 'GET', '/api/v1/namespaces', { token: 'f'.repeat(64) }), 401, 'Unauthorized');
      assertStatus(await request(cluster, 'GET', '/healthz', { token: 'wrong-token-wrong-token' }), 401, 'Unauthorized');
    });

    it('lets anyone read /version and the health checks, as kube-apiserver\'s default policy does', async () => {
      const version = await request(cluster, 'GET', '/version', { token: null });
      assert.equal(version.status, 200);
      assert.equal(version.json().gitVersion, 'v1.36.0-kubeside');
      for (const path of ['/healthz', '/livez', '/readyz']) {
        const res = await request(cluster, 'GET', path, { token: null });
        assert.equal(res.status, 200);
        assert.equal(res.text, 'ok');
      }
    });

    it('lists the health checks with ?verbose, answers one by its path, and 404 for an unknown one', async () => {
      const verbose = await request(cluster, 'GET', '/readyz?verbose', { token: null });
      assert.equal(verbose.status, 200);
      assert.equal(verbose.text, '[+]ping ok\n[+]etcd ok\nreadyz check passed\n');
      assert.equal((await request(cluster, 'GET', '/livez/etcd', { token: null })).text, 'ok');
      assert.equal((await request(cluster, 'GET', '/healthz/nope', { token: null })).status, 404);
      const server = cluster.started.apiServer;
      const list = server.list;
      server.list = () => {
        throw new Error('store closed');
      };
      try {
        const failing = await request(cluster, 'GET', '/readyz', { token: null });
        assert.equal(failing.status, 500);
        assert.equal(failing.text, '[+]ping ok\n[-]etcd failed: reason withheld\nreadyz check failed\n');
      } finally {
        server.list = list;
      }
    });

    it('refuses to impersonate for a user who may not', async () => {
      const res = await request(cluster, 'GET', '/api/v1/namespaces', { headers: { 'Impersonate-User': 'jane' } });
      assert.equal(res.status, 403);
      const denied = await request(cluster, 'GET', '/api/v1/namespaces/default/configmaps', { headers: { 'Impersonate-User': 'jane' } });
      assert.match(denied.json().message, /User "jane" cannot list resource "configmaps"/);
    });
  });

  describe('errors', () => {
    it('answers 404 NotFound as a Status for unknown paths, groups and resources', async () => {
      for (const path of ['/nope', '/apis/example.com/v1', '/apis/example.com/v1/widgets', '/api/v2/pods', '/api/v1/widgets', '/openapi/v3/apis/example.com/v1']) {
        const status = assertStatus(await request(cluster, 'GET', path), 404, 'NotFound');
        assert.equal(status.message, 'the server could not find the requested resource', path);
      }
      const missing = assertStatus(await request(cluster, 'GET', '/api/v1/namespaces/default/configmaps/nothing'), 404, 'NotFound');
      assert.equal(missing.message, 'configmaps "nothing" not found');
    });

    it('answers 400 BadRequest for a malformed JSON body, 415 for a media type it cannot read', async () => {
      const bad = assertStatus(await request(cluster, 'POST', '/api/v1/namespaces/default/configmaps', { body: '{"apiVersion": "v1", kind' }), 400, 'BadRequest');
      assert.match(bad.message, /^couldn't get version\/kind; json parse error: /);
      assertStatus(await request(cluster, 'POST', '/api/v1/namespaces/default/configmaps', { body: 'hello', headers: { 'Content-Type': 'text/plain' } }), 415, 'UnsupportedMediaType');
      assertStatus(await request(cluster, 'PATCH', '/api/v1/namespaces/default/configmaps/x', { body: '{}', headers: { 'Content-Type': 'application/json' } }), 415, 'UnsupportedMediaType');
      // A malformed escape in a proxy path is the client's mistake too.
      assertStatus(await request(cluster, 'GET', '/api/v1/namespaces/default/services/%zz/proxy/'), 400, 'BadRequest');
    });

    it('answers 413 for a body over 3 MiB, and keeps serving', async () => {
      const big = configmap('big', { blob: 'x'.repeat(3 * 1024 * 1024) });
      assertStatus(await request(cluster, 'POST', '/api/v1/namespaces/default/configmaps', { body: big }), 413, 'RequestEntityTooLarge');
      assert.equal((await request(cluster, 'GET', '/api/v1/namespaces/default/configmaps')).status, 200);
    });

    it('passes the API server\'s 422 Invalid through with its causes', async () => {
      const body = JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: -1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } } });
      const status = assertStatus(await request(cluster, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body }), 422, 'Invalid');
      assert.equal(status.message, 'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
      assert.deepEqual(status.details.causes, [{ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' }]);
    });

    it('answers 500 InternalError as a Status when handling throws, reports it, and keeps serving', async () => {
      const server = cluster.started.apiServer;
      const list = server.list;
      server.list = () => {
        throw new Error('disk on fire');
      };
      try {
        const status = assertStatus(await request(cluster, 'GET', '/api/v1/namespaces'), 500, 'InternalError');
        assert.equal(status.message, 'Internal error occurred: disk on fire');
      } finally {
        server.list = list;
      }
      assert.equal((internalErrors.pop() as Error).message, 'disk on fire');
      assert.equal((await request(cluster, 'GET', '/api/v1/namespaces')).status, 200);
    });

    it('sends warnings as Warning: 299 headers (fieldValidation=Warn)', async () => {
      const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'warned' }, data: {}, colour: 'blue' });
      const res = await request(cluster, 'POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Warn', { body });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.headers.warning, '299 - "unknown field \\"colour\\""');
    });
  });

  describe('resources', () => {
    it('creates, reads, lists with a label selector, and deletes in the URL layout of the API', async () => {
      const created = await request(cluster, 'POST', '/api/v1/namespaces/default/configmaps?fieldManager=test', { body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'labelled', labels: { tier: 'a' } } }) });
      assert.equal(created.status, 201);
      assert.equal(created.json().metadata.managedFields[0].manager, 'test');
      const list = (await request(cluster, 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=tier%3Da')).json();
      assert.equal(list.kind, 'ConfigMapList');
      assert.deepEqual(list.items.map((i: any) => i.metadata.name), ['labelled']);
      const dryRun = await request(cluster, 'DELETE', '/api/v1/namespaces/default/configmaps/labelled?dryRun=All');
      assert.equal(dryRun.status, 200);
      assert.equal((await request(cluster, 'GET', '/api/v1/namespaces/default/configmaps/labelled')).status, 200);
      const deleted = await request(cluster, 'DELETE', '/api/v1/namespaces/default/configmaps/labelled', { body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' }) });
      assert.equal(deleted.json().status, 'Success');
      assert.equal((await request(cluster, 'GET', '/api/v1/namespaces/default/configmaps/labelled')).status, 404);
    });

    it('accepts YAML bodies and server-side apply patches in YAML', async () => {
      const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: "1"\n';
      assert.equal((await request(cluster, 'POST', '/api/v1/namespaces/default/configmaps', { body: yaml, headers: { 'Content-Type': 'application/yaml' } })).status, 201);
      const apply = (name: string, value: string, query = '') =>
        request(cluster, 'PATCH', `/api/v1/namespaces/default/configmaps/${name}?fieldManager=yaml-applier${query}`, { body: yaml.replace('from-yaml', name).replace('"1"', `"${value}"`), headers: { 'Content-Type': 'application/apply-patch+yaml' } });
      // Applying a new value to a field another manager set is a conflict, unless forced.
      assertStatus(await apply('from-yaml', '2'), 409, 'Conflict');
      const forced = await apply('from-yaml', '2', '&force=true');
      assert.equal(forced.status, 200, forced.text);
      assert.equal(forced.json().data.a, '2');
      // Applying a missing object creates it.
      const created = await apply('applied', '3');
      assert.equal(created.status, 201, created.text);
      assert.equal(created.json().metadata.managedFields[0].operation, 'Apply');
    });

    it('renders a Table with the printer columns when asked for one, and PartialObjectMetadata', async () => {
      const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
      const table = await request(cluster, 'GET', '/api/v1/namespaces', { headers: { Accept: accept } });
      assert.match(String(table.headers['content-type']), /as=Table/);
      const t = table.json();
      assert.equal(t.kind, 'Table');
      assert.deepEqual(t.columnDefinitions.map((c: any) => c.name), ['Name', 'Status', 'Age']);
      const row = t.rows.find((r: any) => r.cells[0] === 'kube-system');
      assert.equal(row.cells[1], 'Active');
      assert.equal(row.object.kind, 'PartialObjectMetadata');
      const bare = (await request(cluster, 'GET', '/api/v1/namespaces/default?includeObject=None', { headers: { Accept: accept } })).json();
      assert.equal(bare.rows.length, 1);
      assert.equal(bare.rows[0].object, undefined);
      const partial = (await request(cluster, 'GET', '/api/v1/namespaces', { headers: { Accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' } })).json();
      assert.equal(partial.kind, 'PartialObjectMetadataList');
      assert.ok(partial.items.every((i: any) => i.kind === 'PartialObjectMetadata' && !('spec' in i)));
    });

    it('answers a SelfSubjectAccessReview from the authorizer', async () => {
      const review = (verb: string, resource: string) => JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { verb, resource, namespace: 'default' } } });
      const admin = await request(cluster, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body: review('delete', 'secrets') });
      assert.equal(admin.status, 201);
      assert.equal(admin.json().status.allowed, true);
      const jane = await request(cluster, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body: review('delete', 'secrets'), headers: { 'Impersonate-User': 'jane' } }).catch((e) => e);
      // Impersonation itself is the admin's right; jane has no role, so she may not delete secrets.
      assert.equal(jane.json().status.allowed, false);
    });

    it('issues service account tokens (serviceaccounts/token) and reviews them (TokenReview) for those allowed to ask', async () => {
      const minted = await request(cluster, 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['api', 'vault'] } }) });
      assert.equal(minted.status, 201);
      const token: string = minted.json().status.token;
      const reviewOf = (t: string, audiences?: string[], headers: Record<string, string> = {}) =>
        request(cluster, 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: t, ...(audiences ? { audiences } : {}) } }), headers }).catch((e) => e);
      const ok = (await reviewOf(token, ['vault'])).json().status;
      assert.equal(ok.authenticated, true);
      assert.equal(ok.user.username, 'system:serviceaccount:default:default');
      assert.deepEqual(ok.audiences, ['vault']);
      // Not for the API server's audience, not a token at all: not authenticated, with the reason.
      assert.deepEqual((await reviewOf(token)).json().status, { user: {}, error: '[invalid bearer token, token audiences do not match]' });
      assert.equal((await reviewOf('not.a.token')).json().status.authenticated, undefined);
      // Reviewing tokens is system:auth-delegator's right, not every user's.
      assert.equal((await reviewOf(token, ['vault'], { 'Impersonate-User': 'jane' })).status, 403);
      // Issuer discovery: anyone holding the published key can check the token's signature.
      const oidc = (await request(cluster, 'GET', '/.well-known/openid-configuration')).json();
      assert.equal(oidc.issuer, 'https://kubernetes.default.svc.cluster.local');
      assert.deepEqual(oidc.id_token_signing_alg_values_supported, ['ES256']);
      assert.equal(new URL(oidc.jwks_uri).pathname, '/openid/v1/jwks');
      const jwks = (await request(cluster, 'GET', '/openid/v1/jwks')).json();
      const [h, p, sig] = token.split('.') as [string, string, string];
      assert.equal(jwks.keys[0].kid, JSON.parse(Buffer.from(h, 'base64url').toString()).kid);
      const key = createPublicKey({ key: jwks.keys[0], format: 'jwk' });
      assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url')));
      assert.equal((await request(cluster, 'GET', '/openid/v1/jwks', { headers: { 'Impersonate-User': 'jane' } }).catch((e) => e)).status, 403);
      // Discovery lists the subresource and the review, as kube-apiserver's does.
      const core = (await request(cluster, 'GET', '/api/v1')).json();
      assert.deepEqual(core.resources.find((r: any) => r.name === 'serviceaccounts/token'), { name: 'serviceaccounts/token', singularName: '', namespaced: true, group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] });
      const authn = (await request(cluster, 'GET', '/apis/authentication.k8s.io/v1')).json();
      assert.ok(authn.resources.some((r: any) => r.name === 'tokenreviews' && r.kind === 'TokenReview'));
    });
  });

  describe('watch', () => {
    /** Opens a watch and collects its events until `until` is true; the request is then aborted. */
    function watchUntil(path: string, until: (events: any[]) => boolean, afterOpen: () => Promise<void>, headers: Record<string, string> = {}): Promise<any[]> {
      const url = new URL(cluster.started.url);
      return new Promise((resolve, reject) => {
        const events: any[] = [];
        const req = https.get({ host: url.hostname, port: url.port, path, ca: Buffer.from(cluster.started.caData, 'base64'), headers: { Authorization: `Bearer ${cluster.started.token}`, ...headers } }, (res) => {
          assert.equal(res.statusCode, 200);
          let buffered = '';
          res.on('data', (chunk: Buffer) => {
            buffered += chunk.toString();
            let nl: number;
            while ((nl = buffered.indexOf('\n')) >= 0) {
              events.push(JSON.parse(buffered.slice(0, nl)));
              buffered = buffered.slice(nl + 1);
            }
            if (until(events)) {
              req.destroy();
              resolve(events);
            }
          });
          res.on('error', () => {});
          afterOpen().catch(reject);
        });
        req.on('error', () => {});
      });
    }

    it('streams ADDED for what exists, then each change, as newline-delimited JSON events', async () => {
      await request(cluster, 'POST', '/api/v1/namespaces/default/configmaps', { body: configmap('watched', { v: '1' }) });
      const events = await watchUntil(
        '/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Dwatched',
        (e) => e.length >= 3,
        async () => {
          await request(cluster, 'PATCH', '/api/v1/namespaces/default/configmaps/watched', { body: '{"data":{"v":"2"}}', headers: { 'Content-Type': 'application/merge-patch+json' } });
          await request(cluster, 'DELETE', '/api/v1/namespaces/default/configmaps/watched');
        },
      );
      assert.deepEqual(events.map((e) => `${e.type} ${e.object.data?.v}`), ['ADDED 1', 'MODIFIED 2', 'DELETED 2']);
    });

    it('serves the old /watch/ prefix, and a Table per event when asked', async () => {
      const events = await watchUntil('/api/v1/watch/namespaces', (e) => e.length >= 1, async () => {});
      assert.equal(events[0].type, 'ADDED');
      assert.equal(events[0].object.kind, 'Namespace');
      // As kubectl get --watch asks: each event a one-row Table, column definitions only in the first.
      const tables = await watchUntil('/api/v1/namespaces?watch=true', (e) => e.length >= 2, async () => {}, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
      assert.deepEqual(tables.map((e) => [e.type, e.object.kind, e.object.rows.length, !!e.object.columnDefinitions]), [['ADDED', 'Table', 1, true], ['ADDED', 'Table', 1, false]]);
    });

    it('stops the API server watch when the client goes away', async () => {
      const before = cluster.started.openWatches();
      await watchUntil('/api/v1/namespaces?watch=1', (e) => e.length >= 1, async () => {});
      for (let i = 0; i < 50 && cluster.started.openWatches() > before; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(cluster.started.openWatches(), before);
    });

    it('drops a watcher that stops reading once its backlog passes 16 MiB', async function () {
      this.timeout(60_000);
      const url = new URL(cluster.started.url);
      const before = cluster.started.openWatches();
      await request(cluster, 'POST', '/api/v1/namespaces', { body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flood' } }) });
      let closed = false;
      let response: import('node:http').IncomingMessage | undefined;
      const req = https.get({ host: url.hostname, port: url.port, path: '/api/v1/namespaces/flood/configmaps?watch=true', ca: Buffer.from(cluster.started.caData, 'base64'), headers: { Authorization: `Bearer ${cluster.started.token}` } }, (res) => {
        response = res;
        res.pause(); // a client that never reads
        res.on('close', () => (closed = true));
        res.on('error', () => (closed = true));
      });
      req.on('error', () => (closed = true));
      while (cluster.started.openWatches() === before) await new Promise((r) => setTimeout(r, 10));
      const blob = 'x'.repeat(512 * 1024);
      for (let i = 0; i < 80 && cluster.started.openWatches() > before; i++) {
        await cluster.started.client.create({ group: '', version: 'v1', resource: 'configmaps' }, 'flood', { metadata: { name: `big-${i}` }, data: { blob } });
      }
      assert.equal(cluster.started.openWatches(), before, 'the slow watcher was dropped');
      // Reading again, the client drains what reached it, then finds its connection closed.
      response!.resume();
      for (let i = 0; i < 500 && !closed; i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(closed, 'its connection was closed');
      req.destroy();
    });
  });

  describe('discovery and OpenAPI', () => {
    it('serves aggregated discovery when the Accept header asks for it, and the legacy documents otherwise', async () => {
      const aggregated = await request(cluster, 'GET', '/apis', { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' } });
      assert.equal(aggregated.headers['content-type'], 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
      const apps = aggregated.json().items.find((g: any) => g.metadata.name === 'apps');
      const deployments = apps.versions[0].resources.find((r: any) => r.resource === 'deployments');
      assert.deepEqual(deployments.shortNames, ['deploy']);
      assert.deepEqual(deployments.subresources.map((s: any) => s.subresource).sort(), ['scale', 'status']);
      const legacy = (await request(cluster, 'GET', '/apis')).json();
      assert.equal(legacy.kind, 'APIGroupList');
      const list = (await request(cluster, 'GET', '/api/v1')).json();
      assert.equal(list.kind, 'APIResourceList');
      assert.deepEqual(list.resources.find((r: any) => r.name === 'pods').shortNames, ['po']);
      assert.deepEqual(list.resources.find((r: any) => r.name === 'pods/eviction'), { name: 'pods/eviction', singularName: '', namespaced: true, group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] });
    });

    it('publishes OpenAPI v3 per group version with references under components.schemas', async () => {
      const root = (await request(cluster, 'GET', '/openapi/v3')).json();
      const url: string = root.paths['apis/apps/v1'].serverRelativeURL;
      assert.match(url, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]+$/);
      const doc = (await request(cluster, 'GET', url)).json();
      const spec = doc.components.schemas['io.k8s.api.apps.v1.DeploymentSpec'];
      assert.deepEqual(spec.properties.strategy.allOf, [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' }]);
      assert.ok(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'], 'schemas reached through references are included');
      const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
      assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
      assert.ok(patch.parameters.some((p: any) => p.name === 'fieldValidation'), 'kubectl reads this to leave validation to the server');
      const v2 = (await request(cluster, 'GET', '/openapi/v2')).json();
      assert.equal(v2.definitions['io.k8s.api.apps.v1.DeploymentSpec'].properties.strategy.$ref, '#/definitions/io.k8s.api.apps.v1.DeploymentStrategy');
      assert.deepEqual(v2.definitions['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].type, 'string');
    });
  });

  describe('hostile input', () => {
    it('answers every request of a seeded fuzz with JSON (a Status on failure), and stays up', async function () {
      this.timeout(60_000);
      const random = new Random(20261123);
      const pick = <T>(xs: readonly T[]): T => xs[random.int(xs.length)]!;
      const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
      const segments = ['api', 'apis', 'v1', 'apps', 'namespaces', 'default', 'pods', 'configmaps', 'deployments', 'status', 'scale', 'watch', '%00', '..', '%zz', 'x'.repeat(300), '', encodeURIComponent('🙂')];
      const contentTypes = ['application/json', 'application/yaml', 'application/merge-patch+json', 'application/json-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml', 'application/vnd.kubernetes.protobuf', 'text/plain'];
      const bodies = [
        () => '',
        () => '{',
        () => 'null',
        () => '[1,2,3]',
        () => '"just a string"',
        () => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `fuzz-${random.suffix()}` }, data: { a: 'b' } }),
        () => JSON.stringify({ metadata: { name: 42 }, spec: { replicas: 'many' } }),
        () => 'a: &x [*x, *x]\nb: *x',
        () => '{"a":'.repeat(2000) + '1' + '}'.repeat(2000),
        () => Buffer.from(Array.from({ length: 64 }, () => random.int(256))).toString('latin1'),
        () => 'k8s\u0000\u000a\u0005\u0012\u0003abc',
      ];
      for (let i = 0; i < 300; i++) {
        const method = pick(methods);
        // Half the paths start as real ones do, so the fuzz reaches the resource handlers too.
        const prefix = pick(['', '', '', 'api/v1/', 'api/v1/namespaces/default/', 'apis/apps/v1/namespaces/default/']);
        const path = '/' + prefix + Array.from({ length: 1 + random.int(4) }, () => pick(segments)).join('/') + (random.int(3) === 0 ? `?watch=${pick(['true', '0'])}&timeoutSeconds=1&limit=${pick(['2', '-1', 'x'])}&labelSelector=${pick(['a%3Db', '%21%21', 'a+in+(b'])}` : '');
        const body = method === 'GET' || method === 'HEAD' ? undefined : pick(bodies)();
        const res = await request(cluster, method, path, { ...(body !== undefined ? { body } : {}), headers: { 'Content-Type': pick(contentTypes) } });
        assert.ok(res.status >= 200 && res.status < 600, `${method} ${path}: ${res.status}`);
        assert.notEqual(res.status, 500, `${method} ${path} → 500: ${res.text}`);
        if (method !== 'HEAD' && res.status >= 400) {
          const status = JSON.parse(res.text);
          assert.equal(status.kind, 'Status', `${method} ${path}: ${res.text}`);
          assert.equal(status.code, res.status);
        }
      }
      assert.equal((await request(cluster, 'GET', '/readyz')).text, 'ok');
      assert.deepEqual(internalErrors, [], 'no request of the fuzz was the server\'s own failure');
    });
  });
});
