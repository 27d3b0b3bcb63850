// The kubelet's service account token manager (pkg/kubelet/token/token_manager.go): the tokens of
// projected `serviceAccountToken` volume sources, each asked of the TokenRequest API bound to its
// pod, cached, and asked again once 80% of its life has passed (or a day). A renewal that fails
// leaves the old token written while it is still valid.
import type { ApiClient } from '../apiserver/client';
import type { Clock } from '../util/clock';

/** A token is renewed once this share of its life has passed, or after a day. */
const refreshFraction = 0.8;
const maxAgeMs = 24 * 3600 * 1000;

export interface TokenSpec {
  namespace: string;
  serviceAccount: string;
  /** Empty: the API server's own audiences. */
  audiences: readonly string[];
  expirationSeconds: number;
  pod: { name: string; uid: string };
}

export type TokenResult = { token: string } | { error: string };

interface Entry {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

export class TokenManager {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly client: ApiClient, private readonly clock: Clock) {}

  /** The token to write now: the cached one, or a new one when there is none or it is due for renewal. */
  get(spec: TokenSpec): TokenResult {
    const key = `${spec.pod.uid}/${spec.namespace}/${spec.serviceAccount}/${spec.audiences.join(',')}/${spec.expirationSeconds}`;
    const now = this.clock.now();
    const cached = this.entries.get(key);
    if (cached && now < cached.issuedAt + Math.min((cached.expiresAt - cached.issuedAt) * refreshFraction, maxAgeMs)) return { token: cached.token };
    try {
      const answer = this.client.requestToken(spec.namespace, spec.serviceAccount, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { audiences: [...spec.audiences], expirationSeconds: spec.expirationSeconds, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: spec.pod.name, uid: spec.pod.uid } },
      });
      const entry = { token: String(answer.status?.token ?? ''), issuedAt: now, expiresAt: Date.parse(String(answer.status?.expirationTimestamp)) };
      this.entries.set(key, entry);
      return { token: entry.token };
    } catch (err) {
      if (cached && now < cached.expiresAt) return { token: cached.token };
      return { error: `failed to fetch token: ${err instanceof Error ? err.message : String(err)}` };
    }
  }

  /** Drops the tokens of a pod that is gone. */
  forgetPod(podUid: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${podUid}/`)) this.entries.delete(key);
  }
}
