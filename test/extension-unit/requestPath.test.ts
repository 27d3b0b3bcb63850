// Where a simulated request goes: Ingress rules chosen by host and path as the Ingress API defines
// them, a Service's ready endpoints taken in turn, and the answer a client gets when there is none.
import assert from 'node:assert/strict';
import type { KubeObj } from '../../extension/backend/clusterBackend';
import { matchIngress, parseTarget, pathMatches, RequestRouter, type RoutingSource } from '../../extension/webviews/requestPath';

const backend = (service: string, port: string | number = 'http') => ({ service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } } });
const path = (p: string, pathType: string, service: string) => ({ path: p, pathType, backend: backend(service) });

function ingress(rules: KubeObj[], defaultBackend?: KubeObj): KubeObj {
  return { metadata: { namespace: 'shop', name: 'shop' }, spec: { rules, ...(defaultBackend ? { defaultBackend } : {}) } };
}

function service(name: string, spec: KubeObj = {}): KubeObj {
  return { metadata: { namespace: 'shop', name }, spec: { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec } };
}

function slice(serviceName: string, endpoints: { pod: string; ready?: boolean; ip: string }[]): KubeObj {
  return {
    metadata: { namespace: 'shop', name: `${serviceName}-abc`, labels: { 'kubernetes.io/service-name': serviceName } },
    ports: [{ name: 'http', port: 8080 }],
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: e.ready === undefined ? {} : { ready: e.ready }, targetRef: { kind: 'Pod', namespace: 'shop', name: e.pod } })),
  };
}

function router(objects: { ingresses?: KubeObj[]; services?: KubeObj[]; slices?: KubeObj[] }): RequestRouter {
  const source: RoutingSource = {
    ingress: (ns, name) => objects.ingresses?.find((o) => o.metadata.namespace === ns && o.metadata.name === name),
    service: (ns, name) => objects.services?.find((o) => o.metadata.namespace === ns && o.metadata.name === name),
    endpointSlices: (ns, name) => (objects.slices ?? []).filter((s) => s.metadata.namespace === ns && s.metadata.labels['kubernetes.io/service-name'] === name),
  };
  return new RequestRouter(source);
}

describe('Simulated request paths', () => {
  describe('Ingress path types', () => {
    it('matches Prefix element by element: /foo matches /foo/bar and /foo/, not /foobar', () => {
      assert.equal(pathMatches('Prefix', '/foo', '/foo/bar'), true);
      assert.equal(pathMatches('Prefix', '/foo/', '/foo'), true);
      assert.equal(pathMatches('Prefix', '/foo', '/foobar'), false);
      assert.equal(pathMatches('Prefix', '/', '/anything/at/all'), true);
    });

    it('matches Exact only on the whole path', () => {
      assert.equal(pathMatches('Exact', '/foo', '/foo'), true);
      assert.equal(pathMatches('Exact', '/foo', '/foo/'), false);
      assert.equal(pathMatches('Exact', '/foo', '/foo/bar'), false);
    });

    it('prefers the longest matching path, and Exact over Prefix at equal length', () => {
      const ing = ingress([{ host: 'shop.example.com', http: { paths: [path('/', 'Prefix', 'web'), path('/api', 'Prefix', 'api'), path('/api', 'Exact', 'api-exact'), path('/api/v2', 'Prefix', 'api-v2')] } }]);
      assert.equal(matchIngress(ing, 'shop.example.com', '/api/v2/orders')?.backend.service.name, 'api-v2');
      assert.equal(matchIngress(ing, 'shop.example.com', '/api')?.backend.service.name, 'api-exact');
      assert.equal(matchIngress(ing, 'shop.example.com', '/api/orders')?.backend.service.name, 'api');
      assert.equal(matchIngress(ing, 'shop.example.com', '/cart')?.matched, '/ (Prefix)');
    });

    it('chooses rules by host: its own first, then a one-label wildcard, then the host-less rules', () => {
      const ing = ingress([
        { host: 'shop.example.com', http: { paths: [path('/', 'Prefix', 'shop')] } },
        { host: '*.example.com', http: { paths: [path('/', 'Prefix', 'wildcard')] } },
        { http: { paths: [path('/', 'Prefix', 'fallback')] } },
      ]);
      assert.equal(matchIngress(ing, 'shop.example.com', '/')?.backend.service.name, 'shop');
      assert.equal(matchIngress(ing, 'blog.example.com', '/')?.backend.service.name, 'wildcard');
      assert.equal(matchIngress(ing, 'a.blog.example.com', '/')?.backend.service.name, 'fallback');
      assert.equal(matchIngress(ing, 'example.com', '/')?.backend.service.name, 'fallback');
    });

    it('falls back to the default backend, and has no match without one', () => {
      const rules = [{ host: 'shop.example.com', http: { paths: [path('/api', 'Prefix', 'api')] } }];
      assert.equal(matchIngress(ingress(rules, backend('default-web')), 'shop.example.com', '/cart')?.matched, 'default backend');
      assert.equal(matchIngress(ingress(rules), 'shop.example.com', '/cart'), undefined);
    });

    it('reads what a user types as a target: a path, or a host and path, with or without the scheme', () => {
      assert.deepEqual(parseTarget('/api'), { path: '/api' });
      assert.deepEqual(parseTarget(''), { path: '/' });
      assert.deepEqual(parseTarget('Shop.Example.com:443/api?q=1#top'), { host: 'shop.example.com', path: '/api' });
      assert.deepEqual(parseTarget('http://shop.example.com'), { host: 'shop.example.com', path: '/' });
    });
  });

  describe('through a Service', () => {
    const shop = () => ({
      ingresses: [ingress([{ host: 'shop.example.com', http: { paths: [path('/api', 'Prefix', 'api'), path('/', 'Prefix', 'web')] } }])],
      services: [service('api'), service('web')],
      slices: [
        slice('api', [
          { pod: 'api-2', ip: '10.244.2.2' },
          { pod: 'api-1', ip: '10.244.1.2', ready: true },
          { pod: 'api-3', ip: '10.244.3.2', ready: false },
        ]),
      ],
    });

    it('goes Ingress → Service → a ready pod, taking the ready endpoints in turn (an unset Ready condition counts as ready)', () => {
      const r = router(shop());
      const pods = [1, 2, 3, 4].map(() => r.toIngress('shop', 'shop', '/api/orders'));
      assert.deepEqual(pods[0], {
        request: 'GET http://shop.example.com/api/orders',
        hops: [
          { kind: 'Ingress', namespace: 'shop', name: 'shop' },
          { kind: 'Service', namespace: 'shop', name: 'api' },
          { kind: 'Pod', namespace: 'shop', name: 'api-1' },
        ],
        ok: true,
        message: '/api (Prefix) → Service api port http → pod api-1 at 10.244.1.2:8080 (1 of 2 ready)',
      });
      assert.deepEqual(pods.map((p) => p.hops[2]?.name), ['api-1', 'api-2', 'api-1', 'api-2']);
    });

    it('stops at a Service without ready endpoints: kube-proxy refuses the connection, an ingress controller answers 503', () => {
      const r = router(shop());
      const direct = r.toService('shop', 'web');
      assert.deepEqual(direct.hops, [{ kind: 'Service', namespace: 'shop', name: 'web' }]);
      assert.equal(direct.ok, false);
      assert.equal(direct.message, 'Service web port http → connection refused: no endpoints');
      assert.equal(direct.request, 'GET http://web.shop.svc:80/');
      const viaIngress = r.toIngress('shop', 'shop', '/');
      assert.deepEqual(viaIngress.hops.map((h) => h.kind), ['Ingress', 'Service']);
      assert.match(viaIngress.message, /503 Service Unavailable/);
    });

    it('answers 404 at the Ingress when no rule matches another host', () => {
      const r = router(shop());
      const path404 = r.toIngress('shop', 'shop', 'other.example.com/');
      assert.deepEqual(path404.hops.map((h) => h.kind), ['Ingress']);
      assert.equal(path404.ok, false);
      assert.match(path404.message, /^404 Not Found: no rule of Ingress shop matches other\.example\.com\//);
    });

    it('stops at the Service when the Ingress names a port it does not have', () => {
      const objects = shop();
      objects.ingresses = [ingress([{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('api', 9999) }] } }])];
      const result = router(objects).toIngress('shop', 'shop', '/');
      assert.deepEqual(result.hops.map((h) => h.kind), ['Ingress', 'Service']);
      assert.equal(result.message, '/ (Prefix) → Service api has no port 9999: 503 Service Unavailable');
    });

    it('leaves the cluster through an ExternalName Service, and finds no address for a headless one without endpoints', () => {
      const r = router({ services: [service('payments', { type: 'ExternalName', externalName: 'pay.example.net', ports: [] }), service('db', { clusterIP: 'None' })] });
      const external = r.toService('shop', 'payments');
      assert.equal(external.ok, true);
      assert.equal(external.message, 'Service payments is an alias of pay.example.net: the request leaves the cluster');
      assert.equal(r.toService('shop', 'db').message, 'Service db port http → no ready endpoints: the headless Service name resolves to no address');
    });
  });
});
