// HorizontalPodAutoscaler between autoscaling/v1 and autoscaling/v2, as kube-apiserver converts it
// (pkg/apis/autoscaling/v1/conversion.go, with the internal version being v2's shape). v1 has only
// targetCPUUtilizationPercentage and currentCPUUtilizationPercentage; what else v2 holds travels in
// annotations of the v1 object, so a v1 client that reads an object and writes it back loses nothing:
//   autoscaling.alpha.kubernetes.io/metrics          the other metrics, as v1's (v2beta1-shaped) MetricSpec list
//   autoscaling.alpha.kubernetes.io/current-metrics  every current metric, as v1 MetricStatus list
//   autoscaling.alpha.kubernetes.io/behavior         spec.behavior, as Go marshals the internal type (Go field names)
//   autoscaling.alpha.kubernetes.io/conditions       status.conditions
// Each function makes a new object; its input is never changed. Lists in the annotations are
// written with Go's field order and omitempty rules, so the text is what kube-apiserver writes.
import type { VersionConversion } from './types';

type Obj = Record<string, any>;

export const metricSpecsAnnotation = 'autoscaling.alpha.kubernetes.io/metrics';
export const metricStatusesAnnotation = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const conditionsAnnotation = 'autoscaling.alpha.kubernetes.io/conditions';
export const behaviorSpecsAnnotation = 'autoscaling.alpha.kubernetes.io/behavior';
/** autoscaling.DefaultCPUUtilization: what a v1 HPA without a target scales on. */
export const defaultCPUUtilization = 80;

const roundTripAnnotations = [metricSpecsAnnotation, behaviorSpecsAnnotation, metricStatusesAnnotation, conditionsAnnotation];

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const given = (v: unknown): boolean => v !== undefined && v !== null;
const objs = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
/** A plain (non-pointer) Go resource.Quantity: its zero value marshals as "0". */
const quantity = (v: unknown): unknown => (given(v) ? v : '0');
const copy = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** Builds an object from [key, value] pairs in order, leaving out undefined values (Go's omitempty on pointers). */
function fields(...entries: [string, unknown][]): Obj {
  const out: Obj = {};
  for (const [k, v] of entries) if (v !== undefined) out[k] = v;
  return out;
}
const opt = (v: unknown): unknown => (given(v) ? copy(v) : undefined);

/** DropRoundTripHorizontalPodAutoscalerAnnotations on a copied metadata; an emptied map goes (omitempty). */
function dropRoundTripAnnotations(metadata: Obj): void {
  const annotations = metadata.annotations;
  if (!isObj(annotations) || !roundTripAnnotations.some((k) => k in annotations)) return;
  for (const k of roundTripAnnotations) delete annotations[k];
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
}

function setAnnotation(metadata: Obj, key: string, value: unknown): void {
  if (!isObj(metadata.annotations)) metadata.annotations = {};
  metadata.annotations[key] = JSON.stringify(value);
}

/** An annotation's JSON; undefined when absent or not well-formed (kube moves only well-formed data to fields). */
function annotationJSON(metadata: Obj, key: string): unknown {
  const text = isObj(metadata.annotations) ? metadata.annotations[key] : undefined;
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const crossVersionRef = (r: unknown): Obj => {
  const ref = isObj(r) ? r : {};
  return fields(['kind', ref.kind ?? ''], ['name', ref.name ?? ''], ['apiVersion', ref.apiVersion || undefined]);
};

const isCPUUtilization = (m: Obj): boolean => m.type === 'Resource' && isObj(m.resource) && m.resource.name === 'cpu' && given(m.resource.target?.averageUtilization);

const cpuUtilizationMetric = (averageUtilization: unknown): Obj => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } } });

/** The members of a metric spec or status for each source type, those that are objects. */
function sourcesOf(m: Obj): { object?: Obj; pods?: Obj; resource?: Obj; container?: Obj; external?: Obj } {
  const member = (v: unknown) => (isObj(v) ? v : undefined);
  return { object: member(m.object), pods: member(m.pods), resource: member(m.resource), container: member(m.containerResource), external: member(m.external) };
}

// ---- metric specs: v2 MetricSpec <-> v1 MetricSpec ----

function metricSpecToV1(m: Obj): Obj {
  const { object, pods, resource, container, external } = sourcesOf(m);
  return fields(
    ['type', m.type ?? ''],
    ['object', object && fields(['target', crossVersionRef(object.describedObject)], ['metricName', object.metric?.name ?? ''], ['targetValue', quantity(object.target?.value)], ['selector', opt(object.metric?.selector)], ['averageValue', opt(object.target?.averageValue)])],
    ['pods', pods && fields(['metricName', pods.metric?.name ?? ''], ['targetAverageValue', quantity(pods.target?.averageValue)], ['selector', opt(pods.metric?.selector)])],
    ['resource', resource && fields(['name', resource.name ?? ''], ['targetAverageUtilization', opt(resource.target?.averageUtilization)], ['targetAverageValue', opt(resource.target?.averageValue)])],
    ['containerResource', container && fields(['name', container.name ?? ''], ['targetAverageUtilization', opt(container.target?.averageUtilization)], ['targetAverageValue', opt(container.target?.averageValue)], ['container', container.container ?? ''])],
    ['external', external && fields(['metricName', external.metric?.name ?? ''], ['metricSelector', opt(external.metric?.selector)], ['targetValue', opt(external.target?.value)], ['targetAverageValue', opt(external.target?.averageValue)])],
  );
}

const metricIdentifier = (name: unknown, selector: unknown): Obj => fields(['name', name ?? ''], ['selector', opt(selector)]);

function metricSpecToV2(m: Obj): Obj {
  const { object, pods, resource, container, external } = sourcesOf(m);
  const resourceTarget = (r: Obj) => fields(['type', given(r.targetAverageUtilization) ? 'Utilization' : 'AverageValue'], ['averageValue', opt(r.targetAverageValue)], ['averageUtilization', opt(r.targetAverageUtilization)]);
  return fields(
    ['type', m.type ?? ''],
    ['object', object && {
      describedObject: crossVersionRef(object.target),
      target: fields(['type', given(object.averageValue) ? 'AverageValue' : 'Value'], ['value', quantity(object.targetValue)], ['averageValue', opt(object.averageValue)]),
      metric: metricIdentifier(object.metricName, object.selector),
    }],
    ['pods', pods && { metric: metricIdentifier(pods.metricName, pods.selector), target: { type: 'AverageValue', averageValue: quantity(pods.targetAverageValue) } }],
    ['resource', resource && { name: resource.name ?? '', target: resourceTarget(resource) }],
    ['containerResource', container && { name: container.name ?? '', target: resourceTarget(container), container: container.container ?? '' }],
    ['external', external && {
      metric: metricIdentifier(external.metricName, external.metricSelector),
      target: fields(['type', given(external.targetValue) ? 'Value' : 'AverageValue'], ['value', opt(external.targetValue)], ['averageValue', opt(external.targetAverageValue)]),
    }],
  );
}

// ---- metric statuses: v2 MetricStatus <-> v1 MetricStatus ----

function metricStatusToV1(m: Obj): Obj {
  const { object, pods, resource, container, external } = sourcesOf(m);
  return fields(
    ['type', m.type ?? ''],
    ['object', object && fields(['target', crossVersionRef(object.describedObject)], ['metricName', object.metric?.name ?? ''], ['currentValue', quantity(object.current?.value)], ['selector', opt(object.metric?.selector)], ['averageValue', opt(object.current?.averageValue)])],
    ['pods', pods && fields(['metricName', pods.metric?.name ?? ''], ['currentAverageValue', quantity(pods.current?.averageValue)], ['selector', opt(pods.metric?.selector)])],
    ['resource', resource && fields(['name', resource.name ?? ''], ['currentAverageUtilization', opt(resource.current?.averageUtilization)], ['currentAverageValue', quantity(resource.current?.averageValue)])],
    ['containerResource', container && fields(['name', container.name ?? ''], ['currentAverageUtilization', opt(container.current?.averageUtilization)], ['currentAverageValue', quantity(container.current?.averageValue)], ['container', container.container ?? ''])],
    ['external', external && fields(['metricName', external.metric?.name ?? ''], ['metricSelector', opt(external.metric?.selector)], ['currentValue', quantity(external.current?.value)], ['currentAverageValue', opt(external.current?.averageValue)])],
  );
}

function metricStatusToV2(m: Obj): Obj {
  const { object, pods, resource, container, external } = sourcesOf(m);
  const resourceCurrent = (r: Obj) => fields(['averageValue', quantity(r.currentAverageValue)], ['averageUtilization', opt(r.currentAverageUtilization)]);
  return fields(
    ['type', m.type ?? ''],
    ['object', object && { metric: metricIdentifier(object.metricName, object.selector), current: fields(['value', quantity(object.currentValue)], ['averageValue', opt(object.averageValue)]), describedObject: crossVersionRef(object.target) }],
    ['pods', pods && { metric: metricIdentifier(pods.metricName, pods.selector), current: { averageValue: quantity(pods.currentAverageValue) } }],
    ['resource', resource && { name: resource.name ?? '', current: resourceCurrent(resource) }],
    ['containerResource', container && { name: container.name ?? '', current: resourceCurrent(container), container: container.container ?? '' }],
    ['external', external && { metric: metricIdentifier(external.metricName, external.metricSelector), current: fields(['value', quantity(external.currentValue)], ['averageValue', opt(external.currentAverageValue)]) }],
  );
}

const condition = (c: Obj): Obj => fields(['type', c.type ?? ''], ['status', c.status ?? ''], ['lastTransitionTime', opt(c.lastTransitionTime)], ['reason', c.reason || undefined], ['message', c.message || undefined]);

// ---- behavior: json.Marshal of the internal type, which has no json tags ----

function behaviorToGo(b: Obj): Obj {
  const rules = (r: unknown) =>
    isObj(r)
      ? {
          StabilizationWindowSeconds: r.stabilizationWindowSeconds ?? null,
          SelectPolicy: r.selectPolicy ?? null,
          Policies: Array.isArray(r.policies) ? objs(r.policies).map((p) => ({ Type: p.type ?? '', Value: p.value ?? 0, PeriodSeconds: p.periodSeconds ?? 0 })) : null,
          Tolerance: r.tolerance ?? null,
        }
      : null;
  return { ScaleUp: rules(b.scaleUp), ScaleDown: rules(b.scaleDown) };
}

/** encoding/json matches keys case-insensitively when no exact match exists. */
function goField(o: Obj, name: string): unknown {
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  const key = Object.keys(o).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : o[key];
}

/** The behavior an annotation holds, or undefined when it is not well-formed or is the zero behavior. */
function behaviorFromGo(raw: unknown): Obj | undefined {
  if (!isObj(raw)) return undefined;
  const rules = (r: unknown): Obj | undefined => {
    if (!isObj(r)) return undefined;
    const policies = goField(r, 'Policies');
    return fields(
      ['stabilizationWindowSeconds', opt(goField(r, 'StabilizationWindowSeconds'))],
      ['selectPolicy', opt(goField(r, 'SelectPolicy'))],
      ['policies', Array.isArray(policies) ? objs(policies).map((p) => ({ type: goField(p, 'Type') ?? '', value: goField(p, 'Value') ?? 0, periodSeconds: goField(p, 'PeriodSeconds') ?? 0 })) : undefined],
      ['tolerance', opt(goField(r, 'Tolerance'))],
    );
  };
  const scaleUp = rules(goField(raw, 'ScaleUp'));
  const scaleDown = rules(goField(raw, 'ScaleDown'));
  if (!scaleUp && !scaleDown) return undefined;
  return fields(['scaleUp', scaleUp], ['scaleDown', scaleDown]);
}

// ---- the objects ----

/** Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler. */
export function horizontalPodAutoscalerToV1(hpa: Obj): Obj {
  const metadata: Obj = isObj(hpa.metadata) ? copy(hpa.metadata) : {};
  // Round-trip annotations already on the object are replaced by the ones this conversion produces.
  dropRoundTripAnnotations(metadata);
  const spec: Obj = isObj(hpa.spec) ? hpa.spec : {};
  const status: Obj = isObj(hpa.status) ? hpa.status : {};
  const metrics = objs(spec.metrics);
  const currentMetrics = objs(status.currentMetrics);

  // The first CPU resource metric gives the target, if it is a utilization.
  const cpu = metrics.find((m) => m.type === 'Resource' && isObj(m.resource) && m.resource.name === 'cpu');
  const v1Spec = fields(['scaleTargetRef', crossVersionRef(spec.scaleTargetRef)], ['minReplicas', opt(spec.minReplicas)], ['maxReplicas', spec.maxReplicas ?? 0], ['targetCPUUtilizationPercentage', opt(cpu?.resource?.target?.averageUtilization)]);
  // Every CPU status with a utilization is looked at: the last one wins.
  let currentCPU: unknown;
  for (const m of currentMetrics) if (m.type === 'Resource' && isObj(m.resource) && m.resource.name === 'cpu' && given(m.resource.current?.averageUtilization)) currentCPU = m.resource.current.averageUtilization;
  // v1's status is a struct with plain replica counts: always there.
  const v1Status = fields(['observedGeneration', opt(status.observedGeneration)], ['lastScaleTime', opt(status.lastScaleTime)], ['currentReplicas', status.currentReplicas ?? 0], ['desiredReplicas', status.desiredReplicas ?? 0], ['currentCPUUtilizationPercentage', opt(currentCPU)]);

  const otherMetrics = metrics.filter((m) => !isCPUUtilization(m));
  if (otherMetrics.length) setAnnotation(metadata, metricSpecsAnnotation, otherMetrics.map(metricSpecToV1));
  // The statuses are kept even when one maps to currentCPUUtilizationPercentage: they hold the raw value too.
  if (currentMetrics.length) setAnnotation(metadata, metricStatusesAnnotation, currentMetrics.map(metricStatusToV1));
  if (isObj(spec.behavior)) setAnnotation(metadata, behaviorSpecsAnnotation, behaviorToGo(spec.behavior));
  const conditions = objs(status.conditions);
  if (conditions.length) setAnnotation(metadata, conditionsAnnotation, conditions.map(condition));

  return { apiVersion: 'autoscaling/v1', kind: hpa.kind ?? 'HorizontalPodAutoscaler', metadata, spec: v1Spec, status: v1Status };
}

/** Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler. */
export function horizontalPodAutoscalerToV2(hpa: Obj): Obj {
  const metadata: Obj = isObj(hpa.metadata) ? copy(hpa.metadata) : {};
  const spec: Obj = isObj(hpa.spec) ? hpa.spec : {};
  const status: Obj | undefined = isObj(hpa.status) ? hpa.status : undefined;

  let metrics: Obj[] = given(spec.targetCPUUtilizationPercentage) ? [cpuUtilizationMetric(spec.targetCPUUtilizationPercentage)] : [];
  const other = annotationJSON(metadata, metricSpecsAnnotation);
  // The CPU metric the spec gave goes after the annotation's.
  if (Array.isArray(other)) metrics = [...objs(other).map(metricSpecToV2), ...metrics];
  const behavior = behaviorFromGo(annotationJSON(metadata, behaviorSpecsAnnotation));
  // autoscaling/v1 once had this default in the controller; conversion makes it explicit.
  if (!metrics.length) metrics = [cpuUtilizationMetric(defaultCPUUtilization)];
  const v2Spec = fields(['scaleTargetRef', crossVersionRef(spec.scaleTargetRef)], ['minReplicas', opt(spec.minReplicas)], ['maxReplicas', spec.maxReplicas ?? 0], ['metrics', metrics], ['behavior', behavior]);

  let v2Status: Obj | undefined;
  if (status) {
    let currentMetrics: Obj[] | undefined = given(status.currentCPUUtilizationPercentage) ? [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }] : undefined;
    // The annotation's statuses have more information than the CPU percentage: they win.
    const current = annotationJSON(metadata, metricStatusesAnnotation);
    if (Array.isArray(current)) currentMetrics = objs(current).map(metricStatusToV2);
    const conditions = annotationJSON(metadata, conditionsAnnotation);
    v2Status = fields(
      ['observedGeneration', opt(status.observedGeneration)],
      ['lastScaleTime', opt(status.lastScaleTime)],
      ['currentReplicas', status.currentReplicas || undefined],
      ['desiredReplicas', status.desiredReplicas ?? 0],
      ['currentMetrics', currentMetrics?.length ? currentMetrics : undefined],
      ['conditions', Array.isArray(conditions) && conditions.length ? objs(conditions).map(condition) : undefined],
    );
  }
  dropRoundTripAnnotations(metadata);
  return { apiVersion: 'autoscaling/v2', kind: hpa.kind ?? 'HorizontalPodAutoscaler', metadata, spec: v2Spec, ...(v2Status ? { status: v2Status } : {}) };
}

/** SetDefaults_HorizontalPodAutoscaler of autoscaling/v1: one replica at least. */
export function defaultHorizontalPodAutoscalerV1(hpa: Obj): void {
  if (!isObj(hpa.spec)) hpa.spec = {};
  if (!given(hpa.spec.minReplicas)) hpa.spec.minReplicas = 1;
}

export const horizontalPodAutoscalerV1: VersionConversion = {
  group: 'autoscaling',
  kind: 'HorizontalPodAutoscaler',
  served: 'v1',
  storage: 'v2',
  toStorage: horizontalPodAutoscalerToV2,
  fromStorage: horizontalPodAutoscalerToV1,
  defaultServed: defaultHorizontalPodAutoscalerV1,
  statusAnnotations: [metricStatusesAnnotation, conditionsAnnotation],
  specAnnotations: [metricSpecsAnnotation, behaviorSpecsAnnotation],
  // The CPU target is the first metric of the v2 object it becomes.
  servedPath: (path) => (path.startsWith('spec.metrics[0].resource.target.averageUtilization') ? 'spec.targetCPUUtilizationPercentage' : undefined),
};
