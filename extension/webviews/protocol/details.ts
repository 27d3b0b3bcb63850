// The messages between the extension and the Resource details webview, and the guards both sides
// check them with. The extension sends an `init` with every section, then `update`s holding only the
// sections that changed; the webview answers with user intents (roll back, show YAML, logs, open an
// owner). A Secret's values never travel: its section lists keys only.
import { isArrayOf, isBoolean, isLiteral, isNullable, isNumber, isObject, isOneOf, isOptional, isPlainObject, isString, type Guard } from './guards';

/** An object the page can point at (the details target, an owner): kind, namespace, name. */
export interface ObjectLink {
  readonly kind: string;
  /** '' for a cluster-scoped object. */
  readonly namespace: string;
  readonly name: string;
}

/** How a status reads at a glance: it picks the colour and codicon. */
export type StatusLevel = 'ok' | 'progress' | 'warning' | 'error' | 'done' | 'unknown';
export const statusLevels = ['ok', 'progress', 'warning', 'error', 'done', 'unknown'] as const;

export interface Field {
  readonly label: string;
  readonly value: string;
}

/** The header: what `kubectl get` shows in its STATUS and READY columns, and a few fields from describe. */
export interface Summary {
  readonly uid: string;
  /** Epoch ms of metadata.creationTimestamp. */
  readonly created: number;
  /** kubectl's STATUS for a pod; for other kinds the word their conditions give (Available, Complete…). */
  readonly status: string;
  readonly level: StatusLevel;
  readonly fields: readonly Field[];
  readonly labels: readonly Field[];
}

export interface ConditionRow {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
  /** Epoch ms of lastTransitionTime, 0 when not given. */
  readonly since: number;
}

export interface EventRow {
  readonly uid: string;
  /** Normal or Warning. */
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  /** The component that reported it (kubelet, deployment-controller…). */
  readonly source: string;
  readonly count: number;
  /** Epoch ms of the last occurrence. */
  readonly last: number;
}

/** One step up the ownerReferences: `linked` when the page may open its details. */
export interface OwnerRow extends ObjectLink {
  readonly linked: boolean;
}

export type ProbeType = 'startup' | 'liveness' | 'readiness';
export const probeTypes = ['startup', 'liveness', 'readiness'] as const;

/** A probe the container declares and what the kubelet last said of it. */
export interface ProbeRow {
  readonly type: ProbeType;
  /** As kubectl describe prints it: `http-get http://:http/ delay=5s timeout=1s period=10s #success=1 #failure=3`. */
  readonly description: string;
  /** From the container status (ready, started) or, for liveness, the latest Unhealthy event of this instance. */
  readonly result: 'success' | 'failure' | 'unknown';
  /** The failure the kubelet reported, when it did. */
  readonly message: string;
}

export interface TerminationRow {
  readonly reason: string;
  readonly exitCode: number;
  /** Epoch ms of finishedAt. */
  readonly finished: number;
}

export interface ContainerRow {
  readonly name: string;
  /** Init containers run before the others; sidecars are init containers with restartPolicy Always. */
  readonly role: 'init' | 'sidecar' | 'app';
  readonly image: string;
  readonly ready: boolean;
  readonly restarts: number;
  readonly state: 'running' | 'waiting' | 'terminated' | 'unknown';
  /** The waiting or terminated reason (CrashLoopBackOff, Completed…), '' when running. */
  readonly reason: string;
  /** Epoch ms the state began, 0 when unknown. */
  readonly since: number;
  readonly lastTermination: TerminationRow | undefined;
  readonly probes: readonly ProbeRow[];
}

/** A Deployment revision: one of its ReplicaSets, as `kubectl rollout history` lists them. */
export interface RevisionRow {
  readonly revision: number;
  readonly replicaSet: string;
  readonly images: readonly string[];
  readonly ready: number;
  readonly replicas: number;
  /** The revision the Deployment's template is now. */
  readonly current: boolean;
  readonly created: number;
  /** The kubernetes.io/change-cause annotation, '' without one. */
  readonly changeCause: string;
}

/** Every section of the page. `rollout` and `dataKeys` are null for kinds without one. */
export interface Details {
  readonly summary: Summary;
  readonly conditions: readonly ConditionRow[];
  readonly events: readonly EventRow[];
  /** The nearest owner first (pod → ReplicaSet → Deployment). */
  readonly owners: readonly OwnerRow[];
  readonly containers: readonly ContainerRow[];
  readonly rollout: readonly RevisionRow[] | null;
  /** Keys of a Secret's or ConfigMap's data, sorted; never values. */
  readonly dataKeys: readonly string[] | null;
}

export const sectionNames = ['summary', 'conditions', 'events', 'owners', 'containers', 'rollout', 'dataKeys'] as const satisfies readonly (keyof Details)[];
export type SectionName = (typeof sectionNames)[number];

export interface InitMessage {
  readonly type: 'init';
  readonly target: ObjectLink;
  /** null when the object does not exist (not yet, or no longer). */
  readonly details: Details | null;
  /** Epoch ms on the extension's clock, for ages. */
  readonly now: number;
  /** Whether the page offers Logs (kinds with containers). */
  readonly logs: boolean;
}

export interface UpdateMessage {
  readonly type: 'update';
  /** Only the sections that changed, each whole. */
  readonly details: Partial<Details>;
  readonly now: number;
}

export type HostMessage = InitMessage | UpdateMessage;

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'rollback'; readonly revision: number }
  | { readonly type: 'showYaml' }
  | { readonly type: 'logs'; readonly container?: string }
  | { readonly type: 'open'; readonly target: ObjectLink };

export const isObjectLink: Guard<ObjectLink> = isObject<ObjectLink>({ kind: isString, namespace: isString, name: isString });
const isField = isObject<Field>({ label: isString, value: isString });

const isSummary = isObject<Summary>({
  uid: isString,
  created: isNumber,
  status: isString,
  level: isLiteral(...statusLevels),
  fields: isArrayOf(isField),
  labels: isArrayOf(isField),
});
const isCondition = isObject<ConditionRow>({ type: isString, status: isString, reason: isString, message: isString, since: isNumber });
const isEvent = isObject<EventRow>({ uid: isString, type: isString, reason: isString, message: isString, source: isString, count: isNumber, last: isNumber });
const isOwner = isObject<OwnerRow>({ kind: isString, namespace: isString, name: isString, linked: isBoolean });
const isProbe = isObject<ProbeRow>({ type: isLiteral(...probeTypes), description: isString, result: isLiteral('success', 'failure', 'unknown'), message: isString });
const isTermination = isObject<TerminationRow>({ reason: isString, exitCode: isNumber, finished: isNumber });
const isContainer = isObject<ContainerRow>({
  name: isString,
  role: isLiteral('init', 'sidecar', 'app'),
  image: isString,
  ready: isBoolean,
  restarts: isNumber,
  state: isLiteral('running', 'waiting', 'terminated', 'unknown'),
  reason: isString,
  since: isNumber,
  lastTermination: isOptional(isTermination),
  probes: isArrayOf(isProbe),
});
const isRevision = isObject<RevisionRow>({
  revision: isNumber,
  replicaSet: isString,
  images: isArrayOf(isString),
  ready: isNumber,
  replicas: isNumber,
  current: isBoolean,
  created: isNumber,
  changeCause: isString,
});
const sectionGuards: { readonly [K in SectionName]: Guard<Details[K]> } = {
  summary: isSummary,
  conditions: isArrayOf(isCondition),
  events: isArrayOf(isEvent),
  owners: isArrayOf(isOwner),
  containers: isArrayOf(isContainer),
  rollout: isNullable(isArrayOf(isRevision)),
  dataKeys: isNullable(isArrayOf(isString)),
};

export const isDetails: Guard<Details> = isObject<Details>(sectionGuards);

/** Some sections, each valid; nothing else. */
const isPartialDetails: Guard<Partial<Details>> = (v): v is Partial<Details> => {
  if (!isPlainObject(v)) return false;
  return Object.entries(v).every(([key, value]) => (sectionNames as readonly string[]).includes(key) && sectionGuards[key as SectionName](value));
};

const isInit = isObject<InitMessage>({ type: isLiteral('init'), target: isObjectLink, details: isNullable(isDetails), now: isNumber, logs: isBoolean });
const isUpdate = isObject<UpdateMessage>({ type: isLiteral('update'), details: isPartialDetails, now: isNumber });

export const isHostMessage: Guard<HostMessage> = isOneOf(isInit, isUpdate);

const isReady = isObject<{ type: 'ready' }>({ type: isLiteral('ready') });
const isRollback = isObject<{ type: 'rollback'; revision: number }>({ type: isLiteral('rollback'), revision: (v): v is number => isNumber(v) && Number.isInteger(v) && v > 0 });
const isShowYaml = isObject<{ type: 'showYaml' }>({ type: isLiteral('showYaml') });
const isLogs = isObject<{ type: 'logs'; container: string | undefined }>({ type: isLiteral('logs'), container: isOptional(isString) });
const isOpen = isObject<{ type: 'open'; target: ObjectLink }>({ type: isLiteral('open'), target: isObjectLink });

export const isWebviewMessage: Guard<WebviewMessage> = isOneOf(isReady, isRollback, isShowYaml, isLogs, isOpen);
