// Admission webhooks: which writes a webhook configuration's rules and selectors send to its webhook
// (over an API server with no network around it, where every call fails, so a matched write is
// refused and an unmatched one goes through), then the calls themselves in a running cluster.
import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { Cluster } from '../../../engine/cluster/index';
import { prefixEnd } from '../../../engine/store/index';
import { VirtualClock } from '../../../engine/util/clock';
import { configmaps, core, deployment, deployments, namespaces, newCluster, pod, pods, rejects } from './fixture';

const validating = { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingwebhookconfigurations' };
const mutating = { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'mutatingwebhookconfigurations' };
const services = { ...core, resource: 'services' };
const hpaV1 = { group: 'autoscaling', version: 'v1', resource: 'horizontalpodautoscalers' };

/** A configuration of one webhook served by Service guard/policy, as an operator's chart writes it. */
function configuration(name: string, webhook: Obj, kind = 'ValidatingWebhookConfiguration'): Obj {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name },
    webhooks: [
      {
        name: `${name}.policy.example.com`,
        clientConfig: { service: { namespace: 'guard', name: 'policy', path: '/validate' } },
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        ...webhook,
      },
    ],
  };
}

const unreachable = (hook: string, path = '/validate') =>
  `Internal error occurred: failed calling webhook "${hook}": failed to call webhook: Post "https://policy.guard.svc:443${path}?timeout=10s": dial tcp: lookup policy.guard.svc: no such host`;

describe('admission webhooks: what a configuration sends to its webhook', () => {
  it('sends the writes its rules name (operation, group, version, resource, subresource) and no others', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(validating, undefined, configuration('pods', { rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }] }));
    const v = client.get(validating, undefined, 'pods');
    assert.equal(v.webhooks[0].failurePolicy, 'Fail', 'defaulted');
    await rejects(client.create(pods, 'shop', pod('web-1')), 500, unreachable('pods.policy.example.com'));
    await client.create(configmaps, 'shop', { metadata: { name: 'settings' } });
    // Only CREATE is named: nothing stops an update, nor the pods/status subresource.
    await client.delete(validating, undefined, 'pods');
    const created = (await client.create(pods, 'shop', pod('web-1'))).object;
    await client.create(validating, undefined, configuration('pods', { rules: [{ operations: ['UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods/status'] }] }));
    await client.update(pods, 'shop', { ...created, metadata: { ...created.metadata, labels: { app: 'web', tier: 'front' } } });
    await rejects(client.update(pods, 'shop', { ...client.get(pods, 'shop', 'web-1'), status: { phase: 'Pending' } }, {}, 'status'), 500, unreachable('pods.policy.example.com'));
  });

  it('follows wildcards and scopes: */* is every resource and subresource, Namespaced leaves cluster-scoped objects alone', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(validating, undefined, configuration('all', { rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'], scope: 'Namespaced' }] }));
    await rejects(client.create(configmaps, 'shop', { metadata: { name: 'settings' } }), 500, unreachable('all.policy.example.com'));
    await client.create(namespaces, undefined, { metadata: { name: 'other' } });
    // The configurations themselves are never sent: a webhook that cannot be reached can always be removed.
    await client.delete(validating, undefined, 'all');
    await client.create(configmaps, 'shop', { metadata: { name: 'settings' } });
  });

  it('matches a rule for another version of the resource unless matchPolicy is Exact', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const hpa = { metadata: { name: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 3, targetCPUUtilizationPercentage: 80 } };
    const rules = [{ operations: ['CREATE'], apiGroups: ['autoscaling'], apiVersions: ['v2'], resources: ['horizontalpodautoscalers'] }];
    await client.create(validating, undefined, configuration('hpa', { rules, matchPolicy: 'Exact' }));
    await client.create(hpaV1, 'shop', hpa);
    await client.delete(validating, undefined, 'hpa');
    await client.create(validating, undefined, configuration('hpa', { rules }));
    await rejects(client.create(hpaV1, 'shop', { ...hpa, metadata: { name: 'api' } }), 500, unreachable('hpa.policy.example.com'));
  });

  it('sends only what its namespace and object selectors select, and ignores a failure when failurePolicy is Ignore', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await namespace('lab');
    await client.patch(namespaces, undefined, 'shop', 'merge', { metadata: { labels: { policy: 'enforced' } } });
    const rules = [{ operations: ['CREATE'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }];
    await client.create(mutating, undefined, configuration('enforced', { rules, namespaceSelector: { matchLabels: { policy: 'enforced' } }, objectSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] } }, 'MutatingWebhookConfiguration'));
    await client.create(configmaps, 'lab', { metadata: { name: 'settings' } });
    await rejects(client.create(configmaps, 'shop', { metadata: { name: 'settings' } }), 500, unreachable('enforced.policy.example.com'));
    await client.create(configmaps, 'shop', { metadata: { name: 'settings', labels: { skip: 'yes' } } });
    // A Namespace is matched by its own labels; other cluster-scoped objects by none.
    await rejects(client.create(namespaces, undefined, { metadata: { name: 'prod', labels: { policy: 'enforced' } } }), 500, unreachable('enforced.policy.example.com'));
    await client.create(namespaces, undefined, { metadata: { name: 'dev' } });
    await client.patch(mutating, undefined, 'enforced', 'json', [{ op: 'replace', path: '/webhooks/0/failurePolicy', value: 'Ignore' }]);
    await client.create(configmaps, 'shop', { metadata: { name: 'more' } });
  });

  it("evaluates its CEL matchConditions: a false one skips the webhook, one that fails refuses the write unless failures are ignored", async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const rules = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }];
    const matchConditions = [
      { name: 'not-system', expression: "!request.userInfo.username.startsWith('system:')" },
      { name: 'unlabelled', expression: "!has(object.metadata.labels) || !('exempt' in object.metadata.labels)" },
    ];
    await client.create(validating, undefined, configuration('cm', { rules, matchConditions }));
    await rejects(client.create(configmaps, 'shop', { metadata: { name: 'a' } }), 500, unreachable('cm.policy.example.com'));
    await client.create(configmaps, 'shop', { metadata: { name: 'b', labels: { exempt: 'yes' } } });
    await client.delete(validating, undefined, 'cm');
    await client.create(validating, undefined, configuration('cm', { rules, matchConditions: [{ name: 'size', expression: 'object.data.size > 1' }] }));
    await rejects(client.create(configmaps, 'shop', { metadata: { name: 'c' } }), 403, 'configmaps "c" is forbidden: expression \'object.data.size > 1\' resulted in error: no such key: data');
    await client.patch(validating, undefined, 'cm', 'json', [{ op: 'replace', path: '/webhooks/0/failurePolicy', value: 'Ignore' }]);
    await client.create(configmaps, 'shop', { metadata: { name: 'c' } });
    const refused = await rejects(client.create(validating, undefined, configuration('bad', { rules, matchConditions: [{ name: 'typo', expression: 'objekt.metadata.name == "x"' }] })), 422);
    assert.deepEqual(refused.status.details.causes.map((c: any) => `${c.field}: ${c.message}`), ['webhooks[0].matchConditions[0].expression: Invalid value: "objekt.metadata.name == \\"x\\"": compilation failed: ERROR: <input>:1:1: undeclared reference to \'objekt\' (in container \'\')']);
  });

  it('refuses a dry run to a webhook that has side effects', async () => {
    const { client, namespace, store } = await newCluster();
    await namespace('shop');
    await client.create(validating, undefined, configuration('pods', { rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }], failurePolicy: 'Ignore' }));
    // v1 accepts only None and NoneOnDryRun, so this is an object stored by an older version, as an upgraded cluster has them.
    const prefix = '/registry/validatingwebhookconfigurations/';
    const kv = store.range(prefix, { end: prefixEnd(prefix) }).kvs[0]!;
    const stored = JSON.parse(typeof kv.value === 'string' ? kv.value : Buffer.from(kv.value).toString('utf8'));
    stored.webhooks[0].sideEffects = 'Some';
    await store.put(kv.key, JSON.stringify(stored));
    await rejects(client.create(pods, 'shop', pod('web-1'), { dryRun: true }), 400, 'admission webhook "pods.policy.example.com" does not support dry run');
    await client.create(pods, 'shop', pod('web-1'));
  });
});

describe('admission webhooks in a running cluster', function () {
  this.timeout(120_000);

  /** A cluster with a webhook server Deployment guard/policy behind Service policy:443, and namespace shop labelled for it. */
  async function guarded() {
    const clock = new VirtualClock(Date.UTC(2026, 11, 6, 9, 0, 0));
    const cluster = await Cluster.start({ clock, seed: 5 });
    const admin = cluster.adminClient('kubectl/v1.36.0');
    const advance = (ms: number) => clock.advanceAsync(ms, 250);
    // Until kube-proxy runs on the control-plane node, nothing the API server sends to a Service gets anywhere.
    await advance(30_000);
    for (const name of ['guard', 'shop']) await admin.create(namespaces, undefined, { metadata: { name, ...(name === 'shop' ? { labels: { policy: 'enforced' } } : {}) } });
    const server = deployment('policy', 1);
    server.spec.template.spec.containers = [{ name: 'webhook', image: 'registry.example.com/policy-webhook:1.4', ports: [{ containerPort: 8443 }], readinessProbe: { httpGet: { path: '/healthz', port: 8443 } } }];
    await admin.create(deployments, 'guard', server);
    await admin.create(services, 'guard', { metadata: { name: 'policy' }, spec: { selector: { app: 'policy' }, ports: [{ port: 443, targetPort: 8443 }] } });
    const rules = [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'configmaps'] }];
    await admin.create(validating, undefined, configuration('guard', { rules, namespaceSelector: { matchLabels: { policy: 'enforced' } } }));
    return { cluster, admin, advance };
  }

  it("refuses writes while the webhook's Service has no ready endpoint, then lets them through once its pod is ready, which logs each call", async () => {
    const { cluster, admin, advance } = await guarded();
    const ip = admin.get(services, 'guard', 'policy').spec.clusterIP;
    await rejects(
      admin.create(configmaps, 'shop', { metadata: { name: 'settings' } }),
      500,
      `Internal error occurred: failed calling webhook "guard.policy.example.com": failed to call webhook: Post "https://policy.guard.svc:443/validate?timeout=10s": dial tcp ${ip}:443: connect: connection refused`,
    );
    await advance(30_000);
    await admin.create(configmaps, 'shop', { metadata: { name: 'settings' } });
    const server = admin.list(pods, 'guard').items[0]!;
    assert.match(cluster.logs('guard', server.metadata.name), /"POST \/validate\?timeout=10s HTTP\/1\.1" 200 \d+ "-" "kubeside"\n$/);
  });

  it("refuses a write with the webhook's own answer when it denies, as a 403 naming the object", async () => {
    const { admin, advance } = await guarded();
    await admin.patch(deployments, 'guard', 'policy', 'merge', { spec: { template: { metadata: { annotations: { 'kubeside.dev/behavior': 'deny-admission' } } } } });
    await advance(60_000);
    await rejects(
      admin.create(pods, 'shop', pod('web-1')),
      403,
      'pods "web-1" is forbidden: admission webhook "guard.policy.example.com" denied the request: denied by a simulated webhook server (kubeside.dev/behavior: deny-admission)',
    );
    // The namespace selector keeps other namespaces out of its reach.
    await admin.create(pods, 'guard', pod('web-1'));
  });

  it('blocks a Deployment from creating its pods while its webhook is down, in the ReplicaSet\'s events, and catches up once it is back', async () => {
    const { admin, advance } = await guarded();
    await admin.patch(deployments, 'guard', 'policy', 'merge', { spec: { replicas: 0 } });
    await advance(30_000);
    await admin.create(deployments, 'shop', deployment('web', 2));
    await advance(10_000);
    assert.equal(admin.list(pods, 'shop').items.length, 0);
    const events = admin.list({ ...core, resource: 'events' }, 'shop').items.filter((e: Obj) => e.reason === 'FailedCreate');
    assert.ok(events.length > 0);
    assert.match(events[0].message, /^Error creating: Internal error occurred: failed calling webhook "guard\.policy\.example\.com": failed to call webhook: Post "https:\/\/policy\.guard\.svc:443\/validate\?timeout=10s": dial tcp [\d.]+:443: connect: connection refused$/);
    await admin.patch(deployments, 'guard', 'policy', 'merge', { spec: { replicas: 1 } });
    await advance(60_000);
    assert.equal(admin.list(pods, 'shop').items.filter((p: Obj) => p.status?.phase === 'Running').length, 2);
  });
});
