// The audit log: one audit.k8s.io/v1 Event per mutating request (who, verb, what, result), kept in
// a bounded ring so a long-running cluster's memory stays flat; the user reads it with `kubeside
// audit` or from the extension. See https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/
import { apiVersionOf } from '../api/kinds/index';
import type { Clock } from '../util/clock';
import type { UserInfo } from './auth/user';

export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: 'Metadata';
  auditID: string;
  stage: 'ResponseComplete';
  requestURI: string;
  verb: string;
  user: { username: string; groups: string[] };
  userAgent?: string;
  objectRef: { resource: string; namespace?: string; name?: string; apiGroup?: string; apiVersion?: string; subresource?: string };
  responseStatus: { metadata: Record<string, never>; code: number; status?: string; reason?: string; message?: string };
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

export interface AuditInput {
  user: UserInfo;
  verb: string;
  /** The request's URI as the client sent it; an in-process request's is its REST path, made from `objectRef`. */
  requestURI?: string;
  userAgent?: string;
  objectRef: AuditEvent['objectRef'];
  code: number;
  reason?: string;
  message?: string;
  dryRun?: boolean;
  receivedAt: number;
}

const mutating = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/** What the ring keeps of a request: its input and when it completed; the event is built when read. */
interface Recorded {
  input: AuditInput;
  seq: number;
  completedAt: number;
}

export class AuditLog {
  private readonly ring: Recorded[] = [];
  private next = 0;
  private seq = 0;
  private readonly listeners = new Set<(e: AuditEvent) => void>();

  constructor(private readonly clock: Clock, private readonly capacity = 10_000) {}

  /** Whether a request with this verb is recorded: one that changes (or tries to change) the cluster. */
  records(verb: string): boolean {
    return mutating.has(verb);
  }

  /**
   * Records a request if it changes (or tried to change) the cluster; reads are not audited. Every
   * write passes here, so it only keeps what it was given: the event (timestamps formatted, groups
   * copied) is built when someone reads it, and most are overwritten unread.
   */
  record(input: AuditInput): void {
    if (!this.records(input.verb)) return;
    const recorded: Recorded = { input, seq: ++this.seq, completedAt: this.clock.now() };
    if (this.ring.length < this.capacity) this.ring.push(recorded);
    else this.ring[this.next] = recorded;
    this.next = (this.next + 1) % this.capacity;
    if (this.listeners.size) {
      const event = toEvent(recorded);
      for (const l of this.listeners) l(event);
    }
  }

  /** Events oldest first. */
  events(): AuditEvent[] {
    const ordered = this.ring.length < this.capacity ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return ordered.map(toEvent);
  }

  onEvent(listener: (e: AuditEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}

function toEvent({ input, seq, completedAt }: Recorded): AuditEvent {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `audit-${seq}`,
    stage: 'ResponseComplete',
    requestURI: input.requestURI ?? restPath(input.objectRef),
    verb: input.verb,
    user: { username: input.user.name, groups: [...input.user.groups] },
    ...(input.userAgent ? { userAgent: input.userAgent } : {}),
    objectRef: input.objectRef,
    responseStatus: {
      metadata: {},
      code: input.code,
      ...(input.code >= 400 ? { status: 'Failure', reason: input.reason ?? '', message: input.message ?? '' } : {}),
    },
    requestReceivedTimestamp: new Date(input.receivedAt).toISOString(),
    stageTimestamp: new Date(completedAt).toISOString(),
    ...(input.dryRun ? { annotations: { 'kubeside.dev/dry-run': 'true' } } : {}),
  };
}

/** The REST path of the object a request names (`/apis/apps/v1/namespaces/shop/deployments/web/scale`). */
function restPath(ref: AuditEvent['objectRef']): string {
  let p = ref.apiGroup ? `/apis/${apiVersionOf(ref.apiGroup, ref.apiVersion ?? '')}` : `/api/${ref.apiVersion ?? ''}`;
  if (ref.namespace) p += `/namespaces/${ref.namespace}`;
  p += `/${ref.resource}`;
  if (ref.name) p += `/${ref.name}`;
  if (ref.subresource) p += `/${ref.subresource}`;
  return p;
}
