// The audit log: one audit.k8s.io/v1 Event per mutating request (who, verb, what, result), kept in
// a bounded ring so a long-running cluster's memory stays flat; the user reads it with `kubeside
// audit` or from the extension. See https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/
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
  requestURI: string;
  userAgent?: string;
  objectRef: AuditEvent['objectRef'];
  code: number;
  reason?: string;
  message?: string;
  dryRun?: boolean;
  receivedAt: number;
}

const mutating = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export class AuditLog {
  private readonly ring: AuditEvent[] = [];
  private next = 0;
  private seq = 0;
  private readonly listeners = new Set<(e: AuditEvent) => void>();

  constructor(private readonly clock: Clock, private readonly capacity = 10_000) {}

  /** Records a request if it changes (or tried to change) the cluster; reads are not audited. */
  record(input: AuditInput): void {
    if (!mutating.has(input.verb)) return;
    const event: AuditEvent = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID: `audit-${++this.seq}`,
      stage: 'ResponseComplete',
      requestURI: input.requestURI,
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
      stageTimestamp: new Date(this.clock.now()).toISOString(),
      ...(input.dryRun ? { annotations: { 'kubeside.dev/dry-run': 'true' } } : {}),
    };
    if (this.ring.length < this.capacity) this.ring.push(event);
    else this.ring[this.next] = event;
    this.next = (this.next + 1) % this.capacity;
    for (const l of this.listeners) l(event);
  }

  /** Events oldest first. */
  events(): AuditEvent[] {
    return this.ring.length < this.capacity ? [...this.ring] : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  onEvent(listener: (e: AuditEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
