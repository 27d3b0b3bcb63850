// The scheduling framework: plugins at named extension points (PreFilter, Filter, PreScore, Score,
// NormalizeScore) and the cycle that runs them for one pod — filter a sample of nodes, score the
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
  all: (1 << 8) - 1,
} as const;

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
  preFilter?(pod: PodInfo, cache: SchedulerCache): FilterState | Skip;
  filter?(state: FilterState, pod: PodInfo, node: NodeInfo): FilterResult;
  preScore?(pod: PodInfo, nodes: readonly NodeInfo[], cache: SchedulerCache): ScoreState | Skip;
  score?(state: ScoreState, pod: PodInfo, node: NodeInfo): number;
  /** Rescales `scores[0..n)` into [0, maxNodeScore]. */
  normalizeScore?(state: ScoreState, scores: Float64Array, n: number): void;
}

export interface WeightedPlugin {
  plugin: Plugin<any, any>;
  /** Score weight; 0 for plugins that do not score. */
  weight: number;
}

/** Why no node fits: kube-scheduler's FitError, with its exact message. */
export class FitError extends Error {
  constructor(
    readonly numAllNodes: number,
    /** reason → number of nodes that gave it. */
    readonly reasons: ReadonlyMap<string, number>,
    /** Plugins that rejected at least one node, for queueing hints. */
    readonly rejectors: ReadonlySet<string>,
  ) {
    super(FitError.format(numAllNodes, reasons));
  }

  static format(numAllNodes: number, reasons: ReadonlyMap<string, number>): string {
    let msg = `0/${numAllNodes} nodes are available:`;
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

  /** One scheduling cycle: a node for the pod, or a FitError saying why there is none. */
  schedulePod(pod: PodInfo, cache: SchedulerCache): ScheduleResult | FitError | Error {
    const nodes = cache.nodeList;
    const numAll = nodes.length;
    if (numAll === 0) return new Error(noNodesAvailableMessage);

    // PreFilter: per-pod state, computed once; a plugin with nothing to check is left out of Filter.
    const filters = this.activeFilters;
    const fns = this.activeFilterFns;
    const states = this.activeFilterStates;
    filters.length = 0;
    fns.length = 0;
    states.length = 0;
    for (const plugin of this.filterPlugins) {
      const state = plugin.preFilter ? plugin.preFilter(pod, cache) : undefined;
      if (state === skip) continue;
      filters.push(plugin);
      fns.push(plugin.filter!);
      states.push(state);
    }

    // Filter: walk nodes round-robin from where the last cycle stopped, until enough fit.
    const want = numFeasibleNodesToFind(this.percentageOfNodesToScore, numAll);
    const feasible = this.feasible;
    feasible.length = 0;
    let reasons: Map<string, number> | undefined;
    let rejectors: Set<string> | undefined;
    const start = this.nextStartNodeIndex % numAll;
    const numFilters = filters.length;
    let processed = 0;
    for (let i = 0; i < numAll; i++) {
      let idx = start + i;
      if (idx >= numAll) idx -= numAll;
      const node = nodes[idx]!;
      processed++;
      let fits = true;
      for (let f = 0; f < numFilters; f++) {
        const failed = fns[f]!(states[f], pod, node);
        if (failed === null) continue;
        fits = false;
        reasons ??= new Map();
        rejectors ??= new Set();
        rejectors.add(filters[f]!.name);
        for (const r of failed) reasons.set(r, (reasons.get(r) ?? 0) + 1);
        break;
      }
      if (fits) {
        feasible.push(node);
        if (feasible.length >= want) break;
      }
    }
    this.nextStartNodeIndex = (start + processed) % numAll;
    if (feasible.length === 0) return new FitError(numAll, reasons ?? new Map(), rejectors ?? new Set());
    if (feasible.length === 1) return { node: feasible[0]!, evaluatedNodes: processed, feasibleNodes: 1 };

    // Score: each plugin scores every feasible node, normalizes, and adds in with its weight.
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
    return { node: feasible[this.selectHost(totals, n)]!, evaluatedNodes: processed, feasibleNodes: n };
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
