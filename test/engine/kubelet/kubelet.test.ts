// The kubelet runs the pods bound to its node: given a pod, when its containers start, crash, finish
// or are deleted, then the pod's status in the API server shows what a real kubelet would report.
import assert from 'node:assert/strict';
import { Kubelet } from '../../../engine/kubelet/kubelet';
import { readTar, writeTar } from '../../../engine/kubelet/tar';
import { VolumeDisks } from '../../../engine/kubelet/volumeDisks';
import { PodNetwork } from '../../../engine/network/podNetwork';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { configmaps, newCluster, pod, pods } from '../apiserver/fixture';

const leases = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };
const nodes = { group: '', version: 'v1', resource: 'nodes' };
const pvcs = { group: '', version: 'v1', resource: 'persistentvolumeclaims' };

async function nodeWithKubelet(nodeName = 'worker-1', network = new PodNetwork()) {
  const cluster = await newCluster();
  const disks = new VolumeDisks();
  const kubelets = new Map<string, Kubelet>();
  const startKubelet = async (name: string) => {
    const k = new Kubelet({ nodeName: name, client: cluster.kubelet(name), clock: cluster.clock, network: network.attach(name), disks });
    kubelets.set(name, k);
    await k.start();
    return k;
  };
  const kubelet = await startKubelet(nodeName);
  await cluster.namespace('shop');
  // What the root CA publisher leaves in every namespace: the service account volume projects it.
  await cluster.client.create(configmaps, 'shop', { metadata: { name: 'kube-root-ca.crt' }, data: { 'ca.crt': 'cert' } });
  /** Creates a pod bound to the node, as if the scheduler had placed it. */
  const run = async (p: Obj, node = nodeName) => (await cluster.client.create(pods, 'shop', { ...p, spec: { ...p.spec, nodeName: node } })).object;
  const get = (name: string) => cluster.client.tryGet(pods, 'shop', name);
  const advance = (ms: number) => cluster.clock.advanceAsync(ms);
  return { ...cluster, kubelet, network, disks, run, get, advance, startKubelet, kubelets };
}

const state = (p: Obj, container = 'web') => p.status.containerStatuses.find((s: Obj) => s.name === container).state;
const condition = (p: Obj, type: string) => p.status.conditions.find((c: Obj) => c.type === type);

describe('kubelet', () => {
  it('registers its Node Ready with capacity, addresses and labels, and renews its Lease every 10 s plus up to 4% jitter', async () => {
    const { client, clock, advance } = await nodeWithKubelet();
    const node = client.get(nodes, undefined, 'worker-1');
    assert.equal(node.metadata.labels['kubernetes.io/hostname'], 'worker-1');
    assert.equal(node.metadata.labels['kubernetes.io/os'], 'linux');
    assert.equal(node.spec.podCIDR, '10.244.0.0/24');
    assert.deepEqual(node.status.addresses, [{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: 'worker-1' }]);
    assert.equal(node.status.capacity.pods, '110');
    const ready = node.status.conditions.find((c: Obj) => c.type === 'Ready');
    assert.deepEqual([ready.status, ready.reason, ready.message], ['True', 'KubeletReady', 'kubelet is posting ready status']);
    const first = client.get(leases, 'kube-node-lease', 'worker-1');
    assert.equal(first.spec.holderIdentity, 'worker-1');
    assert.equal(first.metadata.ownerReferences[0].kind, 'Node');
    // The lease controller renews under wait.JitterUntil(renewInterval, 0.04): 10 s to 10.4 s later.
    await advance(9_900);
    assert.equal(client.get(leases, 'kube-node-lease', 'worker-1').spec.renewTime, first.spec.renewTime);
    await advance(500);
    const renewed = client.get(leases, 'kube-node-lease', 'worker-1');
    const interval = Date.parse(renewed.spec.renewTime) - Date.parse(first.spec.renewTime);
    assert.ok(interval >= 10_000 && interval <= 10_400, `renewed after ${interval} ms`);
    assert.ok(Date.parse(renewed.spec.renewTime) <= clock.now());
  });

  it("reports its Node's status without undoing the labels and annotations others set", async () => {
    const { client, advance } = await nodeWithKubelet();
    const heartbeat = (n: Obj) => n.status.conditions.find((c: Obj) => c.type === 'Ready').lastHeartbeatTime;
    const before = client.get(nodes, undefined, 'worker-1');
    await client.patch(nodes, undefined, 'worker-1', 'merge', { metadata: { labels: { zone: 'a' }, annotations: { owner: 'ops' } } });
    // An unchanged status is reported every nodeStatusReportFrequency (5 minutes).
    await advance(310_000);
    const after = client.get(nodes, undefined, 'worker-1');
    assert.notEqual(heartbeat(after), heartbeat(before), 'the kubelet reported its status');
    assert.deepEqual([after.metadata.labels.zone, after.metadata.annotations.owner], ['a', 'ops']);
  });

  it('reports the status of a Node someone else registered without one', async () => {
    const { client, startKubelet } = await nodeWithKubelet();
    await client.create(nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-2', labels: { zone: 'b' } } });
    await startKubelet('worker-2');
    const node = client.get(nodes, undefined, 'worker-2');
    assert.equal(node.status.conditions.find((c: Obj) => c.type === 'Ready').status, 'True');
    assert.equal(node.metadata.labels.zone, 'b');
  });

  it('spreads the heartbeats of nodes started together, with the same spread on every run', async () => {
    const renewals = async () => {
      const { client, advance, startKubelet } = await nodeWithKubelet('node-0');
      for (let i = 1; i < 20; i++) await startKubelet(`node-${i}`);
      await advance(60_000);
      return Array.from({ length: 20 }, (_, i) => client.get(leases, 'kube-node-lease', `node-${i}`).spec.renewTime as string);
    };
    const first = await renewals();
    // Twenty nodes, six rounds of up to 400 ms of jitter each: they no longer renew on one tick.
    assert.ok(new Set(first).size >= 10, `renewal times: ${first.join(', ')}`);
    assert.deepEqual(await renewals(), first, 'seeded: a second run renews at the same times');
  });

  it('records its start and its Node\'s conditions as Events on the Node', async () => {
    const { client, kubelet } = await nodeWithKubelet();
    await kubelet.flushEvents();
    const events = (client.list({ group: '', version: 'v1', resource: 'events' }, 'default').items as Obj[]).filter((e) => e.involvedObject.kind === 'Node');
    assert.deepEqual(events.map((e) => [e.reason, e.message]), [
      ['Starting', 'Starting kubelet.'],
      ['NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods'],
      ['NodeHasSufficientMemory', 'Node worker-1 status is now: NodeHasSufficientMemory'],
      ['NodeHasNoDiskPressure', 'Node worker-1 status is now: NodeHasNoDiskPressure'],
      ['NodeHasSufficientPID', 'Node worker-1 status is now: NodeHasSufficientPID'],
      ['NodeReady', 'Node worker-1 status is now: NodeReady'],
    ]);
  });

  it('takes a bound pod from Pending through ContainerCreating to Running with an IP and Ready', async () => {
    const { run, get, advance } = await nodeWithKubelet();
    await run(pod('web'));
    await advance(100);
    let p = get('web')!;
    assert.equal(p.status.phase, 'Pending');
    assert.deepEqual(state(p), { waiting: { reason: 'ContainerCreating' } });
    assert.equal(p.status.podIP, '10.244.0.2');
    await advance(1000);
    p = get('web')!;
    assert.equal(p.status.phase, 'Running');
    assert.ok(state(p).running.startedAt);
    const cs = p.status.containerStatuses[0];
    assert.equal(cs.image, 'docker.io/library/nginx:1.27');
    assert.match(cs.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.match(cs.containerID, /^containerd:\/\/[0-9a-f]{64}$/);
    assert.equal(cs.ready, true);
    assert.equal(condition(p, 'Ready').status, 'True');
    assert.equal(condition(p, 'ContainersReady').status, 'True');
    assert.equal(condition(p, 'Initialized').status, 'True');
    assert.equal(condition(p, 'PodScheduled').status, 'True');
    assert.equal(p.status.observedGeneration, 1, 'the status says which generation of the pod it describes');
    assert.equal(condition(p, 'Ready').observedGeneration, 1);
  });

  it('restarts a container whose image was changed on the pod, with the new image', async () => {
    const { client, run, get, advance } = await nodeWithKubelet();
    await run(pod('web'));
    await advance(1500);
    await client.patch(pods, 'shop', 'web', 'json', [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.28' }]);
    await advance(1500);
    const cs = get('web')!.status.containerStatuses[0];
    assert.equal(cs.image, 'docker.io/library/nginx:1.28');
    assert.equal(cs.restartCount, 1);
    assert.ok(cs.state.running);
    assert.equal(cs.lastState.terminated.reason, 'Completed', 'nginx stopped on SIGTERM');
  });

  it('keeps pod conditions it does not own when it writes the status', async () => {
    const { client, run, get, advance } = await nodeWithKubelet();
    await run(pod('web', { metadata: { annotations: { 'kubeside.dev/behavior': 'crash-after=5s' } } }));
    await advance(1500);
    const target = { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null, lastTransitionTime: '2026-11-23T12:00:01Z' };
    await client.patch(pods, 'shop', 'web', 'json', [{ op: 'add', path: '/status/conditions/-', value: target }], {}, 'status');
    await advance(5000);
    const p = get('web')!;
    assert.equal(p.status.containerStatuses[0].restartCount, 1, 'the kubelet has written a new status since');
    assert.deepEqual(condition(p, 'DisruptionTarget'), target);
  });

  it('holds Ready back until every readiness gate\'s condition is True', async () => {
    const { client, run, get, advance } = await nodeWithKubelet();
    await run(pod('web', { spec: { readinessGates: [{ conditionType: 'example.com/load-balancer' }] } }));
    await advance(1500);
    let p = get('web')!;
    assert.equal(condition(p, 'ContainersReady').status, 'True');
    assert.deepEqual([condition(p, 'Ready').status, condition(p, 'Ready').reason, condition(p, 'Ready').message], ['False', 'ReadinessGatesNotReady', 'corresponding condition of pod readiness gate "example.com/load-balancer" does not exist.']);
    await client.patch(pods, 'shop', 'web', 'json', [{ op: 'add', path: '/status/conditions/-', value: { type: 'example.com/load-balancer', status: 'True' } }], {}, 'status');
    await advance(200);
    p = get('web')!;
    assert.equal(condition(p, 'Ready').status, 'True');
  });

  it('records what it did as Events on the pod: pulling, pulled, created, started, and stopping on delete', async () => {
    const { client, run, advance, kubelet } = await nodeWithKubelet();
    await run(pod('web'));
    await advance(1500);
    await client.delete(pods, 'shop', 'web');
    await advance(200);
    await kubelet.flushEvents();
    const events = (client.list({ group: '', version: 'v1', resource: 'events' }, 'shop').items as Obj[]).filter((e) => e.involvedObject.name === 'web');
    assert.deepEqual(events.map((e) => [e.type, e.reason, e.message]), [
      ['Normal', 'Pulling', 'Pulling image "nginx:1.27"'],
      ['Normal', 'Pulled', 'Successfully pulled image "nginx:1.27" in 1s (1s including waiting). Image size: 50000000 bytes.'],
      ['Normal', 'Created', 'Created container: web'],
      ['Normal', 'Started', 'Started container web'],
      ['Normal', 'Killing', 'Stopping container web'],
    ]);
    assert.ok(events.every((e) => e.source.component === 'kubelet'));
  });

  it('restarts a crashing container at once, then with CrashLoopBackOff of 10 s, 20 s, 40 s', async () => {
    const { client, run, get, advance, kubelet } = await nodeWithKubelet();
    await run(pod('web', { metadata: { annotations: { 'kubeside.dev/behavior': 'crash-after=5s' } } }));
    await advance(1100); // image pull
    assert.equal(get('web')!.status.phase, 'Running');
    await advance(5000); // first crash: restarted at once
    let p = get('web')!;
    assert.equal(p.status.containerStatuses[0].restartCount, 1);
    assert.ok(state(p).running);
    assert.deepEqual({ ...p.status.containerStatuses[0].lastState.terminated, startedAt: undefined, finishedAt: undefined, containerID: undefined }, { exitCode: 1, reason: 'Error', startedAt: undefined, finishedAt: undefined, containerID: undefined });
    await advance(5000); // second crash: back-off 10 s
    p = get('web')!;
    assert.equal(state(p).waiting.reason, 'CrashLoopBackOff');
    assert.match(state(p).waiting.message, /^back-off 10s restarting failed container=web pod=web_shop\(.+\)$/);
    assert.equal(p.status.phase, 'Running');
    assert.equal(condition(p, 'Ready').status, 'False');
    await advance(9_800);
    assert.equal(state(get('web')!).waiting.reason, 'CrashLoopBackOff');
    await advance(300);
    p = get('web')!;
    assert.ok(state(p).running, 'restarted once 10 s have passed');
    assert.equal(p.status.containerStatuses[0].restartCount, 2);
    await advance(5000); // third crash: back-off 20 s
    assert.match(state(get('web')!).waiting.message, /^back-off 20s /);
    await advance(20_100);
    assert.equal(get('web')!.status.containerStatuses[0].restartCount, 3);
    await advance(5000);
    assert.match(state(get('web')!).waiting.message, /^back-off 40s /);
    await kubelet.flushEvents();
    const backOff = (client.list({ group: '', version: 'v1', resource: 'events' }, 'shop').items as Obj[]).find((e) => e.reason === 'BackOff')!;
    assert.match(backOff.message, /^Back-off restarting failed container web in pod web_shop\(.+\)$/);
    assert.equal(backOff.count, 3, 'one event, counted once per back-off');
  });

  it('forgets the back-off of a container that ran 10 minutes before crashing: it restarts at once', async () => {
    const { run, get, advance } = await nodeWithKubelet();
    await run(pod('web', { metadata: { annotations: { 'kubeside.dev/behavior': 'crash-after=11m' } } }));
    await advance(1000 + 11 * 60_000 + 500);
    assert.equal(get('web')!.status.containerStatuses[0].restartCount, 1);
    await advance(11 * 60_000);
    const p = get('web')!;
    assert.equal(p.status.containerStatuses[0].restartCount, 2, 'no CrashLoopBackOff after 11 minutes of running');
    assert.ok(state(p).running);
  });

  it('completes a container that exits 0 under restartPolicy Never: the pod Succeeded', async () => {
    const { run, get, advance } = await nodeWithKubelet();
    await run(pod('job', { spec: { restartPolicy: 'Never' }, container: { name: 'web', image: 'busybox:1.36', command: ['sh', '-c', 'echo done; exit 0'] } }));
    await advance(2000);
    const p = get('job')!;
    assert.equal(p.status.phase, 'Succeeded');
    assert.equal(state(p).terminated.reason, 'Completed');
    assert.equal(state(p).terminated.exitCode, 0);
    assert.equal(condition(p, 'Ready').reason, 'PodCompleted');
  });

  it('reports the end of the log as the termination message of a failed container under FallbackToLogsOnError', async () => {
    const { run, get, advance } = await nodeWithKubelet();
    await run(pod('job', { spec: { restartPolicy: 'Never' }, container: { image: 'busybox:1.36', command: ['sh', '-c', 'echo connecting to db; echo "fatal: db unreachable"; exit 2'], terminationMessagePolicy: 'FallbackToLogsOnError' } }));
    await advance(2000);
    const t = state(get('job')!).terminated;
    assert.deepEqual([t.exitCode, t.message], [2, 'connecting to db\nfatal: db unreachable\n']);
  });

  it('fails a pod whose container exits 1 under restartPolicy Never', async () => {
    const { run, get, advance } = await nodeWithKubelet();
    await run(pod('job', { spec: { restartPolicy: 'Never' }, metadata: { annotations: { 'kubeside.dev/behavior': 'exit=1' } } }));
    await advance(2000);
    const p = get('job')!;
    assert.equal(p.status.phase, 'Failed');
    assert.deepEqual([state(p).terminated.exitCode, state(p).terminated.reason], [1, 'Error']);
  });

  it('holds a container in CreateContainerConfigError while its ConfigMap is missing, and runs it once created', async () => {
    const { client, run, get, advance } = await nodeWithKubelet();
    await run(pod('api', { container: { envFrom: [{ configMapRef: { name: 'api-config' } }] } }));
    await advance(2000);
    let p = get('api')!;
    assert.deepEqual(state(p), { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "api-config" not found' } });
    assert.equal(p.status.phase, 'Pending');
    await client.create(configmaps, 'shop', { metadata: { name: 'api-config' }, data: { LOG_LEVEL: 'info' } });
    await advance(10_000);
    p = get('api')!;
    assert.ok(state(p).running);
    assert.equal(p.status.phase, 'Running');
  });

  it('names the missing key of a Secret it cannot resolve', async () => {
    const { client, run, get, advance } = await nodeWithKubelet();
    await client.create({ group: '', version: 'v1', resource: 'secrets' }, 'shop', { metadata: { name: 'creds' }, data: { USER: 'c2hvcA==' } });
    await run(pod('api', { container: { env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'PASSWORD' } } }] } }));
    await advance(2000);
    assert.deepEqual(state(get('api')!), { waiting: { reason: 'CreateContainerConfigError', message: "couldn't find key PASSWORD in Secret shop/creds" } });
  });

  it('stops a deleted pod gracefully, then deletes it for good', async () => {
    const { client, run, get, advance } = await nodeWithKubelet();
    await run(pod('web'));
    await advance(1500);
    await client.delete(pods, 'shop', 'web');
    const marked = get('web')!;
    assert.ok(marked.metadata.deletionTimestamp, 'a running pod is only marked for deletion');
    await advance(200);
    assert.equal(get('web'), undefined, 'nginx stops on SIGTERM, and the kubelet deletes the pod');
  });

  it('waits out the grace period for a container that ignores SIGTERM', async () => {
    const { client, run, get, advance } = await nodeWithKubelet();
    await run(pod('sleeper', { spec: { terminationGracePeriodSeconds: 5 }, container: { image: 'busybox:1.36', command: ['sleep', '3600'] } }));
    await advance(1500);
    assert.equal(get('sleeper')!.status.phase, 'Running');
    await client.delete(pods, 'shop', 'sleeper');
    await advance(4000);
    assert.ok(get('sleeper'), 'still terminating within its grace period');
    await advance(1200);
    assert.equal(get('sleeper'), undefined);
  });

  it('runs a preStop hook before SIGTERM, within the grace period', async () => {
    const { client, run, get, advance } = await nodeWithKubelet();
    await run(pod('web', { container: { lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 5'] } } } } }));
    await advance(1500);
    await client.delete(pods, 'shop', 'web');
    await advance(4800);
    assert.ok(state(get('web')!).running, 'the hook is still running');
    await advance(400);
    assert.equal(get('web'), undefined, 'nginx stopped on the SIGTERM after the hook, and the pod is gone');
  });

  it('gives a re-created pod a new IP', async () => {
    const { client, run, get, advance } = await nodeWithKubelet();
    await run(pod('web'));
    await advance(1500);
    const first = get('web')!.status.podIP;
    await client.delete(pods, 'shop', 'web');
    await advance(500);
    assert.equal(get('web'), undefined);
    await run(pod('web'));
    await advance(500);
    const second = get('web')!.status.podIP;
    assert.ok(first && second);
    assert.notEqual(second, first);
  });

  it('keeps a PersistentVolumeClaim\'s data across pod re-creation', async () => {
    const { client, run, get, advance, disks, kubelet } = await nodeWithKubelet();
    const claim = (await client.create(pvcs, 'shop', { metadata: { name: 'data-db-0' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } })).object;
    const db = () => pod('db-0', { container: { name: 'web', image: 'postgres:16.4', volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }] }, spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }] } });
    await run(db());
    await advance(1500);
    assert.equal(get('db-0')!.status.phase, 'Running');
    assert.match(kubelet.logs('shop', 'db-0', 'web'), /initializing database files on volume "data"/);
    await client.delete(pods, 'shop', 'db-0');
    await advance(500);
    await run(db());
    await advance(500);
    assert.match(kubelet.logs('shop', 'db-0', 'web'), /database files on volume "data" found \(initialized by db-0\); start 2/);
    assert.equal(disks.peekClaim(claim.metadata.uid)!.get('starts'), '2');
  });

  it('serves logs: the current and the previous container, tail and since', async () => {
    const { run, advance, kubelet } = await nodeWithKubelet();
    await run(pod('web', { metadata: { annotations: { 'kubeside.dev/behavior': 'crash-after=30s' } }, container: { readinessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 10 } } }));
    await advance(1500);
    assert.throws(() => kubelet.logs('shop', 'web', 'web', { previous: true }), /previous terminated container "web" in pod "web" not found/);
    await advance(30_000);
    assert.match(kubelet.logs('shop', 'web', 'web', { previous: true }), /"GET \/healthz HTTP\/1.1" 200/);
    const lines = kubelet.logs('shop', 'web', 'web', { previous: true, tailLines: 1 }).split('\n').filter(Boolean);
    assert.equal(lines.length, 1);
    assert.equal(kubelet.logs('shop', 'web', 'web', { sinceSeconds: 0 }), '');
  });

  it('follows a log as it is written, and ends the stream when the container exits', async () => {
    const { run, advance, kubelet } = await nodeWithKubelet();
    await run(pod('web', { metadata: { annotations: { 'kubeside.dev/behavior': 'crash-after=25s' } }, container: { readinessProbe: { httpGet: { path: '/ready', port: 80 }, periodSeconds: 10 } } }));
    await advance(1500);
    const chunks: string[] = [];
    let ended = false;
    const stream = kubelet.followLogs('shop', 'web', 'web', { tailLines: 0 }, (text) => chunks.push(text), () => { ended = true; });
    assert.deepEqual(chunks, [], 'tail 0: nothing from before');
    await advance(10_000);
    assert.equal(chunks.length, 1);
    assert.match(chunks[0]!, /"GET \/ready HTTP\/1.1" 200/);
    await advance(15_000);
    assert.equal(ended, true, 'the container crashed: the stream ends');
    stream.dispose();
  });

  it('restarts a container whose liveness probe fails three times', async () => {
    const { run, get, advance } = await nodeWithKubelet();
    await run(pod('web', { metadata: { annotations: { 'kubeside.dev/behavior': 'fail-liveness=20s' } }, container: { livenessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 10, failureThreshold: 3 } } }));
    await advance(1500);
    assert.equal(get('web')!.status.containerStatuses[0].restartCount, 0);
    // Failures at 20 s, 30 s and 40 s after start: killed at the third, restarted at once.
    await advance(41_000);
    const p = get('web')!;
    assert.equal(p.status.containerStatuses[0].restartCount, 1);
    assert.ok(state(p).running);
  });

  it('runs the liveness example of the Kubernetes docs: the probe fails once the script removes /tmp/healthy', async () => {
    const { client, run, get, advance, kubelet } = await nodeWithKubelet();
    await run(pod('liveness-exec', { container: {
      name: 'web',
      image: 'registry.k8s.io/busybox:1.27.2',
      args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'],
      livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, initialDelaySeconds: 5, periodSeconds: 5 },
    } }));
    await advance(30_000);
    await kubelet.flushEvents();
    const unhealthy = () => (client.list({ group: '', version: 'v1', resource: 'events' }, 'shop').items as Obj[]).find((e) => e.reason === 'Unhealthy');
    assert.equal(unhealthy(), undefined, 'healthy while the file is there');
    // Removed at 31 s: failures at 36, 41 and 46 s; the shell ignores SIGTERM, so it is killed 30 s later.
    await advance(17_000);
    await kubelet.flushEvents();
    assert.equal(unhealthy()!.message, "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory");
    assert.equal(unhealthy()!.count, 3);
    await advance(30_500);
    const p = get('liveness-exec')!;
    assert.equal(p.status.containerStatuses[0].restartCount, 1);
    assert.deepEqual([p.status.containerStatuses[0].lastState.terminated.exitCode, p.status.containerStatuses[0].lastState.terminated.reason], [137, 'Error']);
  });

  it('runs a command made only of the simulated programs as it is: its output is the log, its status the exit code', async () => {
    const { run, get, advance, kubelet, clock } = await nodeWithKubelet();
    // The CronJob tutorial's command: the date comes from the cluster's clock.
    await run(pod('hello', { spec: { restartPolicy: 'Never' }, container: { image: 'busybox:1.28', command: ['/bin/sh', '-c', 'date; echo Hello from the Kubernetes cluster'] } }));
    await run(pod('reader', { spec: { restartPolicy: 'Never' }, container: { image: 'busybox:1.37', command: ['sh', '-c', 'cat /etc/hostname && cat /etc/missing; echo "status $?"; exit 3'] } }));
    await advance(3000);
    const hello = get('hello')!.status.containerStatuses[0].state.terminated;
    assert.deepEqual([hello.exitCode, hello.reason], [0, 'Completed']);
    const started = Date.parse(hello.startedAt);
    assert.equal(kubelet.logs('shop', 'hello', 'web'), `${new Date(started).toUTCString().replace(/^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/, (_m, dow: string, d: string, mon: string, y: string, t: string) => `${dow} ${mon} ${d.replace(/^0/, ' ')} ${t} UTC ${y}`)}\nHello from the Kubernetes cluster\n`);
    assert.ok(started <= clock.now());
    const reader = get('reader')!.status.containerStatuses[0].state.terminated;
    assert.deepEqual([reader.exitCode, reader.reason], [3, 'Error']);
    assert.equal(kubelet.logs('shop', 'reader', 'web'), "reader\ncat: can't open '/etc/missing': No such file or directory\nstatus 1\n");
  });

  it('fails an exec liveness probe once kubectl exec removes the file it reads, and the restarted container has its own again', async () => {
    const { run, get, advance, kubelet } = await nodeWithKubelet();
    await run(pod('web', { container: {
      image: 'busybox:1.37',
      args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 3600'],
      livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 5, failureThreshold: 1 },
    } }));
    await advance(12_000);
    assert.equal(get('web')!.status.containerStatuses[0].restartCount, 0);
    const rm = kubelet.exec('shop', 'web', 'web', ['sh', '-c', 'rm /tmp/healthy && ls /tmp'], { stdout: () => {}, stderr: () => {}, tty: false });
    assert.equal(await rm.exitCode, 0);
    // The next probe fails; the shell ignores SIGTERM, so the kill comes at the end of the 30 s grace period.
    await advance(40_000);
    const cs = get('web')!.status.containerStatuses[0];
    assert.equal(cs.restartCount, 1);
    assert.equal(cs.lastState.terminated.exitCode, 137);
    let out = '';
    await kubelet.exec('shop', 'web', 'web', ['ls', '/tmp'], { stdout: (d) => (out += d), stderr: () => {}, tty: false }).exitCode;
    assert.equal(out, 'healthy\n', 'the new instance ran its script: a new layer, the file back');
    await advance(20_000);
    assert.equal(get('web')!.status.containerStatuses[0].restartCount, 1);
  });

  it('keeps a container unready while its readiness probe fails', async () => {
    const { run, get, advance } = await nodeWithKubelet();
    await run(pod('web', { metadata: { annotations: { 'kubeside.dev/behavior': 'fail-readiness' } }, container: { readinessProbe: { httpGet: { path: '/', port: 80 } } } }));
    await advance(30_000);
    const p = get('web')!;
    assert.equal(p.status.phase, 'Running');
    assert.equal(p.status.containerStatuses[0].ready, false);
    assert.deepEqual([condition(p, 'Ready').status, condition(p, 'Ready').message], ['False', 'containers with unready status: [web]']);
  });

  it('OOM-kills a container that grows over its memory limit', async () => {
    const { run, get, advance } = await nodeWithKubelet();
    await run(pod('hog', { metadata: { annotations: { 'kubeside.dev/behavior': 'memory=600Mi' } }, container: { resources: { limits: { memory: '512Mi' } } } }));
    await advance(2200);
    const last = get('hog')!.status.containerStatuses[0].lastState.terminated;
    assert.deepEqual([last.reason, last.exitCode], ['OOMKilled', 137]);
  });

  it('runs init containers in order before the app container', async () => {
    const { run, get, advance } = await nodeWithKubelet();
    await run(pod('web', { spec: { initContainers: [
      { name: 'migrate', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 5'] },
      { name: 'warm', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3'] },
    ] } }));
    await advance(1500);
    let p = get('web')!;
    assert.equal(p.status.phase, 'Pending');
    assert.ok(p.status.initContainerStatuses[0].state.running);
    assert.equal(p.status.initContainerStatuses[1].state.waiting.reason, 'PodInitializing');
    assert.equal(state(p).waiting.reason, 'PodInitializing');
    assert.equal(condition(p, 'Initialized').message, 'containers with incomplete status: [migrate warm]');
    await advance(5000);
    p = get('web')!;
    assert.equal(p.status.initContainerStatuses[0].state.terminated.reason, 'Completed');
    assert.ok(p.status.initContainerStatuses[1].state.running);
    await advance(4500);
    p = get('web')!;
    assert.equal(p.status.phase, 'Running');
    assert.equal(condition(p, 'Initialized').status, 'True');
  });

  it('shows ErrImagePull, then ImagePullBackOff, for an image that cannot be pulled', async () => {
    const { run, get, advance } = await nodeWithKubelet();
    await run(pod('web', { metadata: { annotations: { 'kubeside.dev/behavior': 'pull-error' } } }));
    await advance(1100);
    assert.equal(state(get('web')!).waiting.reason, 'ErrImagePull');
    await advance(1000);
    assert.deepEqual(state(get('web')!).waiting, { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nginx:1.27"' });
  });

  it('restarts the pods of a node that comes back, counting a restart and with a new IP', async () => {
    const { run, get, advance, kubelet } = await nodeWithKubelet();
    await run(pod('web'));
    await advance(1500);
    const before = get('web')!;
    kubelet.stop();
    await advance(60_000);
    assert.equal(get('web')!.status.phase, 'Running', 'a node that is down reports nothing');
    await kubelet.start();
    await advance(500);
    const after = get('web')!;
    assert.ok(state(after).running);
    assert.equal(after.status.containerStatuses[0].restartCount, 1);
    assert.deepEqual([after.status.containerStatuses[0].lastState.terminated.exitCode, after.status.containerStatuses[0].lastState.terminated.reason], [255, 'Unknown']);
    assert.notEqual(after.status.podIP, before.status.podIP);
    assert.notEqual(after.status.containerStatuses[0].containerID, before.status.containerStatuses[0].containerID);
  });

  it('rejects a pod bound to it that does not fit what the node has left: OutOfcpu', async () => {
    const { run, get, advance } = await nodeWithKubelet();
    await run(pod('small', { container: { resources: { requests: { cpu: '3' } } } }));
    await run(pod('big', { container: { resources: { requests: { cpu: '1500m' } } } }));
    await advance(1500);
    assert.equal(get('small')!.status.phase, 'Running');
    const big = get('big')!;
    assert.equal(big.status.phase, 'Failed');
    assert.equal(big.status.reason, 'OutOfcpu');
    assert.equal(big.status.message, "Pod was rejected: Node didn't have enough resource: cpu, requested: 1500, used: 3000, capacity: 4000");
    assert.equal(big.status.podIP, undefined);
  });

  it("admits a pod by its Node's labels as they are now, an administrator's too, and rejects one they do not select after one that does not fit", async () => {
    const { client, run, get, advance } = await nodeWithKubelet();
    await client.patch(nodes, undefined, 'worker-1', 'merge', { metadata: { labels: { disktype: 'ssd' } } });
    await run(pod('fast', { spec: { nodeSelector: { disktype: 'ssd' } } }));
    const required = { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disktype', operator: 'In', values: ['ssd'] }] }] };
    await run(pod('affine', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required } } } }));
    await run(pod('slow', { spec: { nodeSelector: { disktype: 'hdd' } } }));
    // Failing both, it is refused for what it asks of the node, which AdmissionCheck looks at first.
    await run(pod('both', { container: { resources: { requests: { cpu: '5' } } }, spec: { nodeSelector: { disktype: 'hdd' } } }));
    await advance(1500);
    assert.equal(get('both')!.status.reason, 'OutOfcpu');
    assert.equal(get('fast')!.status.phase, 'Running');
    assert.equal(get('affine')!.status.phase, 'Running');
    const slow = get('slow')!;
    assert.deepEqual([slow.status.phase, slow.status.reason, slow.status.message], ['Failed', 'NodeAffinity', 'Pod was rejected: Predicate NodeAffinity failed']);
  });

  it('ends a pod that outlives its activeDeadlineSeconds: Failed, DeadlineExceeded', async () => {
    const { run, get, advance } = await nodeWithKubelet();
    await run(pod('batch', { spec: { activeDeadlineSeconds: 30, restartPolicy: 'Never' } }));
    await advance(29_000);
    assert.equal(get('batch')!.status.phase, 'Running');
    await advance(1500);
    const p = get('batch')!;
    assert.deepEqual([p.status.phase, p.status.reason, p.status.message], ['Failed', 'DeadlineExceeded', 'Pod was active on the node longer than the specified deadline']);
    assert.ok(state(p).terminated, 'its container was stopped');
  });

  it('starts a sidecar before the next init container, keeps it running with the app, and stops it when the app completes', async () => {
    const { run, get, advance } = await nodeWithKubelet();
    await run(pod('job', {
      metadata: { annotations: { 'kubeside.dev/behavior.proxy': 'start-delay=2s' } },
      spec: {
        restartPolicy: 'Never',
        initContainers: [
          { name: 'proxy', image: 'envoyproxy/envoy:v1.31', restartPolicy: 'Always', startupProbe: { tcpSocket: { port: 9901 }, periodSeconds: 1 } },
          { name: 'setup', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 2'] },
        ],
      },
      container: { image: 'busybox:1.36', command: ['sh', '-c', 'sleep 5; exit 0'] },
    }));
    await advance(1100);
    let p = get('job')!;
    assert.ok(p.status.initContainerStatuses[0].state.running);
    assert.equal(p.status.initContainerStatuses[0].started, false);
    assert.equal(p.status.initContainerStatuses[1].state.waiting.reason, 'PodInitializing', 'setup waits for the sidecar to have started');
    await advance(3000);
    p = get('job')!;
    assert.equal(p.status.initContainerStatuses[0].started, true);
    assert.ok(p.status.initContainerStatuses[1].state.running);
    await advance(3000);
    p = get('job')!;
    assert.equal(p.status.phase, 'Running');
    assert.ok(p.status.initContainerStatuses[0].state.running, 'the sidecar runs beside the app');
    await advance(6000);
    p = get('job')!;
    assert.equal(p.status.phase, 'Succeeded');
    assert.ok(p.status.initContainerStatuses[0].state.terminated, 'the sidecar was stopped once the app completed');
  });

  it('holds liveness and readiness back until the startup probe passes', async () => {
    const { run, get, advance } = await nodeWithKubelet();
    await run(pod('slow', {
      metadata: { annotations: { 'kubeside.dev/behavior': 'start-delay=20s' } },
      container: {
        startupProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 5, failureThreshold: 10 },
        livenessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 5, failureThreshold: 1 },
        readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 5 },
      },
    }));
    await advance(15_000);
    let cs = get('slow')!.status.containerStatuses[0];
    assert.deepEqual([cs.started, cs.ready, cs.restartCount], [false, false, 0], 'a failing liveness probe would have restarted it');
    await advance(10_000);
    cs = get('slow')!.status.containerStatuses[0];
    assert.deepEqual([cs.started, cs.ready, cs.restartCount], [true, true, 0]);
  });

  it('keeps a pod in ContainerCreating while its node\'s pod CIDR has no free IP, and starts it once one is released', async () => {
    // A /29 per node leaves five pod IPs: .2 to .6.
    const { client, run, get, advance, kubelet } = await nodeWithKubelet('worker-1', new PodNetwork('10.244.0.0/16', '172.18.0.0/16', 29));
    for (let i = 1; i <= 6; i++) await run(pod(`web-${i}`));
    await advance(1500);
    assert.equal(get('web-5')!.status.phase, 'Running');
    const waiting = get('web-6')!;
    assert.deepEqual(state(waiting), { waiting: { reason: 'ContainerCreating' } });
    assert.equal(condition(waiting, 'PodReadyToStartContainers').status, 'False');
    await kubelet.flushEvents();
    const failed = (client.list({ group: '', version: 'v1', resource: 'events' }, 'shop').items as Obj[]).find((e) => e.reason === 'FailedCreatePodSandBox')!;
    assert.match(failed.message, /failed to allocate for range 0: no IP addresses available in range set: 10\.244\.0\.2-10\.244\.0\.6$/);
    await client.delete(pods, 'shop', 'web-1');
    await advance(2500);
    assert.equal(get('web-6')!.status.phase, 'Running');
  });

  describe('ConfigMap volumes after an update', () => {
    /** What `cat path` prints in the pod's web container, or its error. */
    const cat = async (kubelet: Kubelet, path: string) => {
      let out = '';
      const p = kubelet.exec('shop', 'web', 'web', ['cat', path], { stdout: (d) => (out += d), stderr: (d) => (out += d), tty: false });
      await p.exitCode;
      return out;
    };
    const withConfig = async () => {
      const node = await nodeWithKubelet();
      await node.client.create(configmaps, 'shop', { metadata: { name: 'web-config' }, data: { greeting: 'hello', site: 'v1' } });
      await node.run(
        pod('web', {
          spec: { volumes: [{ name: 'config', configMap: { name: 'web-config', items: [{ key: 'greeting', path: 'greeting' }, { key: 'site', path: 'conf.d/site' }] } }] },
          container: {
            env: [{ name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'web-config', key: 'greeting' } } }],
            volumeMounts: [
              { name: 'config', mountPath: '/etc/config' },
              { name: 'config', mountPath: '/etc/greeting', subPath: 'greeting' },
              { name: 'config', mountPath: '/etc/site', subPath: 'conf.d' },
            ],
          },
        }),
      );
      await node.advance(3000);
      assert.equal(node.get('web')!.status.phase, 'Running');
      return node;
    };

    it('reach the volume at the pod\'s next periodic sync (1 min plus up to half), never a subPath mount or the environment', async () => {
      const { kubelet, client, advance } = await withConfig();
      assert.deepEqual([await cat(kubelet, '/etc/config/greeting'), await cat(kubelet, '/etc/greeting'), await cat(kubelet, '/etc/site/site')], ['hello', 'hello', 'v1']);
      await client.patch(configmaps, 'shop', 'web-config', 'merge', { data: { greeting: 'hi', site: 'v2' } });
      // Nothing about the pod changed, so nothing syncs it before its periodic sync: 60 to 90 s after
      // the last sync (when the container started, within the first 3 s).
      await advance(55_000);
      assert.equal(await cat(kubelet, '/etc/config/greeting'), 'hello');
      await advance(40_000);
      assert.deepEqual([await cat(kubelet, '/etc/config/greeting'), await cat(kubelet, '/etc/config/conf.d/site')], ['hi', 'v2']);
      // A subPath mount is bound to the file the container started with; the environment was set then too.
      assert.deepEqual([await cat(kubelet, '/etc/greeting'), await cat(kubelet, '/etc/site/site')], ['hello', 'v1']);
      let env = '';
      await kubelet.exec('shop', 'web', 'web', ['env'], { stdout: (d) => (env += d), stderr: () => {}, tty: false }).exitCode;
      assert.match(env, /^GREETING=hello$/m);
    });

    it('a pod update syncs at once; a restarted container binds the new file; a deleted ConfigMap leaves the files and warns', async () => {
      const { kubelet, client, advance, get } = await withConfig();
      await client.patch(configmaps, 'shop', 'web-config', 'merge', { data: { greeting: 'hi' } });
      await advance(2_000);
      // A label change is a change of the pod: its sync rewrites the volumes (after the kubelet's 1 s object cache).
      await client.patch(pods, 'shop', 'web', 'merge', { metadata: { labels: { rev: '2' } } });
      await advance(1_000);
      assert.equal(await cat(kubelet, '/etc/config/greeting'), 'hi');
      assert.equal(await cat(kubelet, '/etc/greeting'), 'hello');
      kubelet.runtime.killContainer(get('web')!.status.containerStatuses[0].containerID);
      await advance(15_000);
      assert.equal(get('web')!.status.containerStatuses[0].restartCount, 1);
      assert.equal(await cat(kubelet, '/etc/greeting'), 'hi');

      await client.delete(configmaps, 'shop', 'web-config');
      await advance(100_000);
      assert.equal(await cat(kubelet, '/etc/config/greeting'), 'hi');
      assert.equal(get('web')!.status.phase, 'Running');
      await kubelet.flushEvents();
      const warnings = (client.list({ group: '', version: 'v1', resource: 'events' }, 'shop').items as Obj[]).filter((e) => e.reason === 'FailedMount');
      assert.equal(warnings[0]?.message, 'MountVolume.SetUp failed for volume "config" : configmap "web-config" not found');
    });
  });

  describe('what exec writes (kubectl cp runs tar)', () => {
    /** Runs `argv` in a container of `podName`, with `stdin` if given: the exit code and what it printed. */
    const exec = async (kubelet: Kubelet, podName: string, argv: string[], stdin?: Buffer) => {
      const out: Buffer[] = [];
      let err = '';
      const input = stdin && (async function* () { yield stdin; })();
      const p = kubelet.exec('shop', podName, 'web', argv, { stdout: (d) => out.push(Buffer.from(d)), stderr: (d) => (err += d), tty: false, ...(input ? { stdin: input } : {}) });
      return { code: await p.exitCode, stdout: Buffer.concat(out), stderr: err };
    };
    const archive = (entries: Record<string, string>) => writeTar(Object.entries(entries).map(([name, text]) => ({ name, type: '0', data: Buffer.from(text), mtime: 0, mode: 0o644 })));
    /** What `cat path` prints, or its error. */
    const cat = async (kubelet: Kubelet, podName: string, path: string) => {
      const r = await exec(kubelet, podName, ['cat', path]);
      return r.stdout.toString() + r.stderr;
    };

    it('lands in the container\'s layer, an emptyDir or a claim\'s disk; each lasts as long as what holds it', async () => {
      const { client, run, get, advance, kubelet } = await nodeWithKubelet();
      await client.create(pvcs, 'shop', { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
      const web = () =>
        pod('web', {
          spec: { volumes: [{ name: 'cache', emptyDir: {} }, { name: 'data', persistentVolumeClaim: { claimName: 'data' } }] },
          container: { volumeMounts: [{ name: 'cache', mountPath: '/cache' }, { name: 'data', mountPath: '/data' }] },
        });
      await run(web());
      await advance(1500);
      const put = await exec(kubelet, 'web', ['tar', '-xmf', '-', '-C', '/'], archive({ 'tmp/layer.txt': 'in the layer\n', 'cache/c.txt': 'in the emptyDir\n', 'data/d/e.txt': 'on the claim\n' }));
      assert.deepEqual([put.code, put.stderr], [0, '']);
      assert.deepEqual([await cat(kubelet, 'web', '/tmp/layer.txt'), await cat(kubelet, 'web', '/cache/c.txt'), await cat(kubelet, 'web', '/data/d/e.txt')], ['in the layer\n', 'in the emptyDir\n', 'on the claim\n']);
      assert.equal((await exec(kubelet, 'web', ['test', '-d', '/data/d'])).code, 0);
      assert.equal((await exec(kubelet, 'web', ['[', '-f', '/data/d', ']'])).code, 1);

      // A new instance of the container has a new layer; the pod's volumes stay.
      kubelet.runtime.killContainer(get('web')!.status.containerStatuses[0].containerID);
      await advance(15_000);
      assert.equal(get('web')!.status.containerStatuses[0].restartCount, 1);
      assert.match(await cat(kubelet, 'web', '/tmp/layer.txt'), /No such file or directory/);
      assert.equal(await cat(kubelet, 'web', '/cache/c.txt'), 'in the emptyDir\n');

      // A new pod has a new emptyDir; the claim's disk follows the claim.
      await client.delete(pods, 'shop', 'web');
      await advance(500);
      await run(web());
      await advance(1500);
      assert.match(await cat(kubelet, 'web', '/cache/c.txt'), /No such file or directory/);
      assert.equal(await cat(kubelet, 'web', '/data/d/e.txt'), 'on the claim\n');
    });

    it('is refused on a read-only mount and on the volumes the kubelet writes, in GNU tar\'s words; tar c reads back what is there', async () => {
      const { client, run, advance, kubelet } = await nodeWithKubelet();
      await client.create(configmaps, 'shop', { metadata: { name: 'conf' }, data: { 'app.conf': 'port=80\n' } });
      await run(
        pod('web', {
          spec: { volumes: [{ name: 'conf', configMap: { name: 'conf' } }, { name: 'scratch', emptyDir: {} }] },
          container: { volumeMounts: [{ name: 'conf', mountPath: '/etc/app' }, { name: 'scratch', mountPath: '/scratch', readOnly: true }] },
        }),
      );
      await advance(1500);
      const refused = await exec(kubelet, 'web', ['tar', 'xf', '-', '-C', '/'], archive({ 'etc/app/app.conf': 'port=81\n', 'scratch/x': 'x', 'tmp/ok': 'ok' }));
      assert.equal(refused.code, 2);
      assert.equal(refused.stderr, 'tar: etc/app/app.conf: Cannot open: Read-only file system\ntar: scratch/x: Cannot open: Read-only file system\ntar: Exiting with failure status due to previous errors\n');
      assert.equal(await cat(kubelet, 'web', '/etc/app/app.conf'), 'port=80\n');
      assert.equal(await cat(kubelet, 'web', '/tmp/ok'), 'ok');

      const made = await exec(kubelet, 'web', ['tar', 'cf', '-', '/etc/app', '/tmp/ok']);
      assert.equal(made.code, 0);
      assert.equal(made.stderr, "tar: Removing leading `/' from member names\n");
      assert.deepEqual(readTar(made.stdout).map((e) => [e.name, e.type, e.data.toString()]), [['etc/app/', '5', ''], ['etc/app/app.conf', '0', 'port=80\n'], ['tmp/ok', '0', 'ok']]);
      const missing = await exec(kubelet, 'web', ['tar', 'cf', '-', 'nope']);
      assert.deepEqual([missing.code, missing.stderr], [2, 'tar: nope: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n']);
      const nowhere = await exec(kubelet, 'web', ['tar', '-xmf', '-', '-C', '/nowhere'], archive({ a: 'a' }));
      assert.deepEqual([nowhere.code, nowhere.stderr], [2, 'tar: /nowhere: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n']);
    });
  });

  describe('the service account token of a projected volume', () => {
    const cat = async (kubelet: Kubelet, path: string) => {
      let out = '';
      await kubelet.exec('shop', 'web', 'web', ['cat', path], { stdout: (d) => (out += d), stderr: (d) => (out += d), tty: false }).exitCode;
      return out;
    };
    const tokenPath = '/var/run/secrets/kubernetes.io/serviceaccount/token';

    it('is a token bound to the pod, written with ca.crt and namespace, that authenticates as the pod\'s account', async () => {
      const { run, get, advance, kubelet, server } = await nodeWithKubelet();
      await run(pod('web'));
      await advance(3000);
      const p = get('web')!;
      assert.equal(p.status.phase, 'Running');
      const token = await cat(kubelet, tokenPath);
      const user = server.authenticate(token);
      assert.equal(user.name, 'system:serviceaccount:shop:default');
      assert.deepEqual(user.extra?.['authentication.kubernetes.io/pod-uid'], [p.metadata.uid]);
      assert.equal(await cat(kubelet, '/var/run/secrets/kubernetes.io/serviceaccount/namespace'), 'shop');
      assert.equal(await cat(kubelet, '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt'), 'cert');
      // Admission defaults the source to 3607 s: such a token is signed for a year and warns after 3607 s.
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
      assert.equal(claims.exp - claims.iat, 365 * 24 * 3600);
      assert.equal(claims['kubernetes.io'].warnafter - claims.iat, 3607);
    });

    it('is renewed at a sync past 80% of its life, and the old one is kept while a renewal fails', async () => {
      const { run, advance, kubelet, client, clock } = await nodeWithKubelet();
      await run(pod('web', { spec: { volumes: [{ name: 'vault', projected: { sources: [{ serviceAccountToken: { audience: 'vault', expirationSeconds: 600, path: 'vault-token' } }] } }] }, container: { volumeMounts: [{ name: 'vault', mountPath: '/vault' }] } }));
      await advance(3000);
      const first = await cat(kubelet, '/vault/vault-token');
      const claimsOf = (t: string) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString('utf8'));
      assert.deepEqual(claimsOf(first).aud, ['vault']);
      // 80% of 600 s is 480 s: the periodic syncs (every 60–90 s) before that keep the token.
      await advance(400_000);
      assert.equal(await cat(kubelet, '/vault/vault-token'), first);
      await advance(180_000);
      const second = await cat(kubelet, '/vault/vault-token');
      assert.notEqual(second, first);
      assert.ok(claimsOf(second).iat * 1000 >= clock.now() - 180_000);
      // The account is gone: renewals fail quietly while the last token is valid, then the volume's
      // SetUp fails (its files stay as they were).
      await client.delete({ group: '', version: 'v1', resource: 'serviceaccounts' }, 'shop', 'default');
      const failedMounts = async () => {
        await kubelet.flushEvents();
        return (client.list({ group: '', version: 'v1', resource: 'events' }, 'shop').items as Obj[]).filter((e) => e.reason === 'FailedMount').map((e) => e.message);
      };
      const expiresAt = claimsOf(second).exp * 1000;
      await advance(expiresAt - clock.now() - 1000);
      assert.equal(await cat(kubelet, '/vault/vault-token'), second);
      assert.deepEqual(await failedMounts(), []);
      await advance(100_000);
      assert.deepEqual(await failedMounts(), ['MountVolume.SetUp failed for volume "vault" : failed to fetch token: serviceaccounts "default" not found']);
      assert.equal(await cat(kubelet, '/vault/vault-token'), second);
    });
  });

  it('keeps a pod in ContainerCreating while a volume\'s ConfigMap is missing', async () => {
    const { run, get, advance } = await nodeWithKubelet();
    await run(pod('web', { spec: { volumes: [{ name: 'config', configMap: { name: 'web-config' } }] } }));
    await advance(5000);
    const p = get('web')!;
    assert.deepEqual(state(p), { waiting: { reason: 'ContainerCreating' } });
    assert.equal(condition(p, 'PodReadyToStartContainers').status, 'False');
  });
});
