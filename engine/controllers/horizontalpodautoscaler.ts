// The horizontal pod autoscaler (pkg/controller/podautoscaler/horizontal.go), autoscaling/v2: every
// 15 s each HPA reads its target's scale subresource, the resource metrics (metrics.k8s.io) of the
// pods the scale's selector matches, proposes a replica count per metric (the replica calculator),
// keeps the largest, stabilizes it against recent recommendations, limits the rate of change (the
// HPA's `behavior`, or the legacy doubling limit without one), clamps it to min/maxReplicas, writes
// the scale, and reports what it saw in status (currentMetrics, conditions AbleToScale,
// ScalingActive, ScalingLimited) and in events (SuccessfulRescale, FailedGetResourceMetric…).
import type { ResourceType } from '../apiserver/client';
import type { Obj } from '../apiserver/registry/strategy';
import { parseSelector, type Selector } from '../api/labels/selector';
import { parseAPIVersion } from '../api/kinds/index';
import { deepCopy, deepEqual } from '../api/patch/jsonValue';
import { Quantity } from '../api/quantity';
import type { EventRecorder } from '../client/eventRecorder';
import { defaultTolerance, podMetricsInfo, type Proposal, resourceReplicas, type Tolerances } from '../metrics/replicaCalculator';
import { metricsGroup, metricsVersion } from '../metrics/types';
import { Controller, type ControllerContext, timestamp } from './runtime/controller';
import { indexes, resources } from './runtime/sharedInformerFactory';

export const horizontalpodautoscalers: ResourceType = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' };
const podMetrics: ResourceType = { group: metricsGroup, version: metricsVersion, resource: 'pods' };

/** --horizontal-pod-autoscaler-sync-period. */
export const hpaSyncPeriodMs = 15_000;
/** --horizontal-pod-autoscaler-downscale-stabilization: the scale-down window of an HPA without behavior. */
export const downscaleStabilizationMs = 5 * 60_000;

interface Recommendation {
  replicas: number;
  at: number;
}

interface ScaleEvent {
  change: number;
  at: number;
  outdated: boolean;
}

/** A metric's proposal, or why it has none (the ScalingActive condition it would set). */
type MetricOutcome =
  | { ok: true; proposal: Proposal; name: string; status: Obj }
  | { ok: false; error: string; condition: { reason: string; message: string } };

export class HorizontalPodAutoscalerController extends Controller {
  readonly name = 'horizontal-pod-autoscaler';
  private readonly recorder: EventRecorder;
  private readonly hpas;
  private readonly pods;
  /** Recent unstabilized recommendations per HPA (kept in memory, as the controller does). */
  private readonly recommendations = new Map<string, Recommendation[]>();
  private readonly scaleUpEvents = new Map<string, ScaleEvent[]>();
  private readonly scaleDownEvents = new Map<string, ScaleEvent[]>();
  /** The pod selector each HPA's target had at its last sync: two HPAs must not control the same pods. */
  private readonly selectors = new Map<string, Selector>();

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.recorder = ctx.recorder(this.name);
    this.hpas = ctx.informers.informerFor(horizontalpodautoscalers);
    this.pods = ctx.informers.informerFor(resources.pods);
    // Every HPA is looked at one sync period after it changes and then every period (the
    // controller's fixed-interval rate limiter): its own status writes do not hurry it.
    this.hpas.addEventHandler({
      onAdd: (hpa) => this.queue.addAfter(this.keyOf(hpa), hpaSyncPeriodMs),
      onUpdate: (_old, hpa) => this.queue.addAfter(this.keyOf(hpa), hpaSyncPeriodMs),
      onDelete: (hpa) => this.forget(this.keyOf(hpa)),
    });
  }

  private keyOf(obj: Obj): string {
    return `${obj.metadata.namespace}/${obj.metadata.name}`;
  }

  private forget(key: string): void {
    this.recommendations.delete(key);
    this.scaleUpEvents.delete(key);
    this.scaleDownEvents.delete(key);
    this.selectors.delete(key);
  }

  async sync(key: string): Promise<void> {
    const hpa = this.hpas.store.get(key);
    if (!hpa) return this.forget(key);
    try {
      await this.reconcile(key, deepCopy(hpa));
      this.errors.delete(key);
    } catch (err) {
      // kube logs the error and looks again next period; it does not back off.
      this.errors.set(key, err);
    }
    this.queue.addAfter(key, hpaSyncPeriodMs);
  }

  private async reconcile(key: string, hpa: Obj): Promise<void> {
    const original = deepCopy(hpa.status ?? {});
    hpa.status ??= {};
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const reference = `${ref.kind}/${hpa.metadata.namespace}/${ref.name}`;
    const failGetScale = async (message: string) => {
      this.recorder.event(hpa, 'Warning', 'FailedGetScale', message);
      this.setCondition(hpa, 'AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${message}`);
      await this.updateStatusIfNeeded(original, hpa);
      throw new Error(`failed to query scale subresource for ${reference}: ${message}`);
    };

    const { group } = parseAPIVersion(ref.apiVersion ?? '');
    const target = this.ctx.client.resourceFor(ref.apiVersion ?? '', ref.kind ?? '');
    if (!target) return failGetScale(`no matches for kind "${ref.kind}" in group "${group}"`);
    const targetType: ResourceType = { group: target.group, version: target.version, resource: target.resource };
    let scale: Obj;
    try {
      scale = this.ctx.client.get(targetType, hpa.metadata.namespace, ref.name, 'scale');
    } catch (err) {
      return failGetScale((err as Error).message);
    }
    this.setCondition(hpa, 'AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");

    const currentReplicas: number = scale.spec?.replicas ?? 0;
    if (!this.recommendations.has(key)) this.recommendations.set(key, [{ replicas: currentReplicas, at: this.ctx.clock.now() }]);
    const minReplicas: number = hpa.spec?.minReplicas ?? 1;
    const maxReplicas: number = hpa.spec?.maxReplicas ?? minReplicas;
    let desiredReplicas = 0;
    let rescaleReason = '';
    let rescale = true;
    let metricStatuses: Obj[] = [];
    let metricError: string | undefined;

    if (currentReplicas === 0 && minReplicas !== 0) {
      // A target scaled to zero by hand is left alone.
      rescale = false;
      this.setCondition(hpa, 'ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    } else if (currentReplicas > maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desiredReplicas = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desiredReplicas = minReplicas;
    } else {
      const computed = this.computeReplicasForMetrics(hpa, scale);
      metricStatuses = computed.statuses;
      if (computed.replicas === -1) {
        hpa.status = { ...hpa.status, currentReplicas, currentMetrics: metricStatuses };
        await this.updateStatusIfNeeded(original, hpa);
        this.recorder.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', computed.error!);
        throw new Error(`failed to compute desired number of replicas based on listed metrics for ${reference}: ${computed.error}`);
      }
      metricError = computed.error;
      let rescaleMetric = '';
      if (computed.replicas > desiredReplicas) {
        desiredReplicas = computed.replicas;
        rescaleMetric = computed.metric;
      }
      if (desiredReplicas > currentReplicas) rescaleReason = `${rescaleMetric} above target`;
      if (desiredReplicas < currentReplicas) rescaleReason = 'All metrics below target';
      desiredReplicas = hpa.spec?.behavior
        ? this.normalizeWithBehaviors(hpa, key, currentReplicas, desiredReplicas, minReplicas, maxReplicas)
        : this.normalize(hpa, key, currentReplicas, desiredReplicas, minReplicas, maxReplicas);
      rescale = desiredReplicas !== currentReplicas;
    }

    if (rescale) {
      try {
        // The Scale as read but for its resourceVersion: the target's controller rewrites its status
        // all the time, and what is decided here is only the replica count.
        const { resourceVersion: _rv, ...metadata } = scale.metadata ?? {};
        await this.ctx.client.update(targetType, hpa.metadata.namespace, { ...scale, metadata, spec: { ...scale.spec, replicas: desiredReplicas } }, {}, 'scale');
      } catch (err) {
        const message = (err as Error).message;
        this.recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}; error: ${message}`);
        this.setCondition(hpa, 'AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${message}`);
        hpa.status = { ...hpa.status, currentReplicas, currentMetrics: metricStatuses };
        await this.updateStatusIfNeeded(original, hpa);
        throw new Error(`failed to rescale ${reference}: ${message}`);
      }
      this.setCondition(hpa, 'AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desiredReplicas}`);
      this.recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
      this.storeScaleEvent(hpa.spec?.behavior, key, currentReplicas, desiredReplicas);
    } else {
      desiredReplicas = currentReplicas;
    }

    const lastScaleTime = rescale ? timestamp(this.ctx.clock) : hpa.status.lastScaleTime;
    hpa.status = {
      ...(lastScaleTime ? { lastScaleTime } : {}),
      currentReplicas,
      desiredReplicas,
      currentMetrics: metricStatuses,
      conditions: hpa.status.conditions,
    };
    await this.updateStatusIfNeeded(original, hpa);
    if (metricError) throw new Error(metricError);
  }

  /** As the API serializes a status: empty lists and a zero currentReplicas omitted, desiredReplicas always there. */
  private pruneStatus(hpa: Obj): void {
    const s = hpa.status;
    if (!s.currentMetrics?.length) delete s.currentMetrics;
    if (!s.conditions?.length) delete s.conditions;
    if (!s.currentReplicas) delete s.currentReplicas;
    if (s.desiredReplicas === undefined) s.desiredReplicas = 0;
  }

  /** computeReplicasForMetrics: the largest proposal of the metrics that could be computed. */
  private computeReplicasForMetrics(hpa: Obj, scale: Obj): { replicas: number; metric: string; statuses: Obj[]; error?: string } {
    const selector = this.selectorOf(hpa, scale.status?.selector);
    if (typeof selector === 'string') return { replicas: -1, metric: '', statuses: [], error: selector };
    const specReplicas: number = scale.spec?.replicas ?? 0;
    const specs: Obj[] = hpa.spec?.metrics ?? [];
    const pods = this.pods.store.byIndex(indexes.namespace, hpa.metadata.namespace).filter((p) => selector.matches(p.metadata.labels ?? {}));
    this.selectors.set(this.keyOf(hpa), selector);
    const controlling = this.hpasControlling(pods);
    if (controlling.length > 1) {
      const message = `pods by selector ${scale.status.selector} are controlled by multiple HPAs: [${controlling.join(' ')}]`;
      this.recorder.event(hpa, 'Warning', 'AmbiguousSelector', message);
      this.setCondition(hpa, 'ScalingActive', 'False', 'AmbiguousSelector', message);
      return { replicas: -1, metric: '', statuses: [], error: message };
    }
    const statuses: Obj[] = [];
    let replicas = 0;
    let metric = '';
    let invalid = 0;
    let firstError: string | undefined;
    let firstCondition: { reason: string; message: string } | undefined;
    for (const spec of specs) {
      const outcome = this.computeReplicasForMetric(hpa, spec, specReplicas, pods, selector);
      if (!outcome.ok) {
        // An empty status keeps each metric at its place, as the controller leaves it.
        statuses.push({ type: '' });
        if (invalid === 0) {
          firstError = outcome.error;
          firstCondition = outcome.condition;
        }
        invalid++;
        continue;
      }
      statuses.push(outcome.status);
      if (replicas === 0 || outcome.proposal.replicas > replicas) {
        replicas = outcome.proposal.replicas;
        metric = outcome.name;
      }
    }
    const error = firstError !== undefined ? `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError}` : undefined;
    // All metrics failed, or some did and the rest would scale down: do not act on partial information.
    if (invalid >= specs.length || (invalid > 0 && replicas < specReplicas)) {
      this.setCondition(hpa, 'ScalingActive', 'False', firstCondition!.reason, firstCondition!.message);
      return { replicas: -1, metric: '', statuses, error: error! };
    }
    this.setCondition(hpa, 'ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metric}`);
    return { replicas, metric, statuses, ...(error ? { error } : {}) };
  }

  /** hpasControllingPodsUnderSelector: the HPAs (still there) whose last selector matches any of these pods. */
  private hpasControlling(pods: Obj[]): string[] {
    const keys: string[] = [];
    for (const [key, selector] of this.selectors) {
      if (!this.hpas.store.get(key)) continue;
      const namespace = key.slice(0, key.indexOf('/'));
      if (pods.some((p) => p.metadata.namespace === namespace && selector.matches(p.metadata.labels ?? {}))) keys.push(key);
    }
    return keys.sort();
  }

  /** The scale's selector, or the error (with its event and condition) when it has none that parses. */
  private selectorOf(hpa: Obj, text: unknown): Selector | string {
    if (typeof text !== 'string' || !text) {
      this.recorder.event(hpa, 'Warning', 'SelectorRequired', 'selector is required');
      this.setCondition(hpa, 'ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector");
      return 'selector is required';
    }
    try {
      return parseSelector(text);
    } catch (err) {
      const message = `couldn't convert selector into a corresponding internal selector object: ${(err as Error).message}`;
      this.recorder.event(hpa, 'Warning', 'InvalidSelector', message);
      this.setCondition(hpa, 'ScalingActive', 'False', 'InvalidSelector', message);
      return message;
    }
  }

  /** One metric: Resource and ContainerResource are computed; the custom and external metrics APIs are not served here. */
  private computeReplicasForMetric(hpa: Obj, spec: Obj, specReplicas: number, pods: Obj[], selector: Selector): MetricOutcome {
    const unable = (reason: string, error: string, wrapped: string): MetricOutcome => {
      this.recorder.event(hpa, 'Warning', reason, error);
      return { ok: false, error: wrapped, condition: { reason, message: `the HPA was unable to compute the replica count: ${error}` } };
    };
    switch (spec.type) {
      case 'Resource':
      case 'ContainerResource': {
        const container = spec.type === 'ContainerResource';
        const source: Obj = (container ? spec.containerResource : spec.resource) ?? {};
        const reason = container ? 'FailedGetContainerResourceMetric' : 'FailedGetResourceMetric';
        const wrap = (error: string) => `failed to get ${source.name} ${container ? 'container ' : ''}resource metric value: ${error}`;
        try {
          const { proposal, name, current } = this.resourceProposal(hpa, source, specReplicas, pods, selector, container ? source.container : undefined);
          const status = container
            ? { type: 'ContainerResource', containerResource: { name: source.name, container: source.container, current } }
            : { type: 'Resource', resource: { name: source.name, current } };
          return { ok: true, proposal, name, status };
        } catch (err) {
          const error = (err as Error).message;
          return unable(reason, error, wrap(error));
        }
      }
      case 'Pods':
      case 'Object': {
        const name = spec[spec.type === 'Pods' ? 'pods' : 'object']?.metric?.name;
        const error = `unable to get metric ${name}: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered`;
        return unable(spec.type === 'Pods' ? 'FailedGetPodsMetric' : 'FailedGetObjectMetric', error, `failed to get ${spec.type.toLowerCase()} metric value: ${error}`);
      }
      case 'External': {
        const error = `unable to get external metric ${hpa.metadata.namespace}/${spec.external?.metric?.name}/nil: unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered`;
        return unable('FailedGetExternalMetric', error, `failed to get external metric value: ${error}`);
      }
      default: {
        const error = `unknown metric source type "${spec.type}"`;
        return { ok: false, error, condition: { reason: 'InvalidMetricSourceType', message: `the HPA was unable to compute the replica count: ${error}` } };
      }
    }
  }

  /** computeStatusForResourceMetricGeneric: the proposal, the metric's name for events, and its current value. */
  private resourceProposal(hpa: Obj, source: Obj, specReplicas: number, pods: Obj[], selector: Selector, container: string | undefined): { proposal: Proposal; name: string; current: Obj } {
    const resource: string = source.name;
    const target: Obj = source.target ?? {};
    const metrics = (): { info: ReturnType<typeof podMetricsInfo>; timestamp: number } => {
      let items: Obj[];
      try {
        items = this.ctx.client.list(podMetrics, hpa.metadata.namespace, { labelSelector: selector.toString() }).items;
      } catch (err) {
        throw new Error(`unable to get metrics for resource ${resource}: unable to fetch metrics from resource metrics API: ${(err as Error).message}`);
      }
      if (items.length === 0) throw new Error(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
      return { info: podMetricsInfo(items, resource, container), timestamp: Date.parse(items[0]!.timestamp) };
    };
    const base = { currentReplicas: specReplicas, pods, resource, ...(container !== undefined ? { container } : {}), tolerances: this.tolerances(hpa.spec?.behavior), now: this.ctx.clock.now() };
    const averageValue = Quantity.tryParse(target.averageValue);
    if (averageValue) {
      let proposal: Proposal;
      try {
        const m = metrics();
        proposal = resourceReplicas({ ...base, metrics: m.info, timestamp: m.timestamp, target: { averageValue: averageValue.milliValue() } });
      } catch (err) {
        throw new Error(`failed to get ${resource} usage: ${(err as Error).message}`);
      }
      return { proposal, name: `${resource} resource`, current: { averageValue: Quantity.fromMilli(proposal.rawAverage).toString() } };
    }
    if (typeof target.averageUtilization !== 'number') {
      throw new Error('invalid resource metric source: neither an average utilization target nor an average value (usage) target was set');
    }
    let proposal: Proposal;
    try {
      const m = metrics();
      proposal = resourceReplicas({ ...base, metrics: m.info, timestamp: m.timestamp, target: { utilization: target.averageUtilization } });
    } catch (err) {
      throw new Error(`failed to get ${resource} utilization: ${(err as Error).message}`);
    }
    const name = container !== undefined ? `${resource} container resource utilization (percentage of request)` : `${resource} resource utilization (percentage of request)`;
    return { proposal, name, current: { averageUtilization: proposal.utilization, averageValue: Quantity.fromMilli(proposal.rawAverage).toString() } };
  }

  /** The cluster-wide tolerance, or the behavior's own per direction. */
  private tolerances(behavior: Obj | undefined): Tolerances {
    const of = (rules: Obj | undefined) => {
      const q = Quantity.tryParse(rules?.tolerance);
      return q ? q.asApproximateFloat64() : defaultTolerance;
    };
    return { scaleDown: of(behavior?.scaleDown), scaleUp: of(behavior?.scaleUp) };
  }

  // ---- normalization without behavior: a 5-minute downscale window and the legacy scale-up limit ----

  private normalize(hpa: Obj, key: string, current: number, desired: number, min: number, max: number): number {
    const stabilized = this.stabilize(key, desired);
    if (stabilized !== desired) this.setCondition(hpa, 'AbleToScale', 'True', 'ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation');
    else this.setCondition(hpa, 'AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size');
    const { replicas, reason, message } = this.convertWithRules(current, stabilized, min, max);
    this.setCondition(hpa, 'ScalingLimited', replicas === stabilized ? 'False' : 'True', reason, message);
    return replicas;
  }

  /** stabilizeRecommendation: the highest recommendation of the downscale window, this one recorded. */
  private stabilize(key: string, desired: number): number {
    const now = this.ctx.clock.now();
    const cutoff = now - downscaleStabilizationMs;
    const recs = this.recommendations.get(key) ?? [];
    let highest = desired;
    let old = -1;
    recs.forEach((r, i) => {
      if (r.at < cutoff) old = i;
      else if (r.replicas > highest) highest = r.replicas;
    });
    if (old >= 0) recs[old] = { replicas: desired, at: now };
    else recs.push({ replicas: desired, at: now });
    this.recommendations.set(key, recs);
    return highest;
  }

  /** convertDesiredReplicasWithRules: min/max, and at most double (or 4) the current count at once. */
  private convertWithRules(current: number, desired: number, min: number, max: number): { replicas: number; reason: string; message: string } {
    const scaleUpLimit = Math.max(2 * current, 4);
    let maximum: number;
    let reason: string;
    let message: string;
    if (max > scaleUpLimit) {
      maximum = scaleUpLimit;
      reason = 'ScaleUpLimit';
      message = 'the desired replica count is increasing faster than the maximum scale rate';
    } else {
      maximum = max;
      reason = 'TooManyReplicas';
      message = 'the desired replica count is more than the maximum replica count';
    }
    if (desired < min) return { replicas: min, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
    if (desired > maximum) return { replicas: maximum, reason, message };
    return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
  }

  // ---- normalization with behavior: stabilization windows per direction, then the scaling policies ----

  private normalizeWithBehaviors(hpa: Obj, key: string, current: number, desired: number, min: number, max: number): number {
    const behavior: Obj = hpa.spec.behavior;
    const up: Obj = behavior.scaleUp ?? {};
    const down: Obj = behavior.scaleDown ?? {};
    const upWindow: number = up.stabilizationWindowSeconds ?? 0;
    const downWindow: number = down.stabilizationWindowSeconds ?? downscaleStabilizationMs / 1000;
    const { replicas: stabilized, reason: stabilizedReason, message: stabilizedMessage } = this.stabilizeWithBehaviors(key, current, desired, upWindow, downWindow);
    if (stabilized !== desired) this.setCondition(hpa, 'AbleToScale', 'True', stabilizedReason, stabilizedMessage);
    else this.setCondition(hpa, 'AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size');
    const { replicas, reason, message } = this.convertWithBehaviorRate(key, current, stabilized, min, max, up, down);
    this.setCondition(hpa, 'ScalingLimited', replicas === stabilized ? 'False' : 'True', reason, message);
    return replicas;
  }

  /**
   * stabilizeRecommendationWithBehaviors: the lowest recommendation of the scale-up window bounds the
   * count from below, the highest of the scale-down window from above; this one is recorded.
   */
  private stabilizeWithBehaviors(key: string, current: number, desired: number, upWindowSeconds: number, downWindowSeconds: number): { replicas: number; reason: string; message: string } {
    const now = this.ctx.clock.now();
    const upCutoff = now - upWindowSeconds * 1000;
    const downCutoff = now - downWindowSeconds * 1000;
    let upRecommendation = desired;
    let downRecommendation = desired;
    let old = -1;
    const recs = this.recommendations.get(key) ?? [];
    recs.forEach((r, i) => {
      if (r.at > upCutoff) upRecommendation = Math.min(r.replicas, upRecommendation);
      if (r.at > downCutoff) downRecommendation = Math.max(r.replicas, downRecommendation);
      if (r.at < upCutoff && r.at < downCutoff) old = i;
    });
    let replicas = current;
    if (replicas < upRecommendation) replicas = upRecommendation;
    if (replicas > downRecommendation) replicas = downRecommendation;
    if (old >= 0) recs[old] = { replicas: desired, at: now };
    else recs.push({ replicas: desired, at: now });
    this.recommendations.set(key, recs);
    return desired >= current
      ? { replicas, reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
      : { replicas, reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
  }

  /** convertDesiredReplicasWithBehaviorRate: the policies' limit on change per period, then min/max. */
  private convertWithBehaviorRate(key: string, current: number, desired: number, min: number, max: number, up: Obj, down: Obj): { replicas: number; reason: string; message: string } {
    const ups = this.scaleUpEvents.get(key) ?? [];
    const downs = this.scaleDownEvents.get(key) ?? [];
    if (desired > current) {
      const limit = Math.max(this.scaleUpLimit(current, ups, downs, up), current);
      const [maximum, reason, message] = max > limit
        ? [limit, 'ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate']
        : [max, 'TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
      if (desired > maximum) return { replicas: maximum, reason, message };
    } else if (desired < current) {
      const limit = Math.min(this.scaleDownLimit(current, ups, downs, down), current);
      const [minimum, reason, message] = min < limit
        ? [limit, 'ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate']
        : [min, 'TooFewReplicas', 'the desired replica count is less than the minimum replica count'];
      if (desired < minimum) return { replicas: minimum, reason, message };
    }
    return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
  }

  /** Replicas added (or removed) by the scale events of the last `periodSeconds`. */
  private changedWithin(periodSeconds: number, events: ScaleEvent[]): number {
    const cutoff = this.ctx.clock.now() - periodSeconds * 1000;
    return events.reduce((sum, e) => (e.at > cutoff ? sum + e.change : sum), 0);
  }

  /** calculateScaleUpLimitWithScalingRules: from the count at each policy's period start, what it allows (Max: the most, Min: the least). */
  private scaleUpLimit(current: number, ups: ScaleEvent[], downs: ScaleEvent[], rules: Obj): number {
    const select: string = rules.selectPolicy ?? 'Max';
    if (select === 'Disabled') return current;
    let result = select === 'Min' ? Infinity : -Infinity;
    for (const p of (rules.policies ?? []) as Obj[]) {
      const start = current - this.changedWithin(p.periodSeconds, ups) + this.changedWithin(p.periodSeconds, downs);
      const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
      result = select === 'Min' ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return Number.isFinite(result) ? result : current;
  }

  /** calculateScaleDownLimitWithBehaviors: the same for removing replicas (Max: the lowest count, Min: the highest). */
  private scaleDownLimit(current: number, ups: ScaleEvent[], downs: ScaleEvent[], rules: Obj): number {
    const select: string = rules.selectPolicy ?? 'Max';
    if (select === 'Disabled') return current;
    let result = select === 'Min' ? -Infinity : Infinity;
    for (const p of (rules.policies ?? []) as Obj[]) {
      const start = current - this.changedWithin(p.periodSeconds, ups) + this.changedWithin(p.periodSeconds, downs);
      const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
      result = select === 'Min' ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return Number.isFinite(result) ? result : current;
  }

  /** storeScaleEvent: remembered for the longest policy period of its direction (only with behavior). */
  private storeScaleEvent(behavior: Obj | undefined, key: string, previous: number, next: number): void {
    if (!behavior) return;
    const upward = next > previous;
    const rules: Obj = (upward ? behavior.scaleUp : behavior.scaleDown) ?? {};
    const map = upward ? this.scaleUpEvents : this.scaleDownEvents;
    const longest = Math.max(0, ...((rules.policies ?? []) as Obj[]).map((p) => p.periodSeconds));
    const now = this.ctx.clock.now();
    const events = map.get(key) ?? [];
    for (const e of events) if (e.at < now - longest * 1000) e.outdated = true;
    const fresh: ScaleEvent = { change: Math.abs(next - previous), at: now, outdated: false };
    const old = events.findLastIndex((e) => e.outdated);
    if (old >= 0) events[old] = fresh;
    else events.push(fresh);
    map.set(key, events);
  }

  // ---- status ----

  /** setCondition: a condition's lastTransitionTime moves only when its status does. */
  private setCondition(hpa: Obj, type: string, status: 'True' | 'False', reason: string, message: string): void {
    const conditions: Obj[] = (hpa.status.conditions ??= []);
    const existing = conditions.find((c) => c.type === type);
    if (existing) {
      if (existing.status !== status) existing.lastTransitionTime = timestamp(this.ctx.clock);
      Object.assign(existing, { status, reason, message });
      return;
    }
    conditions.push({ type, status, lastTransitionTime: timestamp(this.ctx.clock), reason, message });
  }

  private async updateStatusIfNeeded(original: Obj, hpa: Obj): Promise<void> {
    this.pruneStatus(hpa);
    if (deepEqual(original, hpa.status)) return;
    try {
      await this.ctx.client.update(horizontalpodautoscalers, hpa.metadata.namespace, hpa, {}, 'status');
    } catch (err) {
      throw new Error(`failed to update status for ${hpa.metadata.name}: ${(err as Error).message}`);
    }
  }
}
