// The real kubectl with Events in both groups the server serves them in: one stored core/v1 Event
// reads as events.k8s.io/v1 with regarding/note, an events.k8s.io/v1 manifest reads back in core/v1,
// and `kubectl events` lists what the cluster's own components recorded about a pod.
import * as assert from 'node:assert/strict';
import { kubectl, kubectlOk, serveCluster, type ServedCluster } from './fixture';

// The full resource name: `events` alone is core/v1's (the first group in discovery's order).
const V1 = 'events.v1.events.k8s.io';

const newStyle = `apiVersion: events.k8s.io/v1
kind: Event
metadata:
  name: web.operator
  namespace: default
eventTime: "2026-11-23T12:00:00.000000Z"
reportingController: example.com/operator
reportingInstance: operator-7f9c
action: Reconcile
reason: Synced
regarding:
  apiVersion: v1
  kind: Pod
  name: web
  namespace: default
note: pod synced by the operator
type: Normal
series:
  count: 3
  lastObservedTime: "2026-11-23T12:00:05.000000Z"
`;

describe('kubectl with events.k8s.io/v1 Events', function () {
  this.timeout(90_000);
  let cluster: ServedCluster;
  const internalErrors: unknown[] = [];

  before(async () => {
    cluster = await serveCluster(internalErrors);
    await kubectlOk(cluster, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } }));
    await kubectlOk(cluster, ['wait', '--for=condition=Ready', 'pod/web', '--timeout=60s']);
  });
  after(async () => {
    await cluster?.close();
    assert.deepEqual(internalErrors, []);
  });

  const run = (...args: string[]) => kubectlOk(cluster, args);

  it('discovery: events in core/v1 and in events.k8s.io/v1, each group preferring its own', async () => {
    const group = JSON.parse(await run('get', '--raw', '/apis/events.k8s.io'));
    assert.deepEqual(group.preferredVersion, { groupVersion: 'events.k8s.io/v1', version: 'v1' });
    const resources = await run('api-resources', '-o', 'wide');
    assert.match(resources, /^events\s+ev\s+v1\s+true\s+Event\s/m);
    assert.match(resources, /^events\s+ev\s+events\.k8s\.io\/v1\s+true\s+Event\s/m);
  });

  it('get events.v1.events.k8s.io -o yaml: the kubelet and scheduler events as regarding/note, the same objects as core/v1', async () => {
    const yaml = await run('get', V1, '-o', 'yaml');
    assert.match(yaml, /^- apiVersion: events\.k8s\.io\/v1$/m);
    assert.match(yaml, /^ {2}regarding:$/m);
    assert.match(yaml, /^ {2}note: Successfully assigned default\/web to /m);
    assert.match(yaml, /^ {2}reportingController: default-scheduler$/m);
    assert.match(yaml, /^ {2}deprecatedSource:$/m);
    assert.doesNotMatch(yaml, /involvedObject|^ {2}message:/m);
    // One object, two views: names, uids and resourceVersions agree.
    const jsonpath = 'jsonpath={range .items[*]}{.metadata.name} {.metadata.uid} {.metadata.resourceVersion}{"\\n"}{end}';
    assert.equal(await run('get', V1, '-o', jsonpath), await run('get', 'events', '-o', jsonpath));
    const fields = await run('get', V1, '--field-selector', 'regarding.name=web,reason=Scheduled', '-o', 'jsonpath={.items[*].regarding.kind}/{.items[*].regarding.name}');
    assert.equal(fields, 'Pod/web');
  });

  it('an events.k8s.io/v1 manifest is created, and reads back in core/v1 with involvedObject and message', async () => {
    assert.match(await kubectlOk(cluster, ['create', '-f', '-'], newStyle), /^event\.events\.k8s\.io\/web\.operator created$/m);
    const core = await run('get', 'events', 'web.operator', '-o', 'jsonpath={.apiVersion} {.involvedObject.kind}/{.involvedObject.name} {.reportingComponent} {.series.count} {.message}');
    assert.equal(core, 'v1 Pod/web example.com/operator 3 pod synced by the operator');
    const table = await run('get', V1, 'web.operator');
    assert.match(table, /^\S+\s+Normal\s+Synced\s+pod\/web\s+pod synced by the operator$/m);
    // A new-style event without what events.k8s.io/v1 requires is refused with kube's messages.
    const bad = await kubectl(cluster, ['create', '-f', '-'], newStyle.replace(/^reportingInstance: .*\n/m, '').replace('name: web.operator', 'name: web.bad'));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /^The Event "web\.bad" is invalid: reportingInstance: Required value$/m);
  });

  it('kubectl events lists the Scheduled, Pulled, Created and Started events of a pod', async () => {
    const out = await run('events', '--for', 'pod/web');
    assert.match(out, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/m);
    for (const reason of ['Scheduled', 'Pulled', 'Created', 'Started']) assert.match(out, new RegExp(`^\\S+\\s+Normal\\s+${reason}\\s+Pod/web\\s+\\S`, 'm'), reason);
    assert.match(out, /Normal\s+Synced\s+Pod\/web\s+pod synced by the operator/);
  });
});
