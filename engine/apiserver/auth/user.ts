// Who is calling: Kubernetes' user.Info, and the token authenticator that maps bearer tokens to it.
// See https://kubernetes.io/docs/reference/access-authn-authz/authentication/

export interface UserInfo {
  readonly name: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  /** What the authenticator adds (user.Info's Extra), e.g. the pod a service account token is bound to. */
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** Well-known users and groups, with Kubernetes' names. */
export const users = {
  anonymous: 'system:anonymous',
  scheduler: 'system:kube-scheduler',
  controllerManager: 'system:kube-controller-manager',
  node: (name: string) => `system:node:${name}`,
  serviceAccount: (namespace: string, name: string) => `system:serviceaccount:${namespace}:${name}`,
} as const;

export const groups = {
  masters: 'system:masters',
  authenticated: 'system:authenticated',
  unauthenticated: 'system:unauthenticated',
  nodes: 'system:nodes',
  serviceAccounts: 'system:serviceaccounts',
  serviceAccountsIn: (namespace: string) => `system:serviceaccounts:${namespace}`,
} as const;

/** `system:serviceaccount:ns:name` → { namespace, name }. */
export function parseServiceAccountUser(user: string): { namespace: string; name: string } | undefined {
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user);
  return m ? { namespace: m[1]!, name: m[2]! } : undefined;
}

/** `system:node:worker-1` → `worker-1`. */
export function nodeNameOf(user: UserInfo): string | undefined {
  if (!user.groups.includes(groups.nodes)) return undefined;
  const m = /^system:node:(.+)$/.exec(user.name);
  return m ? m[1] : undefined;
}

/**
 * A static token file in memory (kube-apiserver's --token-auth-file): token → user. Authenticated
 * users get `system:authenticated` added, as the real authenticator chain does.
 */
export class TokenAuthenticator {
  private readonly tokens = new Map<string, UserInfo>();

  add(token: string, user: Omit<UserInfo, 'groups'> & { groups?: readonly string[] }): void {
    if (token.length < 16) throw new Error('tokens must be at least 16 characters');
    const g = new Set(user.groups ?? []);
    g.add(groups.authenticated);
    this.tokens.set(token, { ...user, groups: [...g] });
  }

  remove(token: string): void {
    this.tokens.delete(token);
  }

  /** The user of a bearer token; undefined when the token is unknown (the caller answers 401). */
  authenticate(token: string | undefined): UserInfo | undefined {
    if (token === undefined) return undefined;
    return this.tokens.get(token);
  }
}

export const anonymousUser: UserInfo = { name: users.anonymous, groups: [groups.unauthenticated] };
