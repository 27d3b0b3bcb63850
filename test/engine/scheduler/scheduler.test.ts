// Scenarios for the scheduler against the in-process API server: given nodes and pods created
// through the API, the scheduler binds each pod where kube-scheduler would, or explains why not.
import assert from 'node:assert/strict';
import { podWith, schedulerCluster } from './fixture';

const antiAffinity = (app: string) => ({
  affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' }] } },
});

describe('Scheduler', () => {
  let c: Awaited<ReturnType<typeof schedulerCluster>>;
  afterEach(() => c?.scheduler.stop());

  describe('binding', () => {
    it('puts a pod on the one node it fits, with PodScheduled=True and a Scheduled event', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1', { memory: '1Gi' });
      await c.addNode('worker-2', { memory: '16Gi' });
      await c.addNode('worker-3', { memory: '1Gi' });
      await c.scheduler.start();
      await c.createPod(podWith('web-1', { memory: '4Gi' }));
      assert.equal(await c.scheduledTo('web-1'), 'worker-2');
      const condition = c.getPod('web-1').status?.conditions?.find((x) => x.type === 'PodScheduled');
      assert.equal(condition?.status, 'True');
      await c.until(() => c.eventsFor('web-1').length > 0, 'the Scheduled event');
      const [event] = c.eventsFor('web-1');
      assert.equal(event.type, 'Normal');
      assert.equal(event.reason, 'Scheduled');
      assert.equal(event.message, 'Successfully assigned shop/web-1 to worker-2');
      assert.equal(event.source.component, 'default-scheduler');
      assert.equal(event.involvedObject.kind, 'Pod');
    });

    it('counts what is already bound: the second big pod goes to the other node', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1', { cpu: '2' });
      await c.addNode('worker-2', { cpu: '2' });
      await c.scheduler.start();
      await c.createPod(podWith('a', { cpu: '1500m' }));
      const first = await c.scheduledTo('a');
      await c.createPod(podWith('b', { cpu: '1500m' }));
      const second = await c.scheduledTo('b');
      assert.notEqual(first, second);
    });

    it('takes the largest init container when it exceeds the app containers (init containers max rule)', async () => {
      c = await schedulerCluster();
      await c.addNode('small', { cpu: '1' });
      await c.addNode('large', { cpu: '3' });
      await c.scheduler.start();
      await c.createPod(podWith('migrate', { cpu: '500m' }, { initContainers: [{ name: 'init', image: 'busybox', resources: { requests: { cpu: '2' } } }] }));
      assert.equal(await c.scheduledTo('migrate'), 'large');
    });

    it('holds a pod with scheduling gates: it is never tried while gated', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1');
      await c.scheduler.start();
      await c.createPod(podWith('gated', {}, { schedulingGates: [{ name: 'example.com/quota' }] }));
      await c.until(() => c.scheduler.queue.gatedLength === 1, 'the pod to be queued as gated');
      await c.clock.advanceAsync(10 * 60_000, 10_000);
      assert.equal(c.scheduler.stats.attempts, 0);
      assert.equal(c.getPod('gated').spec?.nodeName, undefined);
      assert.equal(c.eventsFor('gated').length, 0);
    });

    it('leaves pods of another scheduler alone', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1');
      await c.scheduler.start();
      await c.createPod(podWith('custom', {}, { schedulerName: 'my-scheduler' }));
      await c.createPod(podWith('ours'));
      await c.scheduledTo('ours');
      await c.settle();
      assert.equal(c.getPod('custom').spec?.nodeName, undefined);
    });
  });

  describe('node selection', () => {
    it('respects nodeSelector', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1', { labels: { disk: 'hdd' } });
      await c.addNode('worker-2', { labels: { disk: 'ssd' } });
      await c.addNode('worker-3');
      await c.scheduler.start();
      await c.createPod(podWith('db', {}, { nodeSelector: { disk: 'ssd' } }));
      assert.equal(await c.scheduledTo('db'), 'worker-2');
    });

    it('respects required node affinity and follows preferred node affinity', async () => {
      c = await schedulerCluster();
      await c.addNode('a', { labels: { zone: 'z1', gpu: 'no' } });
      await c.addNode('b', { labels: { zone: 'z2', gpu: 'no' } });
      await c.addNode('c', { labels: { zone: 'z2', gpu: 'yes' } });
      await c.scheduler.start();
      await c.createPod(podWith('train', {}, {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z2'] }] }] },
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'gpu', operator: 'In', values: ['yes'] }] } }],
          },
        },
      }));
      assert.equal(await c.scheduledTo('train'), 'c');
    });

    it('keeps pods off tainted nodes unless they tolerate the taint', async () => {
      c = await schedulerCluster();
      await c.addNode('control-plane', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
      await c.addNode('worker-1', { memory: '1Gi' });
      await c.scheduler.start();
      await c.createPod(podWith('web', { memory: '2Gi' }));
      await c.until(() => c.eventsFor('web').length > 0, 'the FailedScheduling event');
      assert.equal(c.eventsFor('web')[0].message, '0/2 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
      await c.createPod(podWith('agent', { memory: '2Gi' }, { tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }] }));
      assert.equal(await c.scheduledTo('agent'), 'control-plane');
    });

    it('prefers nodes without untolerated PreferNoSchedule taints', async () => {
      c = await schedulerCluster();
      await c.addNode('soft-1', { taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] });
      await c.addNode('plain');
      await c.addNode('soft-2', { taints: [{ key: 'spot', value: 'true', effect: 'PreferNoSchedule' }] });
      await c.scheduler.start();
      await c.createPod(podWith('web'));
      assert.equal(await c.scheduledTo('web'), 'plain');
    });

    it('puts two pods asking for the same host port on different nodes', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1');
      await c.addNode('worker-2');
      await c.scheduler.start();
      const hostPort = { containers: [{ name: 'proxy', image: 'envoy', ports: [{ containerPort: 8080, hostPort: 80 }] }] };
      await c.createPod(podWith('proxy-1', {}, hostPort));
      const first = await c.scheduledTo('proxy-1');
      await c.createPod(podWith('proxy-2', {}, hostPort));
      assert.notEqual(await c.scheduledTo('proxy-2'), first);
      await c.createPod(podWith('proxy-3', {}, hostPort));
      await c.until(() => c.eventsFor('proxy-3').length > 0, 'the FailedScheduling event');
      assert.match(c.eventsFor('proxy-3')[0].message, /^0\/2 nodes are available: 2 node\(s\) didn't have free ports for the requested pod ports\./);
    });

    it('skips cordoned nodes', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1', { unschedulable: true });
      await c.addNode('worker-2');
      await c.scheduler.start();
      await c.createPod(podWith('web'));
      assert.equal(await c.scheduledTo('web'), 'worker-2');
    });
  });

  describe('pod affinity and spreading', () => {
    it('spreads replicas across hostnames with required anti-affinity, and refuses a fourth on three nodes', async () => {
      c = await schedulerCluster();
      for (const n of ['worker-1', 'worker-2', 'worker-3']) await c.addNode(n);
      await c.scheduler.start();
      const placed = new Set<string>();
      for (const name of ['web-1', 'web-2', 'web-3']) {
        await c.createPod(podWith(name, {}, antiAffinity('web')));
        placed.add(await c.scheduledTo(name));
      }
      assert.equal(placed.size, 3);
      await c.createPod(podWith('web-4', {}, antiAffinity('web')));
      await c.until(() => c.eventsFor('web-4').length > 0, 'the FailedScheduling event');
      assert.equal(c.eventsFor('web-4')[0].message, "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.");
    });

    it("keeps a pod off nodes whose pods' anti-affinity rejects it", async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1');
      await c.addNode('worker-2');
      await c.scheduler.start();
      await c.createPod(podWith('loner', {}, antiAffinity('web'), { app: 'loner' }));
      const lonerNode = await c.scheduledTo('loner');
      await c.createPod(podWith('web-1'));
      assert.notEqual(await c.scheduledTo('web-1'), lonerNode);
    });

    it('co-locates a pod with the pods its required affinity names', async () => {
      c = await schedulerCluster();
      for (const n of ['worker-1', 'worker-2', 'worker-3']) await c.addNode(n);
      await c.scheduler.start();
      await c.createPod(podWith('cache', {}, {}, { app: 'cache' }));
      const cacheNode = await c.scheduledTo('cache');
      await c.createPod(podWith('web', {}, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'cache' } }, topologyKey: 'kubernetes.io/hostname' }] } } }));
      assert.equal(await c.scheduledTo('web'), cacheNode);
    });

    it('spreads evenly with a DoNotSchedule topology spread constraint', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1');
      await c.addNode('worker-2');
      await c.scheduler.start();
      const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }] };
      const counts = new Map<string, number>();
      for (let i = 1; i <= 4; i++) {
        await c.createPod(podWith(`web-${i}`, {}, spread));
        const n = await c.scheduledTo(`web-${i}`);
        counts.set(n, (counts.get(n) ?? 0) + 1);
      }
      assert.deepEqual([...counts.values()], [2, 2]);
    });
  });

  describe('unschedulable pods', () => {
    it('stay Pending with PodScheduled=False and a FailedScheduling event, and are scheduled once a fitting node is added', async () => {
      c = await schedulerCluster();
      for (const n of ['worker-1', 'worker-2', 'worker-3']) await c.addNode(n, { memory: '2Gi' });
      await c.scheduler.start();
      await c.createPod(podWith('big', { memory: '4Gi' }));
      await c.until(() => c.getPod('big').status?.conditions?.some((x) => x.type === 'PodScheduled') ?? false, 'the PodScheduled condition');
      const pod = c.getPod('big');
      assert.equal(pod.status?.phase, 'Pending');
      const condition = pod.status!.conditions!.find((x) => x.type === 'PodScheduled')!;
      assert.equal(condition.status, 'False');
      assert.equal(condition.reason, 'Unschedulable');
      // Every node is smaller than the request, so preemption could not help (UnschedulableAndUnresolvable).
      const message = '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
      assert.equal(condition.message, message);
      await c.until(() => c.eventsFor('big').length > 0, 'the FailedScheduling event');
      const [event] = c.eventsFor('big');
      assert.equal(event.type, 'Warning');
      assert.equal(event.reason, 'FailedScheduling');
      assert.equal(event.message, message);
      assert.equal(event.source.component, 'default-scheduler');
      assert.equal(event.count, 1);

      await c.addNode('worker-4', { memory: '8Gi' });
      // The pod waits out its back-off (1 s after one attempt) on the clock, then fits.
      await c.clock.advanceAsync(1_000);
      assert.equal(await c.scheduledTo('big'), 'worker-4');
    });

    it('gives every reason with its count, sorted, as kube-scheduler words it', async () => {
      c = await schedulerCluster();
      await c.addNode('control-plane', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
      await c.addNode('worker-1', { memory: '1Gi', pods: '1' });
      await c.addNode('worker-2', { memory: '1Gi' });
      await c.addNode('cordoned', { unschedulable: true });
      await c.scheduler.start();
      await c.createPod(podWith('filler'));
      await c.createPod(podWith('filler-2'));
      await c.scheduledTo('filler');
      await c.scheduledTo('filler-2');
      await c.createPod(podWith('big', { memory: '2Gi' }));
      await c.until(() => c.eventsFor('big').length > 0, 'the FailedScheduling event');
      // A node's first failing filter gives its reasons (worker-1 lacks both a pod slot and memory);
      // "count reason" strings sort bytewise, as Go's sort.Strings does, so "1 Too" precedes "1 node(s)".
      assert.equal(
        c.eventsFor('big')[0].message,
        '0/4 nodes are available: 1 Too many pods, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 1 node(s) were unschedulable, 2 Insufficient memory. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
      );
    });

    it('are retried when a pod is deleted and frees room', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1', { cpu: '1' });
      await c.scheduler.start();
      await c.createPod(podWith('old', { cpu: '800m' }));
      await c.scheduledTo('old');
      await c.createPod(podWith('new', { cpu: '800m' }));
      await c.until(() => c.eventsFor('new').length > 0, 'the FailedScheduling event');
      assert.equal(c.eventsFor('new')[0].message, '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
      await c.client.delete({ group: '', version: 'v1', resource: 'pods' }, 'shop', 'old', { gracePeriodSeconds: 0 });
      await c.clock.advanceAsync(1_000);
      assert.equal(await c.scheduledTo('new'), 'worker-1');
    });

    it('are not retried on a change that cannot help them, and count a repeated failure on the same Event', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1', { memory: '1Gi' });
      await c.scheduler.start();
      await c.createPod(podWith('big', { memory: '2Gi' }));
      await c.until(() => c.eventsFor('big').length > 0, 'the FailedScheduling event');
      const attempts = c.scheduler.stats.attempts;
      // A label change cannot help a pod rejected for memory only.
      await c.client.patch({ group: '', version: 'v1', resource: 'nodes' }, undefined, 'worker-1', 'merge', { metadata: { labels: { team: 'a' } } });
      await c.clock.advanceAsync(2_000);
      assert.equal(c.scheduler.stats.attempts, attempts);
      // Five minutes on, the queue retries it anyway; the same failure bumps the event's count.
      await c.clock.advanceAsync(5 * 60_000 + 30_000, 1_000);
      await c.until(() => c.eventsFor('big')[0]?.count === 2, 'the event count to reach 2');
      assert.equal(c.eventsFor('big').length, 1);
    });

    it('are retried when a node gains the label their nodeSelector asks for', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1');
      await c.scheduler.start();
      await c.createPod(podWith('db', {}, { nodeSelector: { disk: 'ssd' } }));
      await c.until(() => c.eventsFor('db').length > 0, 'the FailedScheduling event');
      assert.equal(c.eventsFor('db')[0].message, "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
      await c.client.patch({ group: '', version: 'v1', resource: 'nodes' }, undefined, 'worker-1', 'merge', { metadata: { labels: { disk: 'ssd' } } });
      await c.clock.advanceAsync(1_000);
      assert.equal(await c.scheduledTo('db'), 'worker-1');
    });

    it('get the room of a pod that finished (Succeeded pods hold no resources)', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1', { cpu: '1' });
      await c.scheduler.start();
      await c.createPod(podWith('job', { cpu: '800m' }, { restartPolicy: 'Never' }));
      await c.scheduledTo('job');
      await c.createPod(podWith('next', { cpu: '800m' }));
      await c.until(() => c.eventsFor('next').length > 0, 'the FailedScheduling event');
      await c.kubelet('worker-1').patch({ group: '', version: 'v1', resource: 'pods' }, 'shop', 'job', 'merge', { status: { phase: 'Succeeded' } }, {}, 'status');
      await c.clock.advanceAsync(1_000);
      assert.equal(await c.scheduledTo('next'), 'worker-1');
    });

    it('are not placed on a node that was deleted', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1', { memory: '1Gi' });
      await c.addNode('worker-2', { memory: '16Gi' });
      await c.scheduler.start();
      await c.client.delete({ group: '', version: 'v1', resource: 'nodes' }, undefined, 'worker-2');
      await c.until(() => c.scheduler.cache.numNodes === 1, 'the node to leave the cache');
      await c.createPod(podWith('big', { memory: '4Gi' }));
      await c.until(() => c.eventsFor('big').length > 0, 'the FailedScheduling event');
      assert.match(c.eventsFor('big')[0].message, /^0\/1 nodes are available: 1 Insufficient memory\./);
    });

    it('wait for the PersistentVolumeClaims they use to exist', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1');
      await c.scheduler.start();
      await c.createPod(podWith('db', {}, { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] }));
      await c.until(() => c.eventsFor('db').length > 0, 'the FailedScheduling event');
      assert.equal(c.eventsFor('db')[0].message, '0/1 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
      // Bound, as the PersistentVolume binder leaves a claim and its volume.
      await c.client.create({ group: '', version: 'v1', resource: 'persistentvolumes' }, undefined, { metadata: { name: 'disk' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/mnt/disk' }, claimRef: { namespace: 'shop', name: 'data' } } });
      await c.client.create({ group: '', version: 'v1', resource: 'persistentvolumeclaims' }, 'shop', { metadata: { name: 'data', annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeName: 'disk' } });
      await c.clock.advanceAsync(1_000);
      assert.equal(await c.scheduledTo('db'), 'worker-1');
    });

    it('wait for their claims to be bound unless the claims wait for their first consumer', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1');
      await c.scheduler.start();
      await c.client.create({ group: '', version: 'v1', resource: 'persistentvolumeclaims' }, 'shop', { metadata: { name: 'data' }, spec: { storageClassName: '', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
      await c.createPod(podWith('db', {}, { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] }));
      await c.until(() => c.eventsFor('db').length > 0, 'the FailedScheduling event');
      assert.equal(c.eventsFor('db')[0].message, '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.');
    });

    it('says so when there are no nodes at all', async () => {
      c = await schedulerCluster();
      await c.scheduler.start();
      await c.createPod(podWith('web'));
      await c.until(() => c.eventsFor('web').length > 0, 'the FailedScheduling event');
      assert.equal(c.eventsFor('web')[0].message, 'no nodes available to schedule pods');
      await c.addNode('worker-1');
      await c.clock.advanceAsync(1_000);
      assert.equal(await c.scheduledTo('web'), 'worker-1');
    });
  });

  /** PriorityClasses, as pods get their priority only through one (the Priority admission plugin). */
  const priorityClasses = async (classes: Record<string, number | [number, string]>) => {
    for (const [name, spec] of Object.entries(classes)) {
      const [value, preemptionPolicy] = typeof spec === 'number' ? [spec, undefined] : spec;
      await c.client.create({ group: 'scheduling.k8s.io', version: 'v1', resource: 'priorityclasses' }, undefined, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...(preemptionPolicy ? { preemptionPolicy } : {}) });
    }
  };

  describe('preemption', () => {
    it('deletes lower-priority pods to make room, nominates the node, and binds there once they are gone', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1', { cpu: '2' });
      await c.addNode('worker-2', { cpu: '2' });
      await c.scheduler.start();
      await priorityClasses({ batch: 10, critical: 1000, polite: [1000, 'Never'] });
      for (const name of ['batch-1', 'batch-2']) {
        await c.createPod(podWith(name, { cpu: '1500m' }, { priorityClassName: 'batch' }));
        await c.scheduledTo(name);
      }
      await c.createPod(podWith('critical', { cpu: '1500m' }, { priorityClassName: 'critical' }));
      await c.until(() => !!c.getPod('critical').status?.nominatedNodeName, 'a nominated node');
      const nominated = c.getPod('critical').status!.nominatedNodeName!;
      const victim = ['batch-1', 'batch-2'].find((n) => c.getPod(n).spec?.nodeName === nominated)!;
      await c.until(() => !!c.getPod(victim).metadata?.deletionTimestamp, 'the victim to be deleted');
      await c.until(() => c.eventsFor(victim).some((e) => e.reason === 'Preempted'), 'the Preempted event');
      const preempted = c.eventsFor(victim).find((e) => e.reason === 'Preempted');
      assert.equal(preempted?.message, `Preempted by pod ${c.getPod('critical').metadata?.uid} on node ${nominated}`);
      // The victim still holds its room while it terminates; the kubelet's final delete frees it.
      await c.client.delete({ group: '', version: 'v1', resource: 'pods' }, 'shop', victim, { gracePeriodSeconds: 0 });
      await c.clock.advanceAsync(2_000);
      assert.equal(await c.scheduledTo('critical'), nominated);
    });

    it('keeps the room a preemption freed for the nominated pod, not for a lower-priority newcomer', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1', { cpu: '2' });
      await c.scheduler.start();
      await priorityClasses({ batch: 10, critical: 1000, polite: [1000, 'Never'] });
      await c.createPod(podWith('batch', { cpu: '1500m' }, { priorityClassName: 'batch' }));
      await c.scheduledTo('batch');
      await c.createPod(podWith('critical', { cpu: '1500m' }, { priorityClassName: 'critical' }));
      await c.until(() => c.getPod('critical').status?.nominatedNodeName === 'worker-1', 'the nomination');
      await c.client.delete({ group: '', version: 'v1', resource: 'pods' }, 'shop', 'batch', { gracePeriodSeconds: 0 });
      await c.createPod(podWith('newcomer', { cpu: '1500m' }, { priorityClassName: 'batch' }));
      await c.clock.advanceAsync(2_000);
      assert.equal(await c.scheduledTo('critical'), 'worker-1');
      assert.equal(c.getPod('newcomer').spec?.nodeName, undefined);
    });

    it('does not preempt for a pod whose preemptionPolicy is Never', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1', { cpu: '2' });
      await c.scheduler.start();
      await priorityClasses({ batch: 10, critical: 1000, polite: [1000, 'Never'] });
      await c.createPod(podWith('batch', { cpu: '1500m' }, { priorityClassName: 'batch' }));
      await c.scheduledTo('batch');
      await c.createPod(podWith('polite', { cpu: '1500m' }, { priorityClassName: 'polite' }));
      await c.until(() => c.eventsFor('polite').length > 0, 'the FailedScheduling event');
      assert.equal(c.eventsFor('polite')[0].message, '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
      assert.equal(c.getPod('batch').metadata?.deletionTimestamp, undefined);
    });
  });

  describe('queue order', () => {
    it('schedules higher priority first when only one pod fits', async () => {
      c = await schedulerCluster();
      await c.addNode('worker-1', { cpu: '1' });
      await priorityClasses({ low: 0, critical: 1000 });
      await c.createPod(podWith('low', { cpu: '800m' }, { priorityClassName: 'low' }));
      await c.createPod(podWith('high', { cpu: '800m' }, { priorityClassName: 'critical' }));
      assert.deepEqual([c.getPod('low').spec?.priority, c.getPod('high').spec?.priority], [0, 1000]);
      await c.scheduler.start();
      assert.equal(await c.scheduledTo('high'), 'worker-1');
      await c.settle();
      assert.equal(c.getPod('low').spec?.nodeName, undefined);
    });
  });
});
