// What a ReplicaSet's status counts, kept pod by pod. The controller syncs a ReplicaSet after every
// event of one of its pods, and its sync (claimPods, then calculateStatus) looked at every pod of
// the set each time: a hundred pod objects, spread over the heap, for each event of one of them.
// A ReplicaSetTally keeps each controlled pod's facts and their totals; a sync works out again only
// the pods that had an event since the last, and every pod when the template's labels change.
import type { Obj } from '../apiserver/registry/strategy';
import type { Selector } from '../api/labels/selector';
import { getControllerOf } from '../api/meta/ownerReferences';
import { isPodActive, isPodReady } from './util/pod';

/** What one pod adds to the counts: bits of `Fact`. */
const enum Fact {
  /** Controlled by the set, active, and selected: claimed (status.replicas). */
  Claimed = 1,
  /** Controlled and active but not selected: the sync must release it. */
  Unselected = 2,
  FullyLabeled = 4,
  Ready = 8,
}

export interface TallyCounts {
  claimed: number;
  unselected: number;
  fullyLabeled: number;
  ready: number;
}

export class ReplicaSetTally {
  readonly counts: TallyCounts = { claimed: 0, unselected: 0, fullyLabeled: 0, ready: 0 };
  /** Each counted pod's facts, by pod key. */
  private readonly facts = new Map<string, number>();
  /** Pods with an event since the last refresh, by key. */
  private readonly dirty = new Set<string>();

  /**
   * `uid`, `selector` and `templateLabels` are the ReplicaSet's; `templateKey` stands for the
   * selector and the template labels, so a tally kept for other ones is not used (see `fits`).
   */
  constructor(
    readonly uid: string,
    readonly templateKey: string,
    private readonly selector: Selector,
    private readonly templateLabels: Selector,
    controlled: readonly Obj[],
  ) {
    for (const pod of controlled) this.set(keyOf(pod), this.factsOf(pod));
  }

  fits(uid: string, templateKey: string): boolean {
    return this.uid === uid && this.templateKey === templateKey;
  }

  /** A pod of this set (or one that was) had an event: its facts are worked out at the next refresh. */
  touch(podKey: string): void {
    this.dirty.add(podKey);
  }

  /** Works out again the facts of the pods touched since the last refresh, from the cache as it is now. */
  refresh(get: (podKey: string) => Obj | undefined): void {
    for (const key of this.dirty) {
      const pod = get(key);
      this.set(key, pod ? this.factsOf(pod) : 0);
    }
    this.dirty.clear();
  }

  private factsOf(pod: Obj): number {
    if (getControllerOf(pod)?.uid !== this.uid || !isPodActive(pod)) return 0;
    const labels = pod.metadata.labels ?? {};
    if (!this.selector.matches(labels)) return Fact.Unselected;
    return Fact.Claimed | (this.templateLabels.matches(labels) ? Fact.FullyLabeled : 0) | (isPodReady(pod) ? Fact.Ready : 0);
  }

  private set(key: string, next: number): void {
    const before = this.facts.get(key) ?? 0;
    if (before === next) return;
    this.add(before, -1);
    this.add(next, 1);
    if (next) this.facts.set(key, next);
    else this.facts.delete(key);
  }

  private add(facts: number, sign: 1 | -1): void {
    if (facts & Fact.Claimed) this.counts.claimed += sign;
    if (facts & Fact.Unselected) this.counts.unselected += sign;
    if (facts & Fact.FullyLabeled) this.counts.fullyLabeled += sign;
    if (facts & Fact.Ready) this.counts.ready += sign;
  }
}

function keyOf(pod: Obj): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}
