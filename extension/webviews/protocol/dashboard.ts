// The messages between the extension and the Cluster dashboard webview, and the guards both sides
// check them with. The extension sends one `init` snapshot, then only `changes` (what its informer
// cache saw change, per batch); the webview answers with user intents, never with cluster data.
import { isArrayOf, isBoolean, isLiteral, isNumber, isObject, isOneOf, isOptional, isString, type Guard } from './guards';

/** Milli-CPU, bytes and a pod count: the units the scheduler compares. */
export interface NodeResources {
  readonly cpu: number;
  readonly memory: number;
  readonly pods: number;
}

export type NodeRole = 'control-plane' | 'worker';

/** One node card: what `kubectl get nodes` and `kubectl describe node` "Allocated resources" show. */
export interface NodeSummary {
  readonly name: string;
  readonly role: NodeRole;
  /** The Ready condition is True. */
  readonly ready: boolean;
  /** spec.unschedulable (kubectl's SchedulingDisabled). */
  readonly cordoned: boolean;
  /** Its kubelet was stopped on purpose (embedded cluster only): the menu offers recover. */
  readonly failed: boolean;
  /** Sum of the requests of the node's pods that are not finished, as the scheduler counts them. */
  readonly requested: NodeResources;
  readonly allocatable: NodeResources;
}

/** One pod chip. `status` is kubectl's STATUS column (CrashLoopBackOff, Terminating, Init:0/1…). */
export interface PodChip {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  /** spec.nodeName, '' while unscheduled. */
  readonly node: string;
  readonly phase: PodPhase;
  readonly status: string;
  /** Every container ready (kubectl's READY n/n with n = n). */
  readonly ready: boolean;
}

export const podPhases = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown'] as const;
export type PodPhase = (typeof podPhases)[number];

export interface EventSummary {
  readonly uid: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  /** The involved object. */
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly count: number;
  /** Epoch ms of the last occurrence. */
  readonly time: number;
}

/** Pods per phase at one instant, for the chart; counts in podPhases order. */
export interface PhaseSample {
  readonly time: number;
  readonly counts: readonly number[];
}

export interface InitMessage {
  readonly type: 'init';
  readonly nodes: readonly NodeSummary[];
  readonly pods: readonly PodChip[];
  /** Newest last. */
  readonly events: readonly EventSummary[];
  /** Oldest first. */
  readonly history: readonly PhaseSample[];
  /** The backend can change nodes (embedded cluster): show each node's menu. */
  readonly nodeActions: boolean;
}

/** What changed since the previous message; a pod or node in `updated` replaces the one of the same key. */
export interface ChangesMessage {
  readonly type: 'changes';
  readonly nodes: { readonly updated: readonly NodeSummary[]; readonly deleted: readonly string[] };
  /** Pods keyed by uid. */
  readonly pods: { readonly updated: readonly PodChip[]; readonly deleted: readonly string[] };
  /** New or updated events; the webview keeps the newest ones. */
  readonly events: readonly EventSummary[];
  readonly samples: readonly PhaseSample[];
}

export type HostMessage = InitMessage | ChangesMessage;

export const nodeActions = ['cordon', 'uncordon', 'drain', 'fail', 'recover'] as const;
export type NodeAction = (typeof nodeActions)[number];

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'nodeAction'; readonly node: string; readonly action: NodeAction }
  | { readonly type: 'reveal'; readonly kind: 'Node' | 'Pod'; readonly namespace?: string; readonly name: string };

const isResources: Guard<NodeResources> = isObject<NodeResources>({ cpu: isNumber, memory: isNumber, pods: isNumber });

export const isNodeSummary: Guard<NodeSummary> = isObject<NodeSummary>({
  name: isString,
  role: isLiteral('control-plane', 'worker'),
  ready: isBoolean,
  cordoned: isBoolean,
  failed: isBoolean,
  requested: isResources,
  allocatable: isResources,
});

export const isPodChip: Guard<PodChip> = isObject<PodChip>({
  uid: isString,
  name: isString,
  namespace: isString,
  node: isString,
  phase: isLiteral(...podPhases),
  status: isString,
  ready: isBoolean,
});

const isEventSummary: Guard<EventSummary> = isObject<EventSummary>({
  uid: isString,
  type: isString,
  reason: isString,
  message: isString,
  kind: isString,
  namespace: isString,
  name: isString,
  count: isNumber,
  time: isNumber,
});

const isPhaseSample: Guard<PhaseSample> = isObject<PhaseSample>({
  time: isNumber,
  counts: (v): v is number[] => isArrayOf(isNumber)(v) && v.length === podPhases.length,
});

const isInit: Guard<InitMessage> = isObject<InitMessage>({
  type: isLiteral('init'),
  nodes: isArrayOf(isNodeSummary),
  pods: isArrayOf(isPodChip),
  events: isArrayOf(isEventSummary),
  history: isArrayOf(isPhaseSample),
  nodeActions: isBoolean,
});

const isChanges: Guard<ChangesMessage> = isObject<ChangesMessage>({
  type: isLiteral('changes'),
  nodes: isObject({ updated: isArrayOf(isNodeSummary), deleted: isArrayOf(isString) }),
  pods: isObject({ updated: isArrayOf(isPodChip), deleted: isArrayOf(isString) }),
  events: isArrayOf(isEventSummary),
  samples: isArrayOf(isPhaseSample),
});

export const isHostMessage: Guard<HostMessage> = isOneOf(isInit, isChanges);

const isReady = isObject<{ type: 'ready' }>({ type: isLiteral('ready') });
const isNodeAction = isObject<{ type: 'nodeAction'; node: string; action: NodeAction }>({ type: isLiteral('nodeAction'), node: isString, action: isLiteral(...nodeActions) });
const isReveal = isObject<{ type: 'reveal'; kind: 'Node' | 'Pod'; namespace: string | undefined; name: string }>({
  type: isLiteral('reveal'),
  kind: isLiteral('Node', 'Pod'),
  namespace: isOptional(isString),
  name: isString,
});

export const isWebviewMessage: Guard<WebviewMessage> = isOneOf(isReady, isNodeAction, isReveal);
