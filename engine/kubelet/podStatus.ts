// A pod's status as the kubelet reports it, from what it knows of the pod's containers: phase,
// conditions and container statuses, after generateAPIPodStatus and getPhase in pkg/kubelet.
// See https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-phase
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1';
import { rfc3339 } from '../util/clock';
import type { ContainerRecord, PodRecord } from './podRecord';
import type { ContainerRuntime, RuntimeContainerStatus } from './runtime';

export interface StatusContext {
  now: string;
  hostIP: string;
}

/** The pod conditions the kubelet owns; any other is someone else's to set. */
const kubeletConditions = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady']);

function containerStatus(spec: Container, c: ContainerRecord, runtime: ContainerRuntime, pendingReason: string): ContainerStatus {
  const terminated = (s: RuntimeContainerStatus): ContainerState => {
    // FallbackToLogsOnError: a container that failed without a termination message gets the end of
    // its log instead, at most 80 lines or 2048 bytes.
    let message: string | undefined;
    if (spec.terminationMessagePolicy === 'FallbackToLogsOnError' && (s.exitCode ?? 0) !== 0) {
      message = runtime.readLog(s.id, { tailLines: 80 }).slice(-2048) || undefined;
    }
    return { terminated: { exitCode: s.exitCode ?? 0, reason: s.reason ?? 'Error', ...(message ? { message } : {}), startedAt: rfc3339(s.startedAt), finishedAt: rfc3339(s.finishedAt ?? s.startedAt), containerID: s.id } };
  };
  const current = c.id ? runtime.containerStatus(c.id) : undefined;
  const previous = c.previousId ? runtime.containerStatus(c.previousId) : undefined;
  let state: ContainerState;
  let lastState: ContainerState = {};
  if (current?.state === 'running') {
    state = { running: { startedAt: rfc3339(current.startedAt) } };
    if (previous) lastState = terminated(previous);
  } else if (current && !c.waiting) {
    state = terminated(current);
    if (previous) lastState = terminated(previous);
  } else {
    state = { waiting: { reason: c.waiting?.reason ?? pendingReason, ...(c.waiting?.message ? { message: c.waiting.message } : {}) } };
    if (current) lastState = terminated(current);
    else if (c.lostInstance) lastState = { terminated: c.lostInstance };
  }
  if (!previous && !lastState.terminated && c.lostInstance && current) lastState = { terminated: c.lostInstance };
  const shown = current ?? previous;
  return {
    name: spec.name,
    state,
    lastState,
    ready: current?.state === 'running' && c.ready,
    restartCount: c.restartCount,
    image: shown ? shown.image : (spec.image ?? ''),
    imageID: shown ? shown.imageRef : '',
    ...(shown ? { containerID: shown.id } : {}),
    started: current?.state === 'running' && c.started,
  };
}

/** getPhase: Pending until every init container has succeeded and each app container has run once. */
function phaseOf(pod: Pod, rec: PodRecord, statuses: ContainerStatus[], initialized: boolean): NonNullable<PodStatus['phase']> {
  if (rec.terminalPhase) return rec.terminalPhase;
  if (!initialized) return 'Pending';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    }
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (stopped === statuses.length) {
    if (policy === 'Always') return 'Running';
    if (succeeded === stopped) return 'Succeeded';
    return policy === 'Never' ? 'Failed' : 'Running';
  }
  return 'Pending';
}

export function podStatus(pod: Pod, rec: PodRecord, runtime: ContainerRuntime, ctx: StatusContext): PodStatus {
  if (rec.rejected) {
    // A pod the kubelet's admission refused never started: only its verdict is reported.
    return { ...(pod.status ?? {}), phase: 'Failed', reason: rec.rejected.reason, message: `Pod was rejected: ${rec.rejected.message}`, startTime: rec.startTime };
  }
  const specInit = pod.spec?.initContainers ?? [];
  const specApps = pod.spec?.containers ?? [];
  // Init containers still to complete (sidecars count until they have started).
  const incomplete: string[] = [];
  for (const spec of specInit) {
    const c = rec.containers.get(spec.name)!;
    const s = c.id ? runtime.containerStatus(c.id) : undefined;
    const done = c.kind === 'sidecar' ? c.started && s?.state === 'running' : s?.state === 'exited' && s.exitCode === 0;
    if (!done && !(c.kind === 'sidecar' && rec.terminalPhase)) incomplete.push(spec.name);
  }
  const initialized = incomplete.length === 0 || (!!rec.terminalPhase && specInit.every((s) => rec.containers.get(s.name)!.kind === 'sidecar' || runtime.containerStatus(rec.containers.get(s.name)!.id ?? '')?.exitCode === 0));
  const initStatuses = specInit.map((spec) => containerStatus(spec, rec.containers.get(spec.name)!, runtime, 'PodInitializing'));
  const statuses = specApps
    .map((spec) => containerStatus(spec, rec.containers.get(spec.name)!, runtime, initialized ? 'ContainerCreating' : 'PodInitializing'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const phase = phaseOf(pod, rec, statuses, initialized);
  const completed = phase === 'Succeeded';
  const unready = [...initStatuses.filter((s) => rec.containers.get(s.name)!.kind === 'sidecar'), ...statuses].filter((s) => !s.ready).map((s) => s.name);

  const old = new Map((pod.status?.conditions ?? []).map((c) => [c.type, c]));
  // PodObservedGenerationTracking: the status and each condition the kubelet sets say which
  // generation of the pod they describe.
  const generation = pod.metadata?.generation;
  const observed = generation !== undefined ? { observedGeneration: generation } : {};
  const condition = (type: string, ok: boolean, reason?: string, message?: string): PodCondition => {
    const status = ok ? 'True' : 'False';
    const prior = old.get(type);
    return {
      type,
      ...observed,
      status,
      lastProbeTime: null as unknown as string,
      lastTransitionTime: prior && prior.status === status ? prior.lastTransitionTime! : ctx.now,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    };
  };
  // Ready needs the containers ready and every readiness gate's condition True (GeneratePodReadyCondition).
  const readyCondition = (): PodCondition => {
    if (unready.length) return condition('Ready', false, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`);
    const gateFailures: string[] = [];
    for (const gate of pod.spec?.readinessGates ?? []) {
      const c = old.get(gate.conditionType);
      if (!c) gateFailures.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
      else if (c.status !== 'True') gateFailures.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
    }
    if (gateFailures.length) return condition('Ready', false, 'ReadinessGatesNotReady', gateFailures.join(', '));
    return condition('Ready', true);
  };
  const sandboxReady = rec.volumesReady && !!rec.ip && !rec.terminalPhase && !rec.deleted;
  const conditions: PodCondition[] = [
    condition('PodReadyToStartContainers', sandboxReady),
    completed ? condition('Initialized', true, 'PodCompleted') : condition('Initialized', initialized, initialized ? undefined : 'ContainersNotInitialized', initialized ? undefined : `containers with incomplete status: [${incomplete.join(' ')}]`),
    completed ? condition('Ready', false, 'PodCompleted') : readyCondition(),
    completed ? condition('ContainersReady', false, 'PodCompleted') : condition('ContainersReady', unready.length === 0, unready.length ? 'ContainersNotReady' : undefined, unready.length ? `containers with unready status: [${unready.join(' ')}]` : undefined),
    old.get('PodScheduled') ?? condition('PodScheduled', true),
    // Conditions others own (DisruptionTarget, readiness gates…) are kept, as mergePodStatus keeps them.
    ...(pod.status?.conditions ?? []).filter((c) => !kubeletConditions.has(c.type) && c.type !== 'PodScheduled'),
  ];
  const ip = rec.ip;
  // Ephemeral containers are reported on their own (by name, as app containers), and count for
  // neither readiness nor phase: the prober never marks them ready or started.
  const ephemeralStatuses = (pod.spec?.ephemeralContainers ?? []).flatMap((spec) => {
    const c = rec.containers.get(spec.name);
    if (!c) return [];
    const { started: _started, ...status } = containerStatus(spec as Container, c, runtime, 'ContainerCreating');
    return [{ ...status, ready: false }];
  }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Set member by member, not as a literal opening with `...observed`: V8 (Node 20) gives an object
  // that starts with a spread and then gains other keys a hidden class of its own, and a status is
  // made on every sync of every pod.
  const status: PodStatus & { observedGeneration?: number } = {};
  if (generation !== undefined) status.observedGeneration = generation;
  status.conditions = conditions;
  status.containerStatuses = statuses;
  if (ephemeralStatuses.length) status.ephemeralContainerStatuses = ephemeralStatuses;
  status.hostIP = ctx.hostIP;
  status.hostIPs = [{ ip: ctx.hostIP }];
  if (specInit.length) status.initContainerStatuses = initStatuses;
  status.phase = phase;
  if (ip) {
    status.podIP = ip;
    status.podIPs = [{ ip }];
  }
  if (pod.status?.qosClass) status.qosClass = pod.status.qosClass;
  if (rec.failure) {
    status.reason = rec.failure.reason;
    status.message = rec.failure.message;
  }
  status.startTime = rec.startTime;
  return status;
}
