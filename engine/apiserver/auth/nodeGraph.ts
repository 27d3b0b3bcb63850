// The Node authorizer's graph: which node each pod is bound to and which Secrets, ConfigMaps,
// PersistentVolumeClaims and service accounts its pods use, so a kubelet's get is answered by a
// lookup instead of a scan of every pod (kube-apiserver's plugin/pkg/auth/authorizer/node/graph.go).
// Unlike kube-apiserver's, which an informer fills a little late, this one reads every pod commit
// from the store before it answers, so a kubelet is never refused an object its new pod just named.
import { isStoreError, type Store, type Watch, type WatchEvent } from '../../store/index';
import type { ResourceStorage } from '../registry/resource';
import type { Obj } from '../registry/strategy';
import type { NodeGraph } from './node';

type ReferencedResource = Parameters<NodeGraph['referencedByNode']>[1];

export class PodNodeGraph implements NodeGraph {
  /** Each bound pod's edges, by store key: what `refs` counts for it. */
  private readonly edges = new Map<string, string[]>();
  /** How many bound pods give a node each edge (`node|namespace|resource|name`). */
  private readonly refs = new Map<string, number>();
  /** The node each bound pod is on, by store key, and the revision that pod was created at. */
  private readonly nodes = new Map<string, { node: string; created: number }>();
  private watch: Watch | undefined;
  private scheduled = false;

  constructor(private readonly store: Store, private readonly pods: () => ResourceStorage | undefined) {}

  podNode(namespace: string, name: string): string | undefined {
    const storage = this.pods();
    if (!storage) return undefined;
    this.catchUp();
    return this.nodes.get(storage.key(namespace, name))?.node;
  }

  referencedByNode(node: string, resource: ReferencedResource, namespace: string, name: string): boolean {
    this.catchUp();
    return this.refs.has(edgeKey(node, namespace, resource, name));
  }

  /**
   * Applies every pod commit since the last question; rebuilds from a list when the store compacted
   * them away. While commits keep coming it also catches up once a turn by itself, so a question
   * after a burst of thousands of pod writes does not find them all still to apply at once.
   */
  private catchUp(): void {
    const storage = this.pods();
    if (!storage) return;
    if (this.watch) {
      try {
        const events = this.watch.drain();
        for (const e of events) this.apply(storage, e);
        if (events.length) this.catchUpNextTurn();
        return;
      } catch (err) {
        if (!isStoreError(err, 'compacted') && !isStoreError(err, 'watchCancelled')) throw err;
      }
    }
    this.edges.clear();
    this.refs.clear();
    this.nodes.clear();
    const prefix = storage.collectionPrefix(undefined);
    const end = storage.rangeEnd(prefix);
    const list = this.store.range(prefix, { end });
    for (const kv of list.kvs) this.set(kv.key, storage.decode(kv), kv.createRevision);
    this.watch = this.store.watch({ key: prefix, end, sinceRevision: list.revision });
  }

  /**
   * After a pod write: catch up on a later turn, while nothing waits on it, so the commits of a
   * burst are applied a turn's worth at a time rather than all at the next question.
   */
  catchUpSoon(): void {
    if (this.watch) this.catchUpNextTurn();
  }

  private catchUpNextTurn(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      try {
        this.catchUp();
      } catch {
        // A store that closed meanwhile: the next question meets the same error and reports it.
      }
    });
  }

  private apply(storage: ResourceStorage, e: WatchEvent): void {
    if (e.type === 'DELETE') return this.set(e.kv.key, undefined, 0);
    // A bound pod's node and everything it references are immutable (pod update validation allows
    // only images, tolerations and the deadline to change): its later writes, nearly all of them
    // kubelet status reports, cannot change the graph and are not decoded.
    if (this.nodes.get(e.kv.key)?.created === e.kv.createRevision) return;
    // Nor is a pod whose stored text has no nodeName: it is not bound, and has no edges yet.
    if (typeof e.kv.value === 'string' && !e.kv.value.includes('"nodeName"')) return this.set(e.kv.key, undefined, 0);
    // The graph reads the pod's references and keeps none of it: the written object serves as is.
    this.set(e.kv.key, storage.peek(e.kv), e.kv.createRevision);
  }

  private set(key: string, pod: Readonly<Obj> | undefined, created: number): void {
    for (const edge of this.edges.get(key) ?? []) {
      const n = this.refs.get(edge)! - 1;
      if (n === 0) this.refs.delete(edge);
      else this.refs.set(edge, n);
    }
    this.edges.delete(key);
    this.nodes.delete(key);
    const node: string | undefined = pod?.spec?.nodeName;
    if (!pod || !node) return;
    this.nodes.set(key, { node, created });
    const edges = [...new Set(podReferences(pod).map(([resource, name]) => edgeKey(node, pod.metadata.namespace, resource, name)))];
    this.edges.set(key, edges);
    for (const edge of edges) this.refs.set(edge, (this.refs.get(edge) ?? 0) + 1);
  }
}

function edgeKey(node: string, namespace: string, resource: string, name: string): string {
  return `${node}|${namespace}|${resource}|${name}`;
}

/** The Secrets, ConfigMaps, PVCs and service account a pod uses (volumes, env, envFrom, imagePullSecrets). */
function podReferences(pod: Obj): [ReferencedResource, string][] {
  const spec = pod.spec ?? {};
  const out: [ReferencedResource, string][] = [['serviceaccounts', spec.serviceAccountName ?? 'default']];
  for (const s of spec.imagePullSecrets ?? []) if (s.name) out.push(['secrets', s.name]);
  for (const v of spec.volumes ?? []) {
    if (v.secret?.secretName) out.push(['secrets', v.secret.secretName]);
    if (v.configMap?.name) out.push(['configmaps', v.configMap.name]);
    if (v.persistentVolumeClaim?.claimName) out.push(['persistentvolumeclaims', v.persistentVolumeClaim.claimName]);
    for (const s of v.projected?.sources ?? []) {
      if (s.secret?.name) out.push(['secrets', s.secret.name]);
      if (s.configMap?.name) out.push(['configmaps', s.configMap.name]);
    }
  }
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const e of c.envFrom ?? []) {
      if (e.secretRef?.name) out.push(['secrets', e.secretRef.name]);
      if (e.configMapRef?.name) out.push(['configmaps', e.configMapRef.name]);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.secretKeyRef?.name) out.push(['secrets', e.valueFrom.secretKeyRef.name]);
      if (e.valueFrom?.configMapKeyRef?.name) out.push(['configmaps', e.valueFrom.configMapKeyRef.name]);
    }
  }
  return out;
}
