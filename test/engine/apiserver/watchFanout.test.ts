import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { type FanoutListener, type SharedDecode, WatchFanout } from '../../../engine/apiserver/watchFanout';
import { Store, type WatchEvent } from '../../../engine/store/index';

const settle = () => new Promise((r) => setImmediate(r));

describe('watch fan-out', () => {
  it("decodes each version once: an event's previous version is the object the last event of that key decoded", async () => {
    const store = Store.inMemory();
    let decodes = 0;
    const decode = (kv: WatchEvent['kv']): Obj => {
      decodes++;
      return { ...JSON.parse(String(kv.value)), rv: kv.modRevision };
    };
    const fanout = new WatchFanout(store, '/pods/', '/pods0', decode, (pod) => pod.node as string | undefined, () => {});
    const seen: { obj?: Obj; prev?: Obj }[] = [];
    const listener: FanoutListener = {
      key: '/pods/',
      end: '/pods0',
      trigger: 'node-1',
      deliveredThrough: store.revision,
      onEvent: (_e: WatchEvent, shared: SharedDecode) => {
        const obj = shared.obj();
        const prev = shared.prev();
        seen.push({ ...(obj ? { obj } : {}), ...(prev ? { prev } : {}) });
      },
      onProgress: () => {},
      onEnd: () => {},
    };
    fanout.add(listener);
    await store.put('/pods/a', JSON.stringify({ node: 'node-1', v: 1 }));
    await store.put('/pods/a', JSON.stringify({ node: 'node-1', v: 2 }));
    await store.put('/pods/a', JSON.stringify({ node: 'node-1', v: 3 }));
    await store.delete('/pods/a');
    await settle();
    assert.deepEqual(seen.map((s) => [s.obj?.v, s.prev?.v]), [[1, undefined], [2, 1], [3, 2], [undefined, 3]]);
    // Each previous version is the very object delivered for it, not a second decode.
    assert.equal(seen[1]!.prev, seen[0]!.obj);
    assert.equal(seen[3]!.prev, seen[2]!.obj);
    assert.equal(decodes, 3);
    fanout.remove(listener);
    await store.close();
  });

  it('decodes a previous version it did not keep (a version from before the fan-out started)', async () => {
    const store = Store.inMemory();
    await store.put('/pods/b', JSON.stringify({ node: 'node-2', v: 1 }));
    let decodes = 0;
    const decode = (kv: WatchEvent['kv']): Obj => {
      decodes++;
      return JSON.parse(String(kv.value));
    };
    const fanout = new WatchFanout(store, '/pods/', '/pods0', decode, (pod) => pod.node as string | undefined, () => {});
    const prevs: unknown[] = [];
    fanout.add({ key: '/pods/', end: '/pods0', trigger: 'node-1', deliveredThrough: store.revision, onEvent: (_e, shared) => prevs.push(shared.prev()?.node), onProgress: () => {}, onEnd: () => {} });
    // Moved from node-2 to node-1: the watch of node-1 sees it arrive, from a version decoded afresh.
    await store.put('/pods/b', JSON.stringify({ node: 'node-1', v: 2 }));
    await settle();
    assert.deepEqual(prevs, ['node-2']);
    assert.equal(decodes, 2);
  });
});
