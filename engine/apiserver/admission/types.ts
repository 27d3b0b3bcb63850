// Admission: the plugins every write passes after authentication and authorization, in
// kube-apiserver's order — mutating plugins first (they may change the object), then validation of
// the object, then validating plugins (they may only refuse). One interface for all of them.
// See https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/
import type { KindInfo } from '../../api/kinds/index';
import type { Quantity } from '../../api/quantity';
import type { UserInfo } from '../auth/user';
import type { Obj } from '../registry/strategy';
import type { Authorize } from '../../api/validation/cel/library/authorizer';
import type { WebhookCall, WebhookReply } from './webhooks';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionRequest {
  readonly operation: Operation;
  readonly kind: KindInfo;
  readonly subresource?: string;
  readonly namespace: string;
  /** Empty for a create with generateName: the name is chosen after admission. */
  readonly name: string;
  /** The object being written; mutating plugins change it in place. Absent for DELETE. */
  readonly object?: Obj;
  readonly oldObject?: Obj;
  readonly user: UserInfo;
  readonly dryRun: boolean;
  /** Adds a warning to the response (validating plugins: a policy's Warn action). */
  readonly warn?: (message: string) => void;
}

/** What plugins may read of the cluster: the API server's own view, bypassing authorization. */
export interface AdmissionContext {
  get(group: string, resource: string, namespace: string, name: string): Obj | undefined;
  /** Every object of a resource, in one namespace or (namespace undefined) all. */
  list(group: string, resource: string, namespace?: string): Obj[];
  /** The objects of a kind, built-in or custom, by its apiVersion and kind; undefined when none is served. */
  objectsOf(apiVersion: string, kind: string): { readonly namespaced: boolean; get(namespace: string | undefined, name: string): Obj | undefined; list(namespace?: string): Obj[] } | undefined;
  /** The API server's authorizers' answer (what CEL's `authorizer` asks). */
  authorize: Authorize;
  /** A 5-character suffix from the cluster's seeded random source. */
  randomSuffix(): string;
  /** A new UID (a version 4 UUID) from the same source. */
  uid(): string;
  /** Sends an admission webhook its review; undefined for a server with no cluster network around it. */
  callWebhook(call: WebhookCall): WebhookReply | undefined;
  /**
   * Charges an admitted write's usage to a ResourceQuota: the API server adds `delta` to the quota's
   * `status.used` before it stores the object, checking the quota again as it then stands (another
   * write may have charged it meanwhile) and refusing with `forbid`'s error if it would go over.
   */
  chargeQuota?(quota: Obj, delta: ReadonlyMap<string, Quantity>, forbid: (why: string) => Error): void;
}

export interface AdmissionPlugin {
  readonly name: string;
  /** Mutating phase: may change `req.object`; throws a StatusError to refuse. */
  admit?(req: AdmissionRequest, ctx: AdmissionContext): void;
  /** Validating phase: throws a StatusError to refuse; must not change anything. */
  validate?(req: AdmissionRequest, ctx: AdmissionContext): void;
}

export class AdmissionChain {
  constructor(readonly plugins: readonly AdmissionPlugin[]) {}

  admit(req: AdmissionRequest, ctx: AdmissionContext): void {
    for (const p of this.plugins) p.admit?.(req, ctx);
  }

  validate(req: AdmissionRequest, ctx: AdmissionContext): void {
    for (const p of this.plugins) p.validate?.(req, ctx);
  }
}
