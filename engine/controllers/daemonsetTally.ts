// What a DaemonSet's sync decides, kept node by node. The controller's sync (syncDaemonSet) looks
// at every node: does its pod exist, is it failed, old, available, wanted there at all. A sync
// comes after every pod event of the set, so at 5,000 nodes walking them all each time made
// bring-up quadratic. A SetTally keeps each node's answer and the status totals, and a sync
// works out again only the nodes something happened to since the last (a pod event, a node that
// joined, left or changed), and every node when the template or its hash changes.
import type { Obj } from '../apiserver/registry/strategy';
import { isPodReady, isPodTerminal } from './util/pod';

export const controllerRevisionHashLabel = 'controller-revision-hash';
export const podTemplateGenerationLabel = 'pod-template-generation';

/**
 * Whether a pod runs the set's current template (IsPodUpdated): its revision hash is the template's,
 * or its template generation label is the set's template generation, which a pod made before the
 * hash changed form (by another version of the controller, or restored from a snapshot) still has.
 */
export function isPodUpdated(pod: Obj, hash: string, templateGeneration: number | undefined): boolean {
  const labels = pod.metadata.labels;
  return (hash !== '' && labels?.[controllerRevisionHashLabel] === hash) || (templateGeneration !== undefined && labels?.[podTemplateGenerationLabel] === String(templateGeneration));
}

/** The status counts of a DaemonSet, plus the nodes without an available pod (for maxUnavailable). */
export interface Totals {
  desired: number;
  current: number;
  misscheduled: number;
  ready: number;
  available: number;
  updated: number;
  unavailable: number;
}

/** What one node asks of the set's sync, and what it adds to the totals. */
interface NodeTally extends Totals {
  /** A pod should run here and the node has none. */
  create: boolean;
  /** Pods to delete whatever the update strategy: misscheduled, failed, or newer duplicates. */
  remove: readonly Obj[];
  /** An old pod that is not available: a rolling update replaces it at once. */
  replaceNow: Obj | undefined;
  /** An old pod that is available: a rolling update replaces it within maxUnavailable. */
  oldAvailable: Obj | undefined;
}

const countNames = ['desired', 'current', 'misscheduled', 'ready', 'available', 'updated', 'unavailable'] as const;

export function emptyTotals(): Totals {
  return { desired: 0, current: 0, misscheduled: 0, ready: 0, available: 0, updated: 0, unavailable: 0 };
}

/**
 * One node's part of a sync (manage, rollingUpdate and the status counts of the DaemonSet
 * controller): `should` whether the set's pod should run there, `pods` the set's pods that name it.
 */
export function tallyNode(should: boolean, pods: readonly Obj[], updated: (pod: Obj) => boolean, available: (pod: Obj) => boolean): NodeTally {
  const t: NodeTally = { ...emptyTotals(), create: false, remove: [], replaceNow: undefined, oldAvailable: undefined };
  if (should) t.desired = 1;
  if (pods.length === 0) {
    if (should) {
      t.create = true;
      t.unavailable = 1;
    }
    return t;
  }
  const first = pods.find((p) => !p.metadata.deletionTimestamp);
  // The status counts (updateDaemonSetStatus) look at the node's pods but those finished and being
  // deleted, and of them at the one podByCreationTimestampAndPhase puts first.
  const counted = statusPod(pods);
  if (!should) {
    if (counted) t.misscheduled = 1;
    t.remove = pods.filter((p) => !p.metadata.deletionTimestamp);
    return t;
  }
  if (counted) {
    t.current = 1;
    if (isPodReady(counted)) {
      t.ready = 1;
      if (available(counted)) t.available = 1;
    }
    if (updated(counted)) t.updated = 1;
  }
  let firstAvailable = !!first && isPodReady(first) && available(first);
  let live = first;
  if (!(pods.length === 1 && first && first.status?.phase !== 'Failed')) {
    // Failed pods go; of several live ones the oldest stays. A node that has any pod, failed or
    // terminating, gets a new one only in a sync after it is gone, so two never overlap.
    const existing = pods.filter((p) => !p.metadata.deletionTimestamp);
    const alive = existing.filter((p) => p.status?.phase !== 'Failed').sort((a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp));
    t.remove = [...existing.filter((p) => p.status?.phase === 'Failed'), ...alive.slice(1)];
    live = pods.find((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed');
    firstAvailable = !!live && available(live);
  }
  const old = !!live && !updated(live);
  if (!live || !firstAvailable) {
    t.unavailable = 1;
    if (old) t.replaceNow = live;
  } else if (old) t.oldAvailable = live;
  return t;
}

/**
 * The pod of a node the DaemonSet's status counts: of those not both finished and being deleted,
 * the first in podByCreationTimestampAndPhase's order (bound before unbound, then the oldest, then
 * by name).
 */
function statusPod(pods: readonly Obj[]): Obj | undefined {
  let best: Obj | undefined;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp && isPodTerminal(pod)) continue;
    if (!best || countedBefore(pod, best)) best = pod;
  }
  return best;
}

function countedBefore(a: Obj, b: Obj): boolean {
  const aBound = !!a.spec?.nodeName;
  if (aBound !== !!b.spec?.nodeName) return aBound;
  const at = Date.parse(a.metadata.creationTimestamp ?? '');
  const bt = Date.parse(b.metadata.creationTimestamp ?? '');
  if (at !== bt) return at < bt;
  return a.metadata.name < b.metadata.name;
}

/** The work a sync found: pods to create (by node) and to delete. */
export interface Work {
  create: string[];
  remove: Set<Obj>;
}

/** A DaemonSet's nodes' tallies for one template hash, and their totals. */
export class SetTally {
  readonly totals = emptyTotals();
  private readonly byNode = new Map<string, NodeTally>();
  /** Nodes whose tally asks for work. */
  private readonly pending = new Set<string>();
  /** Nodes to tally again at the next refresh. */
  private readonly dirty = new Set<string>();

  private readonly updated = (pod: Obj) => isPodUpdated(pod, this.hash, this.templateGeneration);

  constructor(
    /** The template hash, the set's generation and its template generation the tallies are for. */
    readonly hash: string,
    readonly generation: number | undefined,
    readonly templateGeneration: number | undefined,
    /** Every node by name, and whether the set's pod should run there (the placement's own map). */
    readonly shouldRun: ReadonlyMap<string, boolean>,
  ) {
    for (const name of shouldRun.keys()) this.dirty.add(name);
  }

  /** Something about this node changed: its pods, or whether it should run one. */
  touch(node: string): void {
    this.dirty.add(node);
  }

  /** Tallies again the nodes touched since the last refresh (all of them, the first time). */
  refresh(podsOn: (node: string) => readonly Obj[], available: (pod: Obj) => boolean): void {
    for (const name of this.dirty) {
      const before = this.byNode.get(name);
      if (before) this.count(before, -1);
      const should = this.shouldRun.get(name);
      if (should === undefined) {
        // Not a node any more.
        this.byNode.delete(name);
        this.pending.delete(name);
        continue;
      }
      const t = tallyNode(should, podsOn(name), this.updated, available);
      this.byNode.set(name, t);
      this.count(t, +1);
      if (t.create || t.remove.length || t.replaceNow || t.oldAvailable) this.pending.add(name);
      else this.pending.delete(name);
    }
    this.dirty.clear();
  }

  /**
   * What to create and delete: each node's own work, and with a rolling update the old pods, the
   * unavailable ones first and then available ones while no more than `maxUnavailable` nodes lack
   * an available pod.
   */
  work(rollingUpdate: boolean, maxUnavailable: number): Work {
    const create: string[] = [];
    const remove = new Set<Obj>();
    const oldAvailable: Obj[] = [];
    for (const name of this.pending) {
      const t = this.byNode.get(name)!;
      if (t.create) create.push(name);
      for (const pod of t.remove) remove.add(pod);
      if (!rollingUpdate) continue;
      if (t.replaceNow) remove.add(t.replaceNow);
      if (t.oldAvailable) oldAvailable.push(t.oldAvailable);
    }
    let unavailable = this.totals.unavailable;
    for (const pod of oldAvailable) {
      if (unavailable >= maxUnavailable) break;
      remove.add(pod);
      unavailable++;
    }
    return { create, remove };
  }

  private count(t: NodeTally, sign: 1 | -1): void {
    for (const k of countNames) this.totals[k] += sign * t[k];
  }
}
