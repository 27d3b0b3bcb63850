// The garbage collector (pkg/controller/garbagecollector): a graph of owner references over every
// resource that can be listed, watched and deleted, kept current from the shared informers (its
// GraphBuilder), and one work queue with two kinds of keys:
//   `delete/<uid>`  attemptToDeleteItem: an object whose owners are all gone is deleted; dangling
//                   references next to a live owner are removed; an owner being deleted in the
//                   foreground loses its `foregroundDeletion` finalizer once no dependent blocks it.
//   `orphan/<uid>`  attemptToOrphan: an owner deleted with the `orphan` finalizer has its
//                   references removed from every dependent, then the finalizer.
// See https://kubernetes.io/docs/concepts/architecture/garbage-collection/
import type { ResourceType } from '../apiserver/client';
import type { Obj } from '../apiserver/registry/strategy';
import { parseAPIVersion } from '../api/kinds/index';
import { deepEqual } from '../api/patch/jsonValue';
import { Controller, type ControllerContext, isNotFound, statusCode } from './runtime/controller';
import { discoverResources } from './runtime/discovery';

export const finalizerOrphanDependents = 'orphan';
export const finalizerDeleteDependents = 'foregroundDeletion';

interface Resource extends ResourceType {
  namespaced: boolean;
}

interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** One object in the graph: who it is and whom it names as owners. */
interface GraphNode {
  uid: string;
  resource: Resource;
  kind: string;
  namespace: string;
  name: string;
  owners: OwnerRef[];
  beingDeleted: boolean;
  deletingDependents: boolean;
}

/** Resources the collector never tracks (Kubernetes' ignoredResources): events are too many to matter. */
const ignored = new Set(['/events', 'events.k8s.io/events']);

const resyncMonitorsMs = 30_000;

const hasFinalizer = (obj: Obj, f: string): boolean => (obj.metadata?.finalizers ?? []).includes(f);

export class GarbageCollector extends Controller {
  readonly name = 'garbage-collector-controller';
  private readonly nodes = new Map<string, GraphNode>();
  /** owner uid → dependent uids: the graph's edges, by the owner's side. */
  private readonly dependents = new Map<string, Set<string>>();
  /** group/plural → the served resource: owner references may name any version of a kind. */
  private readonly byGroupResource = new Map<string, Resource>();

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.syncMonitors();
    // kube-controller-manager re-runs discovery for the collector every 30 seconds.
    this.every(resyncMonitorsMs, () => this.syncMonitors());
  }

  /**
   * Watches every deletable resource the server serves now (GarbageCollector.resyncMonitors):
   * resources that appeared since, such as a new CRD's, get a monitor too.
   */
  syncMonitors(): void {
    for (const found of discoverResources(this.ctx.client, ['list', 'watch', 'delete'])) {
      const key = `${found.group}/${found.resource}`;
      if (ignored.has(key) || this.byGroupResource.has(key)) continue;
      const resource: Resource = { group: found.group, version: found.version, resource: found.resource, namespaced: found.namespaced };
      this.byGroupResource.set(key, resource);
      this.ctx.informers.informerFor(resource).addEventHandler({
        onAdd: (obj) => this.observe(resource, obj),
        onUpdate: (_old, obj) => this.observe(resource, obj),
        onDelete: (obj) => this.removed(obj),
      });
    }
  }

  /** How many objects the graph holds (for diagnostics and tests). */
  get graphSize(): number {
    return this.nodes.size;
  }

  // ---- the graph builder: keeps the graph current and queues what needs a look ----

  private observe(resource: Resource, obj: Obj): void {
    const meta = obj.metadata ?? {};
    const uid: string = meta.uid;
    if (!uid) return;
    const previous = this.nodes.get(uid);
    const owners: OwnerRef[] = meta.ownerReferences ?? [];
    const node: GraphNode = {
      uid,
      resource,
      kind: obj.kind ?? '',
      namespace: meta.namespace ?? '',
      name: meta.name,
      owners,
      beingDeleted: !!meta.deletionTimestamp,
      deletingDependents: !!meta.deletionTimestamp && hasFinalizer(obj, finalizerDeleteDependents),
    };
    this.nodes.set(uid, node);
    const before = new Map((previous?.owners ?? []).map((r) => [r.uid, r]));
    const after = new Map(owners.map((r) => [r.uid, r]));
    for (const [ownerUid, ref] of before) {
      if (after.has(ownerUid)) continue;
      this.dependents.get(ownerUid)?.delete(uid);
      // A removed blocking reference may be what a foreground deletion waits for.
      if (ref.blockOwnerDeletion && this.nodes.get(ownerUid)?.deletingDependents) this.queue.add(`delete/${ownerUid}`);
    }
    for (const ownerUid of after.keys()) {
      let set = this.dependents.get(ownerUid);
      if (!set) this.dependents.set(ownerUid, (set = new Set()));
      set.add(uid);
    }
    // New references (or a new object) may point at owners that are already gone: unless the graph
    // holds every owner they name, alive, the object is checked against the API server (Kubernetes
    // checks an owner it has not observed, a "virtual" node, and dependents whose reference
    // disagrees with the owner it has).
    if (owners.length && (!previous || !deepEqual(previous.owners, owners)) && !owners.every((ref) => this.observedOwner(node, ref))) this.queue.add(`delete/${uid}`);
    if (node.beingDeleted && hasFinalizer(obj, finalizerOrphanDependents)) this.queue.add(`orphan/${uid}`);
    if (node.deletingDependents) {
      this.queue.add(`delete/${uid}`);
      if (!previous?.deletingDependents) for (const dep of this.dependents.get(uid) ?? []) this.queue.add(`delete/${dep}`);
    }
  }

  /** Whether the graph holds the owner `ref` names, alive, matching the reference in kind, name and scope. */
  private observedOwner(dependent: GraphNode, ref: OwnerRef): boolean {
    const owner = this.nodes.get(ref.uid);
    if (!owner || owner.beingDeleted || owner.kind !== ref.kind || owner.name !== ref.name) return false;
    if (owner.resource.group !== parseAPIVersion(ref.apiVersion ?? '').group) return false;
    // A namespaced owner is one of the dependent's own namespace.
    return !owner.resource.namespaced || owner.namespace === dependent.namespace;
  }

  private removed(obj: Obj): void {
    const uid: string | undefined = obj.metadata?.uid;
    if (!uid) return;
    const node = this.nodes.get(uid);
    this.nodes.delete(uid);
    // Its dependents may now have no owner left.
    for (const dep of this.dependents.get(uid) ?? []) this.queue.add(`delete/${dep}`);
    for (const ref of node?.owners ?? []) {
      const set = this.dependents.get(ref.uid);
      set?.delete(uid);
      if (set && set.size === 0 && !this.nodes.has(ref.uid)) this.dependents.delete(ref.uid);
      if (this.nodes.get(ref.uid)?.deletingDependents) this.queue.add(`delete/${ref.uid}`);
    }
    if (!this.dependents.get(uid)?.size) this.dependents.delete(uid);
  }

  // ---- the workers ----

  async sync(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const uid = key.slice(slash + 1);
    if (key.slice(0, slash) === 'orphan') return this.attemptToOrphan(uid);
    return this.attemptToDelete(uid);
  }

  /** The object as the API server has it now, if it is still the one with this uid. */
  private latest(node: GraphNode): Obj | undefined {
    const obj = this.ctx.client.tryGet(node.resource, node.namespace || undefined, node.name);
    return obj && obj.metadata.uid === node.uid ? obj : undefined;
  }

  private async attemptToDelete(uid: string): Promise<void> {
    const node = this.nodes.get(uid);
    if (!node) return;
    const latest = this.latest(node);
    if (!latest) return;
    if (latest.metadata.deletionTimestamp) {
      if (hasFinalizer(latest, finalizerDeleteDependents)) await this.processDeletingDependents(node, latest);
      return;
    }
    const owners: OwnerRef[] = latest.metadata.ownerReferences ?? [];
    if (owners.length === 0) return;
    const solid: OwnerRef[] = [];
    const dangling: OwnerRef[] = [];
    const waiting: OwnerRef[] = [];
    for (const ref of owners) {
      const owner = this.lookupOwner(node, ref);
      if (!owner) dangling.push(ref);
      else if (owner.metadata.deletionTimestamp && hasFinalizer(owner, finalizerDeleteDependents)) waiting.push(ref);
      else solid.push(ref);
    }
    if (solid.length) {
      if (dangling.length + waiting.length === 0) return;
      // A live owner keeps the object; the references to owners that are gone (or going) are dropped.
      const drop = new Set([...dangling, ...waiting].map((r) => r.uid));
      await this.writeOwnerReferences(node, latest, owners.filter((r) => !drop.has(r.uid)));
      return;
    }
    const deps = this.dependents.get(uid);
    if (waiting.length && deps?.size) {
      for (const dep of deps) {
        if (this.nodes.get(dep)?.deletingDependents) {
          // Owner and dependent both wait for dependents: unblock this object's references to avoid a cycle.
          await this.writeOwnerReferences(node, latest, owners.map((r) => ({ ...r, blockOwnerDeletion: false })));
          break;
        }
      }
      // Deleted in the foreground, it goes once its own dependents have gone.
      return this.deleteObject(node, 'Foreground');
    }
    const policy = hasFinalizer(latest, finalizerOrphanDependents) ? 'Orphan' : hasFinalizer(latest, finalizerDeleteDependents) ? 'Foreground' : 'Background';
    return this.deleteObject(node, policy);
  }

  /** The owner a reference names, as the API server has it now (by uid), or undefined when it is gone. */
  private lookupOwner(node: GraphNode, ref: OwnerRef): Obj | undefined {
    const { group } = parseAPIVersion(ref.apiVersion ?? '');
    const info = this.ctx.client.resourceFor(ref.apiVersion, ref.kind) ?? this.ctx.client.discover().find((k) => k.group === group && k.kind === ref.kind);
    const groupResource = info && `${info.group}/${'resource' in info ? info.resource : info.plural}`;
    let resource = groupResource && this.byGroupResource.get(groupResource);
    if (groupResource && !resource) {
      // Perhaps served only since the last discovery (a new CRD): look again before giving up.
      this.syncMonitors();
      resource = this.byGroupResource.get(groupResource);
    }
    // Kubernetes retries a reference it cannot resolve (the kind may not be served yet).
    if (!resource) throw new Error(`cannot resolve owner ${ref.kind} ${ref.apiVersion} of ${node.resource.resource} ${node.namespace}/${node.name}`);
    // A namespaced owner of a cluster-scoped object cannot exist.
    if (resource.namespaced && !node.namespace) return undefined;
    const owner = this.ctx.client.tryGet(resource, resource.namespaced ? node.namespace : undefined, ref.name);
    return owner && owner.metadata.uid === ref.uid ? owner : undefined;
  }

  /** Foreground deletion: the owner goes once no dependent with blockOwnerDeletion is left. */
  private async processDeletingDependents(node: GraphNode, latest: Obj): Promise<void> {
    const blocking: GraphNode[] = [];
    for (const dep of this.dependents.get(node.uid) ?? []) {
      const d = this.nodes.get(dep);
      if (d && d.owners.some((r) => r.uid === node.uid && r.blockOwnerDeletion)) blocking.push(d);
    }
    if (blocking.length === 0) {
      await this.removeFinalizer(node, latest, finalizerDeleteDependents);
      return;
    }
    for (const dep of blocking) if (!dep.beingDeleted) this.queue.add(`delete/${dep.uid}`);
  }

  private async attemptToOrphan(uid: string): Promise<void> {
    const node = this.nodes.get(uid);
    if (!node) return;
    const latest = this.latest(node);
    if (!latest || !hasFinalizer(latest, finalizerOrphanDependents)) return;
    for (const dep of [...(this.dependents.get(uid) ?? [])]) {
      const depNode = this.nodes.get(dep);
      if (!depNode) continue;
      const obj = this.latest(depNode);
      const refs: OwnerRef[] = obj?.metadata.ownerReferences ?? [];
      if (!obj || !refs.some((r) => r.uid === uid)) continue;
      await this.writeOwnerReferences(depNode, obj, refs.filter((r) => r.uid !== uid));
    }
    await this.removeFinalizer(node, latest, finalizerOrphanDependents);
  }

  // ---- writes ----

  private async deleteObject(node: GraphNode, propagationPolicy: 'Orphan' | 'Foreground' | 'Background'): Promise<void> {
    try {
      await this.ctx.client.delete(node.resource, node.namespace || undefined, node.name, { preconditions: { uid: node.uid }, propagationPolicy });
    } catch (err) {
      // Gone already, or replaced by a new object of the same name: nothing left to collect.
      if (isNotFound(err) || statusCode(err) === 409) return;
      throw err;
    }
  }

  private async writeOwnerReferences(node: GraphNode, latest: Obj, refs: OwnerRef[]): Promise<void> {
    const metadata = { ...latest.metadata, ownerReferences: refs.length ? refs : undefined };
    if (!refs.length) delete metadata.ownerReferences;
    try {
      await this.ctx.client.update(node.resource, node.namespace || undefined, { ...latest, metadata });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async removeFinalizer(node: GraphNode, latest: Obj, finalizer: string): Promise<void> {
    const finalizers = (latest.metadata.finalizers ?? []).filter((f: string) => f !== finalizer);
    const metadata = { ...latest.metadata, finalizers };
    if (!finalizers.length) delete metadata.finalizers;
    try {
      await this.ctx.client.update(node.resource, node.namespace || undefined, { ...latest, metadata });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
