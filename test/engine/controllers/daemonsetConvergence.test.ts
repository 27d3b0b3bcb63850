import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { DaemonSetController } from '../../../engine/controllers/daemonset';
import { Random } from '../../../engine/util/random';
import { pods } from '../apiserver/fixture';
import { apps, newControllerCluster } from './harness';

const daemonsets = { ...apps, resource: 'daemonsets' };
const revisions = { ...apps, resource: 'controllerrevisions' };
const nodes = { group: '', version: 'v1', resource: 'nodes' };
const nodeOf = (p: Obj) => p.spec.nodeName || p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];
const ready = (p: Obj) => (p.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');

// Whatever happens to its nodes, template and pods, a DaemonSet whose sync looks again only at
// what changed ends where one looking at everything would: its status counted from scratch, one
// pod of the current revision on each node that should run it and none elsewhere; and once it is
// deleted, the controller keeps nothing of it.
describe('DaemonSet controller, at random', () => {
  for (const seed of [1, 3, 5]) {
    it(`converges to what a recount from scratch says (seed ${seed})`, async () => {
      const c = await newControllerCluster();
      const random = new Random(seed);
      const pick = <T>(of: readonly T[]) => of[random.int(of.length)]!;
      let n = 0;
      const addNode = () => c.client.create(nodes, undefined, { metadata: { name: `node-${n++}`, labels: { tier: pick(['edge', 'core']) } } });
      for (let i = 0; i < 6; i++) await addNode();
      await c.client.create(daemonsets, 'default', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { tier: 'edge' }, containers: [{ name: 'a', image: 'img:1' }] } } } });
      for (let step = 0; step < 150; step++) {
        const nodeList = c.client.list(nodes).items as Obj[];
        const podList = c.activePods();
        try {
          switch (random.int(8)) {
            case 0: await addNode(); break;
            case 1: if (nodeList.length > 2) await c.client.delete(nodes, undefined, pick(nodeList).metadata.name); break;
            case 2: if (nodeList.length) await c.client.patch(nodes, undefined, pick(nodeList).metadata.name, 'merge', { metadata: { labels: { tier: pick(['edge', 'core']) } } }); break;
            case 3: await c.client.patch(daemonsets, 'default', 'agent', 'merge', { spec: { template: { spec: { nodeSelector: { tier: pick(['edge', 'core']) }, containers: [{ name: 'a', image: `img:${step}` }] } } } }); break;
            case 4: if (podList.length) await c.client.patch(pods, 'default', pick(podList).metadata.name, 'merge', { metadata: { labels: { app: pick(['agent', 'other']) } } }); break;
            case 5: if (podList.length) await c.client.delete(pods, 'default', pick(podList).metadata.name); break;
            default: await c.kubeletSync();
          }
        } catch {
          // A write racing the controller (a pod it just deleted): the next step goes on.
        }
        await c.run(random.int(3) * 50);
      }
      for (let i = 0; i < 40; i++) {
        await c.kubeletSync();
        await c.run(200);
      }
      const ds = c.client.get(daemonsets, 'default', 'agent');
      const tier = ds.spec.template.spec.nodeSelector.tier;
      const hash = (c.client.list(revisions, 'default').items as Obj[]).sort((a, b) => b.revision - a.revision)[0]!.metadata.labels['controller-revision-hash'];
      const nodeList = c.client.list(nodes).items as Obj[];
      const mine = c.activePods().filter((p) => p.metadata.ownerReferences?.some((o: Obj) => o.uid === ds.metadata.uid && o.controller));
      const count = { desired: 0, current: 0, misscheduled: 0, ready: 0, updated: 0 };
      for (const node of nodeList) {
        const should = node.metadata.labels?.tier === tier;
        const on = mine.filter((p) => nodeOf(p) === node.metadata.name);
        if (should) count.desired++;
        if (!on.length) continue;
        if (!should) {
          count.misscheduled++;
          continue;
        }
        count.current++;
        if (ready(on[0]!)) count.ready++;
        if (on[0]!.metadata.labels['controller-revision-hash'] === hash) count.updated++;
      }
      const s = ds.status;
      assert.deepEqual({ desired: s.desiredNumberScheduled, current: s.currentNumberScheduled, misscheduled: s.numberMisscheduled, ready: s.numberReady, updated: s.updatedNumberScheduled ?? 0 }, count);
      const want = nodeList.filter((x) => x.metadata.labels?.tier === tier).map((x) => x.metadata.name).sort();
      // (Pods left on deleted nodes are the pod garbage collector's, not the DaemonSet's.)
      const onNodes = mine.filter((p) => nodeList.some((x) => x.metadata.name === nodeOf(p)));
      assert.deepEqual(onNodes.map(nodeOf).sort(), want, 'one pod on each node that should run it, none elsewhere');
      assert.equal(count.updated, want.length, 'all of the current revision');
      assert.ok(mine.every((p) => p.metadata.labels.app === 'agent'), 'pods relabelled away were released');

      await c.client.delete(daemonsets, 'default', 'agent');
      for (let i = 0; i < 20; i++) {
        await c.kubeletSync();
        await c.run(200);
      }
      assert.deepEqual(c.podsOf().filter((p) => p.metadata.labels?.app === 'agent').map((p) => p.metadata.name), [], 'its pods went with it');
      const controller = c.manager.controllers.find((x) => x instanceof DaemonSetController) as unknown as Record<string, Map<string, unknown>>;
      const kept = ['placements', 'hashes', 'tallies', 'daemonPods', 'unselected', 'selectors'].filter((field) => controller[field]!.size > 0);
      assert.deepEqual(kept, [], 'the controller keeps nothing of it');
    });
  }
});
