// What a request asks to do, as the authorizers see it (k8s.io/apiserver authorizer.Attributes).
import { StatusError, statusErrors } from '../../api/errors';
import type { UserInfo } from './user';

export interface ResourceAttributes {
  readonly user: UserInfo;
  readonly verb: string;
  readonly apiGroup: string;
  readonly apiVersion?: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

export interface NonResourceAttributes {
  readonly user: UserInfo;
  readonly verb: string;
  readonly path: string;
}

export type Attributes = ResourceAttributes | NonResourceAttributes;

export function isResourceRequest(a: Attributes): a is ResourceAttributes {
  return 'resource' in a;
}

export type Decision = { allowed: true } | { allowed: false; reason?: string };

export interface Authorizer {
  authorize(a: Attributes): Decision;
}

/** kube-apiserver's message for a denied request (endpoints/handlers/responsewriters/errors.go). */
export function forbiddenMessage(a: Attributes): string {
  const user = a.user.name;
  if (!isResourceRequest(a)) return `User ${JSON.stringify(user)} cannot ${a.verb} path ${JSON.stringify(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : 'at the cluster scope';
  return `User ${JSON.stringify(user)} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} ${where}`;
}

/** The 403 a denied request gets, shaped as apierrors.NewForbidden does. */
export function forbidden(a: Attributes, reason?: string): StatusError {
  const msg = reason ? `${forbiddenMessage(a)}: ${reason}` : forbiddenMessage(a);
  if (!isResourceRequest(a)) return statusErrors.forbidden(`forbidden: ${msg}`);
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const message = a.name ? `${qualified} ${JSON.stringify(a.name)} is forbidden: ${msg}` : `${qualified} is forbidden: ${msg}`;
  return statusErrors.forbidden(message, { group: a.apiGroup, kind: a.resource, name: a.name ?? '' });
}

/** Authorizers in order; the first that allows wins (kube-apiserver's union authorizer, --authorization-mode=Node,RBAC). */
export class UnionAuthorizer implements Authorizer {
  constructor(private readonly authorizers: readonly Authorizer[]) {}
  authorize(a: Attributes): Decision {
    const reasons: string[] = [];
    for (const z of this.authorizers) {
      const d = z.authorize(a);
      if (d.allowed) return d;
      if (d.reason) reasons.push(d.reason);
    }
    return reasons.length ? { allowed: false, reason: reasons.join(', ') } : { allowed: false };
  }
}
