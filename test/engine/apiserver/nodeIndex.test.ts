import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { Random } from '../../../engine/util/random';
import { configmaps, newCluster, pod, pods } from './fixture';

const names = (items: Obj[]) => items.map((p) => `${p.metadata.namespace}/${p.metadata.name}@${p.metadata.resourceVersion}`);

// The nodeName index of the shared pods watch against a full scan, at every kind of revision a
// client asks for: the current one, older ones read exactly, pages of continue tokens, the initial
// events of a watch. Writes run ahead of the watch, watches close and reopen (the index with
// them), and the history is kept short so that compaction happens along the way.
describe('API server: the nodeName index, at random', () => {
  for (const seed of [1, 2, 3]) {
    it(`lists a node's pods as a full scan finds them (seed ${seed})`, async () => {
      const { client, namespace, store } = await newCluster({ historyRevisions: 15 });
      for (const ns of ['a', 'ab', 'b']) await namespace(ns);
      const random = new Random(seed);
      const pick = <T>(of: readonly T[]) => of[random.int(of.length)]!;
      const nodes = ['n1', 'n10', 'n2'];
      let watches: { stop(): void }[] = [];
      const open = () => {
        watches.push(client.watch(pods, undefined, { resourceVersion: client.list(pods).metadata.resourceVersion }, () => {}));
        watches.push(client.watch(pods, undefined, { resourceVersion: client.list(pods).metadata.resourceVersion, fieldSelector: 'spec.nodeName=n1' }, () => {}));
      };
      let served = 0;
      const keysChanged = store.keysChanged.bind(store);
      store.keysChanged = (key, end, after, through) => {
        const keys = keysChanged(key, end, after, through);
        if (keys) served++;
        return keys;
      };
      open();
      const revs: number[] = [];
      const check = (when: string) => {
        const cur = store.revision;
        revs.push(cur);
        const candidates = [cur, ...revs.slice(-6)].filter((r) => r >= store.compactRevision);
        for (const rv of candidates) {
          const opts = rv === cur ? {} : { resourceVersion: String(rv), resourceVersionMatch: 'Exact' as const };
          const all = client.list(pods, undefined, opts).items;
          for (const ns of [undefined, 'a', 'ab']) for (const node of nodes) {
            const want = names(all.filter((p: Obj) => p.spec.nodeName === node && (!ns || p.metadata.namespace === ns)));
            const got = client.list(pods, ns, { fieldSelector: `spec.nodeName=${node}`, ...opts });
            assert.deepEqual(names(got.items), want, `${when} rv ${rv}/${cur} ${ns} ${node}`);
            const paged: string[] = [];
            let token: string | undefined;
            do {
              const page = client.list(pods, ns, { fieldSelector: `spec.nodeName=${node}`, limit: 1, ...(token ? { continue: token } : opts) });
              paged.push(...names(page.items));
              token = page.metadata.continue;
            } while (token);
            assert.deepEqual(paged, want, `${when} paged rv ${rv} ${ns} ${node}`);
          }
        }
        // initial events of a watch
        for (const node of nodes) {
          const got: string[] = [];
          const w = client.watch(pods, undefined, { fieldSelector: `spec.nodeName=${node}` }, (e) => {
            if (e.type === 'ADDED') got.push(`${e.object.metadata.namespace}/${e.object.metadata.name}@${e.object.metadata.resourceVersion}`);
          });
          w.stop();
          const want = names(client.list(pods).items.filter((p: Obj) => p.spec.nodeName === node));
          assert.deepEqual(got.sort(), want.sort(), `${when} initial ${node}`);
        }
      };
      const live = new Set<string>();
      const pendings: Promise<unknown>[] = [];
      for (let step = 0; step < 100; step++) {
        const ns = pick(['a', 'ab', 'b']);
        const name = `p${random.int(8)}`;
        const key = `${ns}/${name}`;
        const r = random.int(10);
        let write: Promise<unknown>;
        if (r === 0) write = client.create(configmaps, ns, { metadata: { generateName: 'c-' } });
        else if (r === 1 && random.int(3) === 0) {
          for (const w of watches) w.stop();
          watches = [];
          open();
          write = Promise.resolve();
        }
        else if (!live.has(key)) {
          write = client.create(pods, ns, pod(name, { spec: { nodeName: pick(nodes), automountServiceAccountToken: false } })).catch(() => {});
          live.add(key);
        }
        else if (random.int(2) === 0) write = client.patch(pods, ns, name, 'merge', { metadata: { labels: { step: String(step) } } }).catch(() => {});
        else {
          write = client.delete(pods, ns, name, { gracePeriodSeconds: 0 }).catch(() => {});
          live.delete(key);
        }
        pendings.push(write);
        check(`step ${step} written`);
        if (random.int(3) === 0) await Promise.all(pendings.splice(0));
        if (random.int(2) === 0) await new Promise((r) => setImmediate(r));
        if (random.int(4) === 0) await Promise.resolve();
        check(`step ${step} later`);
      }
      await Promise.all(pendings);
      assert.ok(store.compactRevision > 0, 'compaction happened');
      assert.ok(served > 1000, `${served} lists read through the index`);
      for (const w of watches) w.stop();
    });
  }
});
