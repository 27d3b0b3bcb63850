// The composed cluster: given a cluster of control-plane and worker nodes on a virtual clock, when
// nodes fail or workloads are applied, then leadership, heartbeats and pods behave as in Kubernetes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { ApiClient } from '../../../engine/apiserver/client';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { Cluster } from '../../../engine/cluster/index';
import { VirtualClock } from '../../../engine/util/clock';
import { bootCluster } from './boot';

const nodes = { group: '', version: 'v1', resource: 'nodes' };
const pods = { group: '', version: 'v1', resource: 'pods' };
const leases = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };
const configmaps = { group: '', version: 'v1', resource: 'configmaps' };

const boot = (config: { controlPlaneNodes?: number; workers?: number } = {}) => bootCluster({ seed: 42, ...config });

const ready = (node: Obj) => node.status?.conditions?.find((c: Obj) => c.type === 'Ready')?.status;

describe('cluster', () => {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it('boots one control-plane node and three workers, all registered and Ready', async () => {
    const c = await boot();
    cluster = c.cluster;
    const list = c.admin.list(nodes).items as Obj[];
    assert.deepEqual(list.map((n) => n.metadata.name).sort(), ['control-plane', 'worker-1', 'worker-2', 'worker-3']);
    assert.ok(list.every((n) => ready(n) === 'True'));
    const cp = list.find((n) => n.metadata.name === 'control-plane')!;
    assert.deepEqual(cp.spec.taints, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    assert.equal(cp.metadata.labels['node-role.kubernetes.io/control-plane'], '');
    assert.equal(new Set(list.map((n) => n.spec.podCIDR)).size, 4, 'each node has its own pod CIDR');
  });

  it('leaves no timer behind once stopped, so nothing keeps a stopped cluster alive', async () => {
    const c = await boot();
    await c.advance(60_000);
    assert.ok(c.clock.pending > 0);
    await c.cluster.stop();
    // The API servers' compactor was the last: its next tick, minutes away, held the whole cluster.
    assert.equal(c.clock.pending, 0);
  });

  it("runs kubeadm's addons: CoreDNS behind the kube-dns Service at the cluster DNS address, and kube-proxy on every node, a joining one too", async () => {
    const c = await boot({ workers: 2 });
    cluster = c.cluster;
    await c.advance(30_000);
    const system = (selector: string) => (c.admin.list(pods, 'kube-system', { labelSelector: selector }).items as Obj[]).filter((p) => p.status?.conditions?.some((x: Obj) => x.type === 'Ready' && x.status === 'True'));
    const dns = c.admin.get({ group: '', version: 'v1', resource: 'services' }, 'kube-system', 'kube-dns');
    assert.equal(dns.spec.clusterIP, '10.96.0.10');
    assert.deepEqual(dns.spec.ports.map((p: Obj) => `${p.name} ${p.port}/${p.protocol}`), ['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP']);
    const coredns = system('k8s-app=kube-dns');
    assert.equal(coredns.length, 2);
    // The Priority admission plugin resolved their class, one of the two every cluster has.
    assert.ok(coredns.every((p) => p.spec.priorityClassName === 'system-cluster-critical' && p.spec.priority === 2_000_000_000 && p.spec.preemptionPolicy === 'PreemptLowerPriority'));
    const slices = c.admin.list({ group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' }, 'kube-system', { labelSelector: 'kubernetes.io/service-name=kube-dns' }).items as Obj[];
    assert.deepEqual(slices.flatMap((s) => s.endpoints.map((e: Obj) => e.addresses[0])).sort(), coredns.map((p) => p.status.podIP).sort());
    const proxies = () => system('k8s-app=kube-proxy').map((p) => [p.spec.nodeName, p.spec.hostNetwork, p.status.podIP === (c.admin.get(nodes, undefined, p.spec.nodeName).status.addresses as Obj[]).find((a) => a.type === 'InternalIP')!.address]);
    assert.deepEqual(proxies().sort(), [['control-plane', true, true], ['worker-1', true, true], ['worker-2', true, true]]);
    assert.match(c.admin.get(configmaps, 'kube-system', 'kube-proxy').data['config.conf'], /^mode: ipvs$/m);
    const joined = (await c.cluster.addNode()).nodeName;
    await c.advance(30_000);
    assert.ok(proxies().some(([node]) => node === joined), `kube-proxy on ${joined}`);
    // Written by kubeadm, as `kubectl get -o yaml` shows in managedFields.
    assert.equal(c.admin.get({ group: 'apps', version: 'v1', resource: 'daemonsets' }, 'kube-system', 'kube-proxy').metadata.managedFields[0].manager, 'kubeadm');
  });

  it('leaves out the addons a cluster is configured without', async () => {
    const c = await bootCluster({ seed: 42, workers: 1, addons: { coreDNS: false, kubeProxy: false } });
    cluster = c.cluster;
    await c.advance(10_000);
    assert.deepEqual((c.admin.list(pods, 'kube-system').items as Obj[]).map((p) => p.metadata.name).filter((n) => !n.endsWith('-control-plane')), []);
    assert.equal(c.admin.tryGet({ group: '', version: 'v1', resource: 'services' }, 'kube-system', 'kube-dns'), undefined);
    assert.equal(c.cluster.request('GET', 'http://kubernetes.default/').error, 'dial tcp: lookup kubernetes.default on 10.96.0.10:53: i/o timeout');
  });

  it('keeps the kubernetes Service\'s endpoints on the running API servers, as the endpoint reconciler does', async () => {
    const c = await boot({ controlPlaneNodes: 2, workers: 0 });
    cluster = c.cluster;
    const slices = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices' };
    const internalIP = (name: string) => (c.admin.get(nodes, undefined, name).status.addresses as Obj[]).find((a) => a.type === 'InternalIP')!.address;
    const addresses = () => (c.admin.get(slices, 'default', 'kubernetes').endpoints as Obj[]).map((e) => e.addresses[0]).sort();
    const both = [internalIP('control-plane'), internalIP('control-plane-2')].sort();
    assert.deepEqual(addresses(), both);
    assert.deepEqual(c.admin.get(slices, 'default', 'kubernetes').ports, [{ name: 'https', port: 6443, protocol: 'TCP' }]);
    const endpoints = c.admin.get({ group: '', version: 'v1', resource: 'endpoints' }, 'default', 'kubernetes');
    assert.deepEqual(endpoints.subsets[0].addresses.map((a: Obj) => a.ip).sort(), both);
    await c.cluster.failNode('control-plane-2');
    assert.deepEqual(addresses(), [internalIP('control-plane')]);
    await c.cluster.recoverNode('control-plane-2');
    assert.deepEqual(addresses(), both);
  });

  it("shows each control-plane node's etcd, API server, controller manager and scheduler as mirror pods that stay through the node's failure", async () => {
    const c = await boot({ controlPlaneNodes: 2, workers: 1 });
    cluster = c.cluster;
    await c.advance(5_000);
    const system = () => (c.admin.list(pods, 'kube-system').items as Obj[]).filter((p) => p.metadata.annotations?.['kubernetes.io/config.mirror']);
    const ready = (p: Obj) => p.status?.conditions?.some((x: Obj) => x.type === 'Ready' && x.status === 'True');
    // kubeadm's probes decide readiness: nothing is Ready before the startup probes' first check at 10 s.
    assert.ok(system().length === 8 && system().every((p) => p.status?.phase === 'Running' && !ready(p)), JSON.stringify(system().map((p) => [p.metadata.name, p.status?.phase])));
    await c.advance(15_000);
    const names = system().map((p) => p.metadata.name).sort();
    assert.deepEqual(names, ['control-plane', 'control-plane-2'].flatMap((n) => ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => `${c}-${n}`)).sort());
    const node = c.admin.get(nodes, undefined, 'control-plane-2');
    const ip = node.status.addresses.find((a: Obj) => a.type === 'InternalIP').address;
    const apiserver = c.admin.get(pods, 'kube-system', 'kube-apiserver-control-plane-2');
    assert.deepEqual(apiserver.metadata.labels, { component: 'kube-apiserver', tier: 'control-plane' });
    assert.deepEqual(apiserver.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'control-plane-2', uid: node.metadata.uid, controller: true }]);
    assert.equal(apiserver.metadata.annotations['kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint'], `${ip}:6443`);
    assert.deepEqual([apiserver.spec.nodeName, apiserver.spec.hostNetwork, apiserver.spec.priority, apiserver.spec.serviceAccountName], ['control-plane-2', true, 2000001000, undefined]);
    assert.deepEqual([apiserver.status.phase, apiserver.status.podIP], ['Running', ip]);
    assert.ok(system().every(ready));
    assert.deepEqual(apiserver.spec.containers[0].livenessProbe, { httpGet: { host: ip, path: '/livez', port: 6443, scheme: 'HTTPS' }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 15, failureThreshold: 8, successThreshold: 1 });
    assert.deepEqual(apiserver.spec.containers[0].readinessProbe.httpGet, { host: ip, path: '/readyz', port: 6443, scheme: 'HTTPS' });
    assert.deepEqual(c.admin.get(pods, 'kube-system', 'etcd-control-plane-2').spec.containers[0].startupProbe.httpGet, { host: '127.0.0.1', path: '/readyz', port: 2381, scheme: 'HTTP' });
    // Deleted, the mirror comes back: the static pod is the kubelet's, not the API's, and its
    // containers run on through it (kubectl delete's grace period or none).
    const running = (p: Obj) => p.status.containerStatuses.map((s: Obj) => [s.containerID, s.state.running?.startedAt, s.restartCount]);
    for (const [name, options] of [['etcd-control-plane-2', { gracePeriodSeconds: 0 }], ['kube-apiserver-control-plane-2', {}]] as const) {
      const before = c.admin.get(pods, 'kube-system', name);
      assert.ok(running(before).every(([id, startedAt]: unknown[]) => id && startedAt), JSON.stringify(before.status));
      await c.admin.delete(pods, 'kube-system', name, options);
      await c.advance(5_000);
      const after = c.admin.get(pods, 'kube-system', name);
      assert.notEqual(after.metadata.uid, before.metadata.uid, `${name} is a new mirror`);
      assert.equal(after.metadata.annotations['kubernetes.io/config.source'], 'file');
      assert.deepEqual(running(after), running(before), `${name}: the same containers, never restarted`);
      assert.deepEqual([after.status.phase, after.status.podIP], ['Running', ip]);
    }
    // The node fails: its mirror pods turn NotReady but tolerate the NoExecute taints, so nothing evicts them.
    await c.cluster.failNode('control-plane-2');
    await c.advance(10 * 60_000);
    const left = system().filter((p) => p.spec.nodeName === 'control-plane-2');
    assert.equal(left.length, 4);
    assert.ok(left.every((p) => !p.metadata.deletionTimestamp && p.status.conditions.some((x: Obj) => x.type === 'Ready' && x.status === 'False')));
  });

  it('lets a kubelet create only mirror pods of its own node, as NodeRestriction does', async () => {
    const c = await boot({ workers: 1 });
    cluster = c.cluster;
    const kubelet = new ApiClient(c.cluster.apiServer, { name: 'system:node:worker-1', groups: ['system:nodes', 'system:authenticated'] });
    const node = c.admin.get(nodes, undefined, 'worker-1');
    const mirror = (extra: Obj = {}): Obj => ({
      metadata: { name: 'static-web-worker-1', annotations: { 'kubernetes.io/config.mirror': 'abc' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'worker-1', uid: node.metadata.uid, controller: true }], ...(extra.metadata ?? {}) },
      spec: { nodeName: 'worker-1', containers: [{ name: 'web', image: 'nginx:1.27' }], ...(extra.spec ?? {}) },
    });
    const refused = async (pod: Obj, message: string) => {
      await assert.rejects(kubelet.create(pods, 'default', pod), (err: Obj) => err.code === 403 && err.message === `pods "static-web-worker-1" is forbidden: ${message}`);
    };
    await refused({ ...mirror(), metadata: { ...mirror().metadata, annotations: {} } }, 'pod does not have "kubernetes.io/config.mirror" annotation, node "worker-1" can only create mirror pods');
    await refused(mirror({ spec: { nodeName: 'worker-2' } }), 'node "worker-1" can only create pods with spec.nodeName set to itself');
    await refused(mirror({ metadata: { ownerReferences: [] } }), 'node "worker-1" can only create pods with an owner reference set to itself');
    await refused(mirror({ metadata: { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'worker-1', uid: 'another', controller: true }] } }), `node worker-1 UID mismatch: expected ${node.metadata.uid} got another`);
    await refused(mirror({ spec: { volumes: [{ name: 's', secret: { secretName: 'token' } }] } }), 'node "worker-1" can not create pods that reference secrets');
    const { object } = await kubelet.create(pods, 'default', mirror());
    assert.equal(object.spec.serviceAccountName, undefined);

    // Its pods' status, but not their labels through it.
    const status = (extra: Obj) => kubelet.patch(pods, 'default', 'static-web-worker-1', 'merge', { status: { message: 'warm' }, ...extra }, {}, 'status');
    await assert.rejects(status({ metadata: { labels: { tier: 'front' } } }), (err: Obj) => err.code === 403 && err.message === 'pods "static-web-worker-1" is forbidden: node "worker-1" cannot update labels through pod status');
    assert.equal((await status({ metadata: { annotations: { note: 'x' } } })).object.status.message, 'warm');
  });

  it("lets a kubelet change only its own Node's kubelet labels, never its taints, as NodeRestriction does", async () => {
    const c = await boot({ workers: 1 });
    cluster = c.cluster;
    const kubelet = new ApiClient(c.cluster.apiServer, { name: 'system:node:worker-1', groups: ['system:nodes', 'system:authenticated'] });
    const refused = async (p: Promise<unknown>, message: string) => {
      await assert.rejects(p, (err: Obj) => err.code === 403 && err.message === message);
    };
    const labels = (l: Record<string, string>) => ({ metadata: { labels: l } });
    await refused(kubelet.patch(nodes, undefined, 'worker-1', 'merge', labels({ 'node-role.kubernetes.io/worker': '' })), 'nodes "worker-1" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/worker');
    await refused(kubelet.patch(nodes, undefined, 'worker-1', 'merge', labels({ 'node-restriction.kubernetes.io/trusted': 'yes' }), {}, 'status'), 'nodes "worker-1" is forbidden: is not allowed to modify labels: node-restriction.kubernetes.io/trusted');
    await refused(kubelet.patch(nodes, undefined, 'worker-1', 'merge', { spec: { taints: [{ key: 'dedicated', value: 'me', effect: 'NoSchedule' }] } }), 'nodes "worker-1" is forbidden: node "worker-1" is not allowed to modify taints');
    await refused(kubelet.create(nodes, undefined, { metadata: { name: 'worker-9' } }), 'nodes "worker-9" is forbidden: node "worker-1" is not allowed to modify node "worker-9"');
    await refused(kubelet.create(nodes, undefined, { metadata: { name: 'worker-1', labels: { 'node-role.kubernetes.io/gpu': '', 'kubernetes.io/team': 'a' } } }), 'nodes "worker-1" is forbidden: node "worker-1" is not allowed to set the following labels: kubernetes.io/team, node-role.kubernetes.io/gpu');
    const changed = (await kubelet.patch(nodes, undefined, 'worker-1', 'merge', labels({ 'topology.kubernetes.io/zone': 'a', 'node.kubernetes.io/pool': 'blue', 'example.com/disk': 'ssd' }))).object;
    assert.deepEqual([changed.metadata.labels['topology.kubernetes.io/zone'], changed.metadata.labels['node.kubernetes.io/pool'], changed.metadata.labels['example.com/disk']], ['a', 'blue', 'ssd']);
    // The control-plane role is set as kubeadm sets it, once the kubelet has registered.
    const controlPlane = c.admin.get(nodes, undefined, 'control-plane');
    assert.equal(controlPlane.metadata.labels['node-role.kubernetes.io/control-plane'], '');
    assert.ok(controlPlane.metadata.managedFields.some((e: Obj) => e.manager === 'kubeadm' && e.fieldsV1['f:metadata']?.['f:labels']?.['f:node-role.kubernetes.io/control-plane']));
  });

  it('authenticates the admin by token as kubeside-admin in system:masters', async () => {
    const c = await boot({ workers: 0 });
    cluster = c.cluster;
    const user = c.cluster.apiServer.authenticate(c.cluster.adminToken);
    assert.equal(user.name, 'kubeside-admin');
    assert.ok(user.groups.includes('system:masters'));
  });

  it('elects one scheduler and one controller manager, and moves leadership when the leader\'s node fails', async () => {
    const c = await boot({ controlPlaneNodes: 3, workers: 0 });
    cluster = c.cluster;
    await c.advance(3000);
    const before = c.cluster.leaders();
    assert.ok(before.scheduler && before.controllerManager);
    const lease = c.admin.get(leases, 'kube-system', 'kube-scheduler');
    assert.ok(lease.spec.holderIdentity.startsWith(`${before.scheduler}_`));
    assert.equal(lease.spec.leaseTransitions, 0);
    await c.cluster.failNode(before.scheduler!);
    // The others wait out the 15 s lease duration, then one takes over at its next 2 s retry.
    await c.advance(10_000);
    assert.equal(c.cluster.leaders().scheduler, undefined, 'no one takes a lease before it expires');
    await c.advance(8_000);
    const after = c.cluster.leaders().scheduler;
    assert.ok(after && after !== before.scheduler, `leadership moved from ${before.scheduler} to ${after}`);
    const moved = c.admin.get(leases, 'kube-system', 'kube-scheduler');
    assert.ok(moved.spec.holderIdentity.startsWith(`${after}_`));
    assert.equal(moved.spec.leaseTransitions, 1);
  });

  it('writes the control-plane components\' klog lines into their static pods\' logs, and LeaderElection events on their Leases', async () => {
    const c = await boot({ controlPlaneNodes: 2, workers: 0 });
    cluster = c.cluster;
    await c.advance(3000);
    const leader = c.cluster.leaders().scheduler!;
    const other = c.cluster.nodeNames().find((n) => n.startsWith('control-plane') && n !== leader)!;
    const schedulerLog = (node: string) => c.cluster.logs('kube-system', `kube-scheduler-${node}`);
    const header = '[IWE]\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{6}       1 ';
    // Lines written before the container ran come first, once it runs; the generic start line is not there.
    assert.match(schedulerLog(leader), new RegExp(`^I\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{6}       1 server\\.go:167\\] "Starting Kubernetes Scheduler" version="v1\\.36\\.0"\\n${header}leaderelection\\.go:257\\] attempting to acquire leader lease kube-system/kube-scheduler\\.\\.\\.\\n${header}leaderelection\\.go:271\\] successfully acquired lease kube-system/kube-scheduler\\n$`));
    assert.doesNotMatch(schedulerLog(other), /successfully acquired/);
    assert.match(schedulerLog(other), /attempting to acquire leader lease kube-system\/kube-scheduler\.\.\.$/m);
    const cmLeader = c.cluster.leaders().controllerManager!;
    assert.match(c.cluster.logs('kube-system', `kube-controller-manager-${cmLeader}`), /controllermanager\.go:797\] "Started controller" controller="replicaset-controller"$/m);
    // A kube-proxy container prints what kube-proxy does as it starts, with its node's IP.
    const proxy = (c.admin.list(pods, 'kube-system', { labelSelector: 'k8s-app=kube-proxy', fieldSelector: `spec.nodeName=${other}` }).items as Obj[])[0]!;
    const proxyLog = c.cluster.logs('kube-system', proxy.metadata.name);
    assert.match(proxyLog, /^I\d{4} [\d:.]+       1 server_linux\.go:66\] "Using ipvs Proxier"$/m);
    assert.match(proxyLog, new RegExp(`server\\.go:698\\] "Successfully retrieved node IP\\(s\\)" IPs=\\["${proxy.status.hostIP.replace(/\./g, '\\.')}"\\]$`, 'm'));
    assert.match(proxyLog, /Caches are synced for endpoint slice config\n$/);
    // And records its Starting event on its Node, through the events.k8s.io API.
    const starting = (c.admin.list({ group: 'events.k8s.io', version: 'v1', resource: 'events' }, 'default').items as Obj[]).filter((e) => e.reportingController === 'kube-proxy' && e.regarding.name === other);
    assert.deepEqual(starting.map((e) => [e.reason, e.action, e.type, e.reportingInstance, e.regarding.kind, e.note ?? '']), [['Starting', 'StartKubeProxy', 'Normal', `kube-proxy-${other}`, 'Node', '']]);
    // The API server says where it serves; CoreDNS which Corefile it loaded. Their probes, which
    // have run by now, leave no access-log lines there.
    await c.advance(15_000);
    assert.match(c.cluster.logs('kube-system', `kube-apiserver-${other}`), /secure_serving\.go:213\] Serving securely on \[::\]:6443\n$/);
    const corefile = c.admin.get({ group: '', version: 'v1', resource: 'configmaps' }, 'kube-system', 'coredns').data.Corefile;
    const dns = (c.admin.list(pods, 'kube-system', { labelSelector: 'k8s-app=kube-dns' }).items as Obj[])[0]!;
    assert.equal(c.cluster.logs('kube-system', dns.metadata.name), `.:53\n[INFO] plugin/reload: Running configuration SHA512 = ${createHash('sha512').update(corefile).digest('hex')}\nCoreDNS-1.12.1\n`);

    await c.cluster.failNode(leader);
    await c.advance(18_000);
    const next = c.cluster.leaders().scheduler!;
    assert.equal(next, other);
    assert.match(schedulerLog(next), /successfully acquired lease kube-system\/kube-scheduler$/m);
    const elections = (c.admin.list({ group: '', version: 'v1', resource: 'events' }, 'kube-system').items as Obj[]).filter((e) => e.reason === 'LeaderElection' && e.involvedObject.name === 'kube-scheduler');
    // The failed leader's process died with its node: it never said it stopped.
    assert.deepEqual(elections.map((e) => [e.involvedObject.kind, e.source.component, e.message.replace(/_.*? /, '_… ')]).sort(), [
      ['Lease', 'default-scheduler', `${leader}_… became leader`],
      ['Lease', 'default-scheduler', `${next}_… became leader`],
    ].sort());
  });

  it('stops renewing a failed node\'s Lease, and renews it again once the node recovers', async () => {
    const c = await boot({ workers: 2 });
    cluster = c.cluster;
    await c.advance(10_000);
    const renewed = () => Date.parse(c.admin.get(leases, 'kube-node-lease', 'worker-1').spec.renewTime);
    const last = renewed();
    await c.cluster.failNode('worker-1');
    await c.advance(60_000);
    assert.equal(renewed(), last, 'no heartbeat from a failed node');
    assert.ok(Date.parse(c.admin.get(leases, 'kube-node-lease', 'worker-2').spec.renewTime) > last, 'the other node keeps renewing');
    await c.cluster.recoverNode('worker-1');
    await c.advance(10_000);
    assert.ok(renewed() > last);
  });

  it('cordons and uncordons a node through spec.unschedulable', async () => {
    const c = await boot({ workers: 1 });
    cluster = c.cluster;
    await c.cluster.cordon('worker-1');
    assert.equal(c.admin.get(nodes, undefined, 'worker-1').spec.unschedulable, true);
    await c.cluster.uncordon('worker-1');
    assert.equal(c.admin.get(nodes, undefined, 'worker-1').spec.unschedulable, undefined);
  });

  it('brings the whole shop example up, and db-0 finds its data again when its pod is re-created', async () => {
    const c = await boot();
    cluster = c.cluster;
    const docs = ['00-namespace.yaml', '10-web.yaml', '20-api.yaml', '30-db.yaml']
      .flatMap((f) => parseAllDocuments(readFileSync(`examples/shop/${f}`, 'utf8')).map((d) => d.toJS() as Obj))
      .filter(Boolean);
    for (const obj of docs) await c.admin.create(ApiClient.resourceOf(obj), obj.metadata.namespace, obj);
    await c.advance(30_000);
    const live = () => (c.admin.list(pods, 'shop').items as Obj[]).filter((p) => !p.metadata.deletionTimestamp);
    assert.deepEqual(live().map((p) => p.status.phase), Array(7).fill('Running'), 'web ×2, api ×2, db ×3');
    const firstUid = c.admin.get(pods, 'shop', 'db-0').metadata.uid;
    assert.match(c.cluster.logs('shop', 'db-0', 'postgres'), /initializing database files on volume "data"/);
    await c.admin.delete(pods, 'shop', 'db-0');
    await c.advance(30_000);
    const again = c.admin.get(pods, 'shop', 'db-0');
    assert.notEqual(again.metadata.uid, firstUid, 'the StatefulSet made a new db-0');
    assert.equal(again.status.phase, 'Running');
    assert.match(c.cluster.logs('shop', 'db-0', 'postgres'), /database files on volume "data" found \(initialized by db-0\); start 2/);
  });

  it('completes the Job example of the Kubernetes docs (computing π in perl)', async () => {
    const c = await boot({ workers: 2 });
    cluster = c.cluster;
    const jobs = { group: 'batch', version: 'v1', resource: 'jobs' };
    await c.advance(1000);
    await c.admin.create(jobs, 'default', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi' }, spec: { backoffLimit: 4, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] }] } } } });
    await c.advance(20_000);
    const job = c.admin.get(jobs, 'default', 'pi');
    assert.equal(job.status.succeeded, 1);
    assert.equal(job.status.conditions.find((x: Obj) => x.type === 'Complete')?.status, 'True');
  });

  it('drains a node: cordoned, its pods evicted and re-created by their ReplicaSet on the other workers', async () => {
    const c = await boot();
    cluster = c.cluster;
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } };
    await c.admin.create({ group: 'apps', version: 'v1', resource: 'deployments' }, 'default', deployment);
    await c.advance(10_000);
    const running = () => (c.admin.list(pods, 'default').items as Obj[]).filter((p) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp);
    assert.equal(running().length, 3);
    const node = running()[0]!.spec.nodeName;
    const drained = c.cluster.drain(node);
    await c.advance(30_000);
    await drained;
    assert.equal(c.admin.get(nodes, undefined, node).spec.unschedulable, true);
    assert.equal((c.admin.list(pods, 'default', { fieldSelector: `spec.nodeName=${node}` }).items as Obj[]).length, 0);
    assert.equal(running().length, 3);
    assert.ok(running().every((p) => p.spec.nodeName !== node));
  });

  it('collects the pods of a deleted node after the pod garbage collector\'s quarantine; their Deployment runs them on the other workers', async () => {
    const c = await boot({ workers: 2 });
    cluster = c.cluster;
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } } };
    await c.admin.create({ group: 'apps', version: 'v1', resource: 'deployments' }, 'default', deployment);
    await c.advance(10_000);
    const web = () => (c.admin.list(pods, 'default').items as Obj[]).filter((p) => !p.metadata.deletionTimestamp);
    const stranded = web().filter((p) => p.spec.nodeName === 'worker-2').map((p) => p.metadata.name);
    assert.ok(stranded.length > 0, 'worker-2 runs some of them');
    await c.cluster.removeNode('worker-2');
    // Still there for the quarantine: the node might only be missing from the collector's cache.
    await c.advance(20_000);
    assert.ok(stranded.every((name) => c.admin.tryGet(pods, 'default', name)), 'kept during the quarantine');
    await c.advance(60_000);
    assert.deepEqual(stranded.filter((name) => c.admin.tryGet(pods, 'default', name)), [], 'collected');
    const running = web().filter((p) => p.status?.phase === 'Running');
    assert.equal(running.length, 4);
    assert.ok(running.every((p) => p.spec.nodeName === 'worker-1'));
  });

  it('removes a worker: its Node is deleted, and a new node gets the next pod CIDR', async () => {
    const c = await boot({ workers: 2 });
    cluster = c.cluster;
    await c.cluster.removeNode('worker-2');
    assert.equal(c.admin.tryGet(nodes, undefined, 'worker-2'), undefined);
    assert.deepEqual(c.cluster.nodeNames(), ['control-plane', 'worker-1']);
    const added = await c.cluster.addNode();
    assert.equal(added.nodeName, 'worker-3');
    // The allocator moves on from the last CIDR it handed out; the freed one comes back once it wraps around.
    assert.equal(c.admin.get(nodes, undefined, 'worker-3').spec.podCIDR, '10.244.3.0/24');
  });

  it('runs the shop example\'s web and api Deployments to Ready pods on the workers, with the api\'s ConfigMap and Secret', async () => {
    const c = await boot();
    cluster = c.cluster;
    const docs = ['00-namespace.yaml', '10-web.yaml', '20-api.yaml']
      .flatMap((f) => parseAllDocuments(readFileSync(`examples/shop/${f}`, 'utf8')).map((d) => d.toJS() as Obj))
      .filter((o) => o && ['Namespace', 'Deployment', 'ConfigMap', 'Secret'].includes(o.kind));
    for (const obj of docs) await c.admin.create(ApiClient.resourceOf(obj), obj.metadata.namespace, obj);
    await c.advance(20_000);
    await c.cluster.flushStatus();
    const list = (c.admin.list(pods, 'shop').items as Obj[]).filter((p) => !p.metadata.deletionTimestamp);
    assert.equal(list.length, 4);
    for (const p of list) {
      assert.equal(p.status.phase, 'Running', `${p.metadata.name} is ${p.status.phase}: ${JSON.stringify(p.status.containerStatuses?.[0]?.state)}`);
      assert.match(p.spec.nodeName, /^worker-/);
      assert.equal(p.status.conditions.find((x: Obj) => x.type === 'Ready').status, 'True');
    }
    const web = list.find((p) => p.metadata.labels['app.kubernetes.io/name'] === 'web')!;
    assert.match(c.cluster.logs('shop', web.metadata.name, 'web'), /"GET \/ HTTP\/1.1" 200/);
    const ca = c.admin.get(configmaps, 'shop', 'kube-root-ca.crt').data['ca.crt'];
    assert.match(ca, /^-----BEGIN CERTIFICATE-----\n/, 'the projected token volume found the cluster CA');
  });
});

describe('cluster with a state directory', () => {
  /** Advances the clock until `done` holds: a durable store's writes take real time to land. */
  async function until(clock: VirtualClock, done: () => boolean, what: string): Promise<void> {
    for (let i = 0; i < 600 && !done(); i++) {
      await clock.advanceAsync(100, 100);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.ok(done(), what);
  }

  it('comes back from its state directory with its nodes and pods, restarting the containers, and new uids', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'kubeside-cluster-'));
    try {
      const clock = new VirtualClock(Date.UTC(2026, 10, 23, 12, 0, 0));
      const first = await Cluster.start({ clock, seed: 7, workers: 1, stateDir: dir });
      const admin = first.adminClient();
      // The controller manager's service account controller and root CA publisher fill the namespace.
      await until(clock, () => !!admin.tryGet({ group: '', version: 'v1', resource: 'serviceaccounts' }, 'default', 'default'), 'the default service account exists');
      const created = (await admin.create(pods, 'default', { metadata: { name: 'web' }, spec: { nodeName: 'worker-1', containers: [{ name: 'web', image: 'nginx:1.27' }] } })).object;
      await until(clock, () => admin.get(pods, 'default', 'web').status.phase === 'Running', 'the pod runs');
      await first.flushStatus();
      // kubeadm installs its addons once: one deleted stays deleted across restarts.
      await admin.delete({ group: 'apps', version: 'v1', resource: 'daemonsets' }, 'kube-system', 'kube-proxy');
      await first.stop();

      const second = await Cluster.start({ clock, seed: 7, workers: 1, stateDir: dir });
      const again = second.adminClient();
      assert.deepEqual((again.list(nodes).items as Obj[]).map((n) => n.metadata.name).sort(), ['control-plane', 'worker-1']);
      await until(clock, () => !!again.get(pods, 'default', 'web').status.containerStatuses?.[0]?.state.running && again.get(pods, 'default', 'web').status.containerStatuses[0].restartCount === 1, 'the container was restarted');
      const web = again.get(pods, 'default', 'web');
      assert.equal(web.metadata.uid, created.metadata.uid);
      assert.equal(web.status.phase, 'Running');
      const lost = web.status.containerStatuses[0].lastState.terminated;
      assert.deepEqual([lost.exitCode, lost.reason], [255, 'Unknown'], 'the instance that died with the node');
      assert.equal(again.tryGet({ group: 'apps', version: 'v1', resource: 'daemonsets' }, 'kube-system', 'kube-proxy'), undefined);
      assert.ok(again.tryGet({ group: 'apps', version: 'v1', resource: 'deployments' }, 'kube-system', 'coredns'));
      const other = (await again.create(configmaps, 'default', { metadata: { name: 'other' } })).object;
      assert.notEqual(other.metadata.uid, created.metadata.uid);
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
