// The scheduling framework: plugins at named extension points (PreFilter, Filter, PreScore, Score,
// NormalizeScore, PreBind) and the cycle that runs them for one pod — filter a sample of nodes, score the
// feasible ones, pick the best — or explains, with every node's reasons, why no node fits.
// After kube-scheduler's framework/runtime and schedule_one.go.
// https://kubernetes.io/docs/concepts/scheduling-eviction/scheduling-framework/
import type { Random } from '../util/random';
import type { SchedulerCache } from './cache';
import type { NodeInfo } from './nodeInfo';
import type { PodInfo } from './podInfo';

export const maxNodeScore = 100;

/**
 * Cluster events, as bits: a pod rejected by a plugin is retried only after an event that plugin
 * says could change its answer (EnqueueExtensions / queueing hints).
 */
export const clusterEvent = {
  nodeAdd: 1 << 0,
  nodeAllocatableChange: 1 << 1,
  nodeLabelChange: 1 << 2,
  nodeTaintChange: 1 << 3,
  nodeSpecUnschedulableChange: 1 << 4,
  assignedPodAdd: 1 << 5,
  assignedPodUpdate: 1 << 6,
  assignedPodDelete: 1 << 7,
  pvcChange: 1 << 8,
  pvChange: 1 << 9,
  storageClassChange: 1 << 10,
  all: (1 << 11) - 1,
} as const;

/**
 * Returned by PreFilter: the pod cannot go to any node, for a reason that is about the pod (a
 * missing claim), not about a node; every node then fails with it, unresolvably.
 */
export class Rejection {
  constructor(readonly reason: string) {}
}

/** Returned by PreFilter or PreScore: this plugin has nothing to say about this pod. */
export const skip: unique symbol = Symbol('Skip');
export type Skip = typeof skip;

/** A Filter's answer: null when the node fits, else the reasons (shared constant arrays, no allocation). */
export type FilterResult = readonly string[] | null;

/** A plugin implements the extension points it needs; state flows from PreFilter to Filter and PreScore to Score. */
export interface Plugin<FilterState = unknown, ScoreState = unknown> {
  readonly name: string;
  /** Which cluster events can make a pod this plugin rejected schedulable. */
  readonly events?: number;
  preFilter?(pod: PodInfo, cache: SchedulerCache): FilterState | Skip | Rejection;
  /**
   * PreFilterResult: the only nodes this pod can go to, named by PreFilter's state (a DaemonSet
   * pod's `metadata.name` node affinity), so Filter runs on those alone instead of every node;
   * undefined for all nodes. Nodes left out fail unresolvably.
   */
  preFilterNodes?(state: FilterState): ReadonlySet<string> | undefined;
  filter?(state: FilterState, pod: PodInfo, node: NodeInfo): FilterResult;
  /**
   * Whether a rejection could go away by removing pods from the node (Unschedulable), as opposed
   * to UnschedulableAndUnresolvable; preemption only looks at nodes where it could. Default: no.
   */
  resolvable?(reasons: readonly string[], pod: PodInfo, node: NodeInfo): boolean;
  /** PostFilter: runs when no node fits; may free one (preemption) and explains what it did. */
  postFilter?(pod: PodInfo, fit: FitError, cache: SchedulerCache, framework: Framework): PostFilterResult;
  preScore?(pod: PodInfo, nodes: readonly NodeInfo[], cache: SchedulerCache): ScoreState | Skip;
  score?(state: ScoreState, pod: PodInfo, node: NodeInfo): number;
  /** Rescales `scores[0..n)` into [0, maxNodeScore]. */
  normalizeScore?(state: ScoreState, scores: Float64Array, n: number): void;
  /** PreBind: what must happen in the API before the pod is bound to the node it was given (its volumes). */
  preBind?(pod: PodInfo, node: NodeInfo): Promise<void>;
}

/** A PreBind plugin failed: the pod is not bound, and is tried again after back-off. */
export class PreBindError extends Error {}

/** How one node failed Filter. */
export interface NodeStatus {
  node: NodeInfo;
  plugin: Plugin<any, any>;
  reasons: readonly string[];
}

export interface PostFilterResult {
  /** The node the pod may go to once its victims are gone (status.nominatedNodeName). */
  nominatedNodeName?: string;
  /** Pods to delete to make room. */
  victims?: PodInfo[];
  /** Appended to the failure message after "preemption: " when preemption did not help. */
  message?: string;
}

export interface WeightedPlugin {
  plugin: Plugin<any, any>;
  /** Score weight; 0 for plugins that do not score. */
  weight: number;
}

/** Why no node fits: kube-scheduler's FitError, with its exact message. */
export class FitError extends Error {
  /** What PostFilter did, once it ran. */
  postFilter: PostFilterResult | undefined;

  constructor(
    readonly numAllNodes: number,
    /** reason → number of nodes that gave it. */
    readonly reasons: ReadonlyMap<string, number>,
    /** Plugins that rejected at least one node, for queueing hints. */
    readonly rejectors: ReadonlySet<string>,
    /** Every node's failure, for PostFilter. */
    readonly statuses: readonly NodeStatus[] = [],
    /** Why PreFilter rejected the pod for every node at once. */
    readonly preFilterMessage?: string,
  ) {
    super(FitError.format(numAllNodes, reasons, preFilterMessage));
  }

  /** Records PostFilter's outcome; its message joins the failure's, as kube-scheduler words it. */
  setPostFilter(result: PostFilterResult): void {
    this.postFilter = result;
    if (result.message) this.message = `${FitError.format(this.numAllNodes, this.reasons, this.preFilterMessage)} preemption: ${result.message}`;
  }

  static format(numAllNodes: number, reasons: ReadonlyMap<string, number>, preFilterMessage?: string): string {
    let msg = `0/${numAllNodes} nodes are available:`;
    // A PreFilter rejection gives every node the same status: its message stands alone.
    if (preFilterMessage) return `${msg} ${preFilterMessage}.`;
    const parts = [...reasons].map(([reason, count]) => `${count} ${reason}`).sort();
    if (parts.length) msg += ` ${parts.join(', ')}.`;
    return msg;
  }
}

/** kube-scheduler's ErrNoNodesAvailable. */
export const noNodesAvailableMessage = 'no nodes available to schedule pods';

export interface ScheduleResult {
  node: NodeInfo;
  evaluatedNodes: number;
  feasibleNodes: number;
}

const minFeasibleNodesToFind = 100;
const minFeasibleNodesPercentageToFind = 5;
const basePercentageOfNodesToScore = 50;

/**
 * How many feasible nodes to look for before scoring: all of a small cluster; of a large one an
 * adaptive share (50% less 1% per 125 nodes, at least 5%), never fewer than 100.
 * https://kubernetes.io/docs/concepts/scheduling-eviction/scheduler-perf-tuning/
 */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number | undefined, numAllNodes: number): number {
  if (numAllNodes < minFeasibleNodesToFind) return numAllNodes;
  let percentage = percentageOfNodesToScore ?? 0;
  if (percentage >= 100) return numAllNodes;
  if (percentage <= 0) {
    percentage = basePercentageOfNodesToScore - Math.trunc(numAllNodes / 125);
    if (percentage < minFeasibleNodesPercentageToFind) percentage = minFeasibleNodesPercentageToFind;
  }
  const numNodes = Math.trunc((numAllNodes * percentage) / 100);
  return numNodes < minFeasibleNodesToFind ? minFeasibleNodesToFind : numNodes;
}

export class Framework {
  private readonly filterPlugins: Plugin[];
  private readonly scorePlugins: WeightedPlugin[];
  private nextStartNodeIndex = 0;
  // Buffers reused across cycles, so a cycle allocates nothing per node.
  private feasible: NodeInfo[] = [];
  private totals = new Float64Array(0);
  private scores = new Float64Array(0);
  private readonly activeFilters: Plugin[] = [];
  private readonly activeFilterFns: NonNullable<Plugin['filter']>[] = [];
  private readonly activeFilterStates: unknown[] = [];

  constructor(
    readonly profile: readonly WeightedPlugin[],
    private readonly random: Random,
    private readonly percentageOfNodesToScore?: number,
  ) {
    this.filterPlugins = profile.filter((p) => p.plugin.filter).map((p) => p.plugin);
    this.scorePlugins = profile.filter((p) => p.plugin.score && p.weight > 0);
  }

  /** The events that can help a pod rejected by these plugins; every event when none is known. */
  interestOf(rejectors: ReadonlySet<string>): number {
    let mask = 0;
    for (const { plugin } of this.profile) if (rejectors.has(plugin.name)) mask |= plugin.events ?? clusterEvent.all;
    return mask || clusterEvent.all;
  }

  /**
   * PreFilter: per-pod state, computed once; a plugin with nothing to check is left out of Filter.
   * The plugins that name the only nodes the pod can go to narrow `preFilterNodes` to the nodes
   * they all name (PreFilterResult.Merge); none that name any is a rejection.
   */
  private runPreFilters(pod: PodInfo, cache: SchedulerCache): { plugin: Plugin; rejection: Rejection } | undefined {
    const filters = this.activeFilters;
    const fns = this.activeFilterFns;
    const states = this.activeFilterStates;
    filters.length = 0;
    fns.length = 0;
    states.length = 0;
    let narrowed: ReadonlySet<string> | undefined;
    this.preFilterNodes = undefined;
    this.preFilterNodePlugins.length = 0;
    for (const plugin of this.filterPlugins) {
      const state = plugin.preFilter ? plugin.preFilter(pod, cache) : undefined;
      if (state === skip) continue;
      if (state instanceof Rejection) return { plugin, rejection: state };
      const names = plugin.preFilterNodes?.(state);
      if (names) {
        this.preFilterNodePlugins.push(plugin.name);
        narrowed = this.preFilterNodes = narrowed ? new Set([...narrowed].filter((n) => names.has(n))) : names;
        if (narrowed.size === 0) {
          const named = [...this.preFilterNodePlugins].sort();
          return { plugin, rejection: new Rejection(named.length === 1 ? `node(s) didn't satisfy plugin ${named[0]}` : `node(s) didn't satisfy plugin(s) [${named.join(' ')}] simultaneously`) };
        }
      }
      filters.push(plugin);
      fns.push(plugin.filter!);
      states.push(state);
    }
    return undefined;
  }

  /** The nodes the last PreFilter narrowed the pod to, and the plugins that did; undefined for every node. */
  private preFilterNodes: ReadonlySet<string> | undefined;
  private readonly preFilterNodePlugins: string[] = [];

  /** Runs the active filters on one node; the index of the failing filter and its reasons, or -1. */
  private runFilters(pod: PodInfo, node: NodeInfo): number {
    const fns = this.activeFilterFns;
    const states = this.activeFilterStates;
    // Pods nominated to this node by preemption, of at least this pod's priority, hold their room.
    const target = node.nominated !== undefined ? node.withNominated(pod) : node;
    for (let f = 0; f < fns.length; f++) {
      const failed = fns[f]!(states[f], pod, target);
      if (failed !== null) {
        this.lastFailure = failed;
        return f;
      }
    }
    return -1;
  }

  private lastFailure: readonly string[] = [];

  /** One node's verdict with fresh PreFilter state: for preemption's dry runs. */
  filterNode(pod: PodInfo, node: NodeInfo, cache: SchedulerCache): NodeStatus | null {
    const rejected = this.runPreFilters(pod, cache);
    if (rejected) return { node, plugin: rejected.plugin, reasons: [rejected.rejection.reason] };
    const f = this.runFilters(pod, node);
    return f < 0 ? null : { node, plugin: this.activeFilters[f]!, reasons: this.lastFailure };
  }

  /** One scheduling cycle: a node for the pod, or a FitError saying why there is none. */
  schedulePod(pod: PodInfo, cache: SchedulerCache): ScheduleResult | FitError | Error {
    const nodes = cache.nodeList;
    const numAll = nodes.length;
    if (numAll === 0) return new Error(noNodesAvailableMessage);
    const rejected = this.runPreFilters(pod, cache);
    if (rejected) {
      const reasons = [rejected.rejection.reason];
      const statuses = nodes.map((node) => ({ node, plugin: rejected.plugin, reasons }));
      return this.postFilter(pod, new FitError(numAll, new Map([[rejected.rejection.reason, numAll]]), new Set([rejected.plugin.name]), statuses, rejected.rejection.reason), cache);
    }

    // A pod that preempted for a node tries that node first.
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated) {
      const node = cache.node(nominated);
      if (node && this.runFilters(pod, node) < 0) return { node, evaluatedNodes: 1, feasibleNodes: 1 };
    }

    // Filter only the nodes PreFilter named, when it named some (those that exist); the rest fail
    // unresolvably, as nodes absent from kube-scheduler's NodeToStatus do.
    const named = this.preFilterNodes;
    let candidates = nodes;
    if (named) {
      candidates = [];
      for (const name of named) {
        const node = cache.node(name);
        if (node) candidates.push(node);
      }
    }
    const numCandidates = candidates.length;
    const absent = numAll - numCandidates;

    // Filter: walk nodes round-robin from where the last cycle stopped, until enough fit.
    const want = numFeasibleNodesToFind(this.percentageOfNodesToScore, numCandidates);
    const feasible = this.feasible;
    feasible.length = 0;
    const failedNodes = this.failedNodes;
    const failedBy = this.failedBy;
    const failedReasons = this.failedReasons;
    failedNodes.length = 0;
    failedBy.length = 0;
    failedReasons.length = 0;
    const start = named ? 0 : this.nextStartNodeIndex % numAll;
    let processed = 0;
    for (let i = 0; i < numCandidates; i++) {
      let idx = start + i;
      if (idx >= numCandidates) idx -= numCandidates;
      const node = candidates[idx]!;
      processed++;
      const f = this.runFilters(pod, node);
      if (f < 0) {
        feasible.push(node);
        if (feasible.length >= want) break;
      } else {
        failedNodes.push(node);
        failedBy.push(f);
        failedReasons.push(this.lastFailure);
      }
    }
    this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % numAll;
    if (feasible.length === 0) return this.fitError(pod, numAll, cache, absent);
    if (feasible.length === 1) return { node: feasible[0]!, evaluatedNodes: processed, feasibleNodes: 1 };
    return { node: this.prioritize(pod, cache), evaluatedNodes: processed, feasibleNodes: feasible.length };
  }

  private readonly failedNodes: NodeInfo[] = [];
  private readonly failedBy: number[] = [];
  private readonly failedReasons: (readonly string[])[] = [];

  private fitError(pod: PodInfo, numAll: number, cache: SchedulerCache, absent: number): FitError {
    const reasons = new Map<string, number>();
    if (absent > 0) reasons.set(`node(s) didn't satisfy plugin(s) [${[...this.preFilterNodePlugins].sort().join(' ')}]`, absent);
    const rejectors = new Set<string>();
    const statuses: NodeStatus[] = [];
    for (let i = 0; i < this.failedNodes.length; i++) {
      const plugin = this.activeFilters[this.failedBy[i]!]!;
      const failed = this.failedReasons[i]!;
      rejectors.add(plugin.name);
      for (const r of failed) reasons.set(r, (reasons.get(r) ?? 0) + 1);
      statuses.push({ node: this.failedNodes[i]!, plugin, reasons: failed });
    }
    return this.postFilter(pod, new FitError(numAll, reasons, rejectors, statuses), cache);
  }

  private postFilter(pod: PodInfo, error: FitError, cache: SchedulerCache): FitError {
    for (const { plugin } of this.profile) {
      if (!plugin.postFilter) continue;
      error.setPostFilter(plugin.postFilter(pod, error, cache, this));
      break;
    }
    return error;
  }

  /** PreBind: each plugin's, in profile order; the first failure stops the binding. */
  async runPreBind(pod: PodInfo, node: NodeInfo): Promise<void> {
    for (const { plugin } of this.profile) {
      if (!plugin.preBind) continue;
      try {
        await plugin.preBind(pod, node);
      } catch (err) {
        throw new PreBindError(`running PreBind plugin ${JSON.stringify(plugin.name)}: ${(err as Error).message}`);
      }
    }
  }

  /** Score: each plugin scores every feasible node, normalizes, and adds in with its weight. */
  private prioritize(pod: PodInfo, cache: SchedulerCache): NodeInfo {
    const feasible = this.feasible;
    const n = feasible.length;
    if (this.totals.length < n) {
      this.totals = new Float64Array(Math.max(n, this.totals.length * 2));
      this.scores = new Float64Array(this.totals.length);
    }
    const totals = this.totals;
    const scores = this.scores;
    totals.fill(0, 0, n);
    for (const { plugin, weight } of this.scorePlugins) {
      const state = plugin.preScore ? plugin.preScore(pod, feasible, cache) : undefined;
      if (state === skip) continue;
      const score = plugin.score!;
      for (let i = 0; i < n; i++) scores[i] = score(state, pod, feasible[i]!);
      plugin.normalizeScore?.(state, scores, n);
      for (let i = 0; i < n; i++) totals[i]! += scores[i]! * weight;
    }
    return feasible[this.selectHost(totals, n)]!;
  }

  /** The highest total; ties broken uniformly at random (reservoir sampling), as selectHost does. */
  private selectHost(totals: Float64Array, n: number): number {
    let best = 0;
    let ties = 1;
    for (let i = 1; i < n; i++) {
      const s = totals[i]!;
      if (s > totals[best]!) {
        best = i;
        ties = 1;
      } else if (s === totals[best]!) {
        ties++;
        if (this.random.int(ties) === 0) best = i;
      }
    }
    return best;
  }
}

/** DefaultNormalizeScore: scale to [0, maxNodeScore] by the highest score; `reverse` flips it. */
export function defaultNormalizeScore(scores: Float64Array, n: number, reverse: boolean): void {
  let max = 0;
  for (let i = 0; i < n; i++) if (scores[i]! > max) max = scores[i]!;
  if (max === 0) {
    if (reverse) for (let i = 0; i < n; i++) scores[i] = maxNodeScore;
    return;
  }
  for (let i = 0; i < n; i++) {
    let s = Math.trunc((maxNodeScore * scores[i]!) / max);
    if (reverse) s = maxNodeScore - s;
    scores[i] = s;
  }
}
