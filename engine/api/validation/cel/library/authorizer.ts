// Kubernetes' authorizer library: an admission policy (or a webhook's match condition) asks whether
// the request's user, or a service account, may do something —
// `authorizer.group('apps').resource('deployments').namespace(object.metadata.namespace).check('update').allowed()`,
// `authorizer.requestResource.check('approve')`, `authorizer.path('/metrics').check('get')` — and the
// API server's authorizers (RBAC, Node) answer with a decision and its reason.
// See https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-authorizer-library
import type { Environment } from '@marcbachmann/cel-js';

/** What is asked of the API server's authorizers: a resource or a non-resource path, for a user. */
export interface AuthorizationQuestion {
  readonly user: { readonly name: string; readonly groups: readonly string[] };
  readonly verb: string;
  readonly resource?: { readonly group: string; readonly resource: string; readonly subresource: string; readonly namespace: string; readonly name: string };
  readonly path?: string;
}

export type Authorize = (question: AuthorizationQuestion) => { allowed: boolean; reason?: string; error?: string };

const authorizerType = 'kubernetes.authorization.Authorizer';
const pathCheckType = 'kubernetes.authorization.PathCheck';
const groupCheckType = 'kubernetes.authorization.GroupCheck';
const resourceCheckType = 'kubernetes.authorization.ResourceCheck';
const decisionType = 'kubernetes.authorization.Decision';

export class CelAuthorizer {
  /** The resource of the request being admitted, as `authorizer.requestResource` checks it. */
  readonly requestResource: ResourceCheck | undefined;

  constructor(
    readonly authorize: Authorize,
    readonly user: AuthorizationQuestion['user'],
    request?: { group: string; resource: string; subresource?: string; namespace?: string; name?: string },
  ) {
    this.requestResource = request ? new ResourceCheck(this, request.group, request.resource, request.subresource ?? '', request.namespace ?? '', request.name ?? '') : undefined;
  }
}

class PathCheck {
  constructor(
    readonly authorizer: CelAuthorizer,
    readonly path: string,
  ) {}
}

class GroupCheck {
  constructor(
    readonly authorizer: CelAuthorizer,
    readonly group: string,
  ) {}
}

class ResourceCheck {
  constructor(
    readonly authorizer: CelAuthorizer,
    readonly group: string,
    readonly resource: string,
    readonly subresource = '',
    readonly namespace = '',
    readonly name = '',
  ) {}

  with(change: Partial<Pick<ResourceCheck, 'subresource' | 'namespace' | 'name'>>): ResourceCheck {
    return new ResourceCheck(this.authorizer, this.group, this.resource, change.subresource ?? this.subresource, change.namespace ?? this.namespace, change.name ?? this.name);
  }
}

class Decision {
  constructor(
    readonly isAllowed: boolean,
    readonly why: string,
    readonly failure: string,
  ) {}
}

function decide(authorizer: CelAuthorizer, verb: string, target: Pick<AuthorizationQuestion, 'resource' | 'path'>): Decision {
  const answer = authorizer.authorize({ user: authorizer.user, verb, ...target });
  return new Decision(answer.allowed, answer.reason ?? '', answer.error ?? '');
}

export function registerAuthorizerLibrary(env: Environment): void {
  env
    .registerType(authorizerType, CelAuthorizer)
    .registerType(pathCheckType, PathCheck)
    .registerType(groupCheckType, GroupCheck)
    .registerType(resourceCheckType, ResourceCheck)
    .registerType(decisionType, Decision)
    .registerFunction(`${authorizerType}.path(string): ${pathCheckType}`, (a: CelAuthorizer, path: string) => new PathCheck(a, path))
    .registerFunction(`${authorizerType}.group(string): ${groupCheckType}`, (a: CelAuthorizer, group: string) => new GroupCheck(a, group))
    .registerFunction(`${authorizerType}.serviceAccount(string, string): ${authorizerType}`, (a: CelAuthorizer, namespace: string, name: string) =>
      new CelAuthorizer(a.authorize, { name: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'] }),
    )
    .registerFunction(`${groupCheckType}.resource(string): ${resourceCheckType}`, (g: GroupCheck, resource: string) => new ResourceCheck(g.authorizer, g.group, resource))
    .registerFunction(`${resourceCheckType}.subresource(string): ${resourceCheckType}`, (r: ResourceCheck, subresource: string) => r.with({ subresource }))
    .registerFunction(`${resourceCheckType}.namespace(string): ${resourceCheckType}`, (r: ResourceCheck, namespace: string) => r.with({ namespace }))
    .registerFunction(`${resourceCheckType}.name(string): ${resourceCheckType}`, (r: ResourceCheck, name: string) => r.with({ name }))
    // Selectors narrow a list or watch; the authorizers here (RBAC, Node) decide without them.
    .registerFunction(`${resourceCheckType}.fieldSelector(string): ${resourceCheckType}`, (r: ResourceCheck) => r)
    .registerFunction(`${resourceCheckType}.labelSelector(string): ${resourceCheckType}`, (r: ResourceCheck) => r)
    .registerFunction(`${resourceCheckType}.check(string): ${decisionType}`, (r: ResourceCheck, verb: string) =>
      decide(r.authorizer, verb, { resource: { group: r.group, resource: r.resource, subresource: r.subresource, namespace: r.namespace, name: r.name } }),
    )
    .registerFunction(`${pathCheckType}.check(string): ${decisionType}`, (p: PathCheck, verb: string) => decide(p.authorizer, verb, { path: p.path }))
    .registerFunction(`${decisionType}.allowed(): bool`, (d: Decision) => d.isAllowed)
    .registerFunction(`${decisionType}.reason(): string`, (d: Decision) => d.why)
    .registerFunction(`${decisionType}.errored(): bool`, (d: Decision) => d.failure !== '')
    .registerFunction(`${decisionType}.error(): string`, (d: Decision) => d.failure);
}
