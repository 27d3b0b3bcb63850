// The messages between the extension and the Topology webview, and the guards both sides check them
// with. The extension sends one `init` graph, then `changes` per informer-cache batch and, when asked
// to send a request, the `requestPath` it took; the webview answers with user intents only.
import { isArrayOf, isBoolean, isLiteral, isNumber, isObject, isOneOf, isOptional, isRecordOf, isString, type Guard } from './guards';

export const topologyKinds = ['Ingress', 'Service', 'Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Pod', 'PodGroup', 'ConfigMap', 'Secret', 'PersistentVolumeClaim'] as const;
/** The kinds of the app graph; a `PodGroup` stands for the pods of one controller past the aggregation threshold. */
export type TopologyKind = (typeof topologyKinds)[number];

/**
 * How a node looks at a glance: `ready` (serving), `progressing` (pending, rolling, not all ready),
 * `failing`, `succeeded` (a finished pod), `missing` (referenced but not in the cluster).
 */
export const topologyStatuses = ['ready', 'progressing', 'failing', 'succeeded', 'missing'] as const;
export type TopologyStatus = (typeof topologyStatuses)[number];

export interface TopologyNode {
  /** `Kind/namespace/name`; a PodGroup's is `PodGroup/namespace/OwnerKind/ownerName`. */
  readonly id: string;
  readonly kind: TopologyKind;
  readonly namespace: string;
  /** The object's name; a PodGroup's is its owner's. */
  readonly name: string;
  /** The object's labels, for the label filter (a PodGroup's are its owner's pod template's). */
  readonly labels: Readonly<Record<string, string>>;
  readonly status: TopologyStatus;
  /** One line under the name: kubectl's STATUS of a pod, `2/2 ready`, `ClusterIP 10.96.0.12`… */
  readonly detail: string;
  /** A PodGroup's pod count. */
  readonly count?: number;
}

export const edgeRelations = ['routes', 'endpoint', 'owns', 'mounts', 'env'] as const;
/**
 * `routes`: Ingress → Service (a rule's backend); `endpoint`: Service → Pod (an EndpointSlice
 * endpoint); `owns`: controller → what it controls; `mounts` / `env`: Pod → ConfigMap, Secret or
 * PersistentVolumeClaim it mounts as a volume / reads in its environment (`mounts` when both).
 */
export type EdgeRelation = (typeof edgeRelations)[number];

export interface TopologyEdge {
  /** `source>target`. */
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly relation: EdgeRelation;
  /** An `endpoint` edge: the endpoint's Ready condition (false: kube-proxy sends it nothing). */
  readonly ready?: boolean;
}

export interface InitMessage {
  readonly type: 'init';
  readonly nodes: readonly TopologyNode[];
  readonly edges: readonly TopologyEdge[];
}

/** What changed since the previous message: nodes and edges added or replaced (by id), and ids removed. */
export interface ChangesMessage {
  readonly type: 'changes';
  readonly nodes: readonly TopologyNode[];
  readonly edges: readonly TopologyEdge[];
  /** Ids of nodes and edges that are gone (an edge's id contains `>`, a node's never does). */
  readonly removed: readonly string[];
}

/** The answer to `sendRequest`: the nodes the request went through, in order, and how it ended. */
export interface RequestPathMessage {
  readonly type: 'requestPath';
  /** What was sent, as the user would read it: `GET http://shop.example.com/api`. */
  readonly request: string;
  readonly hops: readonly string[];
  readonly ok: boolean;
  readonly message: string;
}

export type HostMessage = InitMessage | ChangesMessage | RequestPathMessage;

export const revealTargets = ['tree', 'yaml', 'file'] as const;
/** Where to show a node's object: the sidebar tree, its live YAML, or the manifest it was applied from. */
export type RevealTarget = (typeof revealTargets)[number];

export interface RevealMessage {
  readonly type: 'reveal';
  readonly id: string;
  readonly target: RevealTarget;
}

export interface SendRequestMessage {
  readonly type: 'sendRequest';
  /** An Ingress or Service node. */
  readonly id: string;
  /** `/api`, or with a host for an Ingress: `shop.example.com/api` (default: `/`, the Ingress's first host). */
  readonly path?: string;
}

export type WebviewMessage = { readonly type: 'ready' } | RevealMessage | SendRequestMessage;

export const isTopologyNode: Guard<TopologyNode> = isObject<TopologyNode>({
  id: isString,
  kind: isLiteral(...topologyKinds),
  namespace: isString,
  name: isString,
  labels: isRecordOf(isString),
  status: isLiteral(...topologyStatuses),
  detail: isString,
  count: isOptional(isNumber),
});

export const isTopologyEdge: Guard<TopologyEdge> = isObject<TopologyEdge>({
  id: isString,
  source: isString,
  target: isString,
  relation: isLiteral(...edgeRelations),
  ready: isOptional(isBoolean),
});

const isInit = isObject<InitMessage>({ type: isLiteral('init'), nodes: isArrayOf(isTopologyNode), edges: isArrayOf(isTopologyEdge) });
const isChanges = isObject<ChangesMessage>({ type: isLiteral('changes'), nodes: isArrayOf(isTopologyNode), edges: isArrayOf(isTopologyEdge), removed: isArrayOf(isString) });
const isRequestPath = isObject<RequestPathMessage>({ type: isLiteral('requestPath'), request: isString, hops: isArrayOf(isString), ok: isBoolean, message: isString });

export const isHostMessage: Guard<HostMessage> = isOneOf(isInit, isChanges, isRequestPath);

const isReady = isObject<{ type: 'ready' }>({ type: isLiteral('ready') });
const isReveal = isObject<RevealMessage>({ type: isLiteral('reveal'), id: isString, target: isLiteral(...revealTargets) });
const isSendRequest = isObject<SendRequestMessage>({ type: isLiteral('sendRequest'), id: isString, path: isOptional(isString) });

export const isWebviewMessage: Guard<WebviewMessage> = isOneOf(isReady, isReveal, isSendRequest);
