// Service account tokens: the JWTs the TokenRequest API (serviceaccounts/token) issues and the
// authenticator accepts, as kube-apiserver's --service-account-signing-key-file and
// --service-account-issuer make them. Claims follow pkg/serviceaccount/claims.go: the issuer, the
// audiences, `sub` system:serviceaccount:<ns>:<name>, iat/nbf/exp, a jti, and the private
// `kubernetes.io` claim naming the namespace, the service account and the object the token is
// bound to (a Pod, with its Node, or a Secret, or a Node), each with its uid. A token stays valid
// only while those objects exist with those uids.
// See https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#bound-service-account-tokens
import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/** kubeadm's issuer, which kube-apiserver also takes as its API audience. */
export const defaultIssuer = 'https://kubernetes.default.svc.cluster.local';

export interface ObjectRef {
  name: string;
  uid: string;
}

/** The private claim: who the token is for and what it is bound to. */
export interface KubernetesClaim {
  namespace: string;
  serviceaccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
  /** Seconds since the epoch after which an extended token's use is flagged (it still works). */
  warnafter?: number;
}

export interface TokenClaims {
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  iss: string;
  jti: string;
  'kubernetes.io': KubernetesClaim;
  sub: string;
}

/**
 * The issuer of the tokens the tokens controller writes into Secrets of type
 * kubernetes.io/service-account-token (pkg/serviceaccount/legacy.go): no audience, no expiry.
 */
export const legacyIssuer = 'kubernetes/serviceaccount';

/** A Secret-based token's claims: flat, named after the objects it stands for. */
export interface LegacyTokenClaims {
  iss: typeof legacyIssuer;
  sub: string;
  'kubernetes.io/serviceaccount/namespace': string;
  'kubernetes.io/serviceaccount/secret.name': string;
  'kubernetes.io/serviceaccount/service-account.name': string;
  'kubernetes.io/serviceaccount/service-account.uid': string;
}

const legacyClaimNames = ['kubernetes.io/serviceaccount/namespace', 'kubernetes.io/serviceaccount/secret.name', 'kubernetes.io/serviceaccount/service-account.name', 'kubernetes.io/serviceaccount/service-account.uid'] as const;

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** Signs and verifies service account tokens with one ECDSA P-256 key (ES256). */
export class ServiceAccountTokenSigner {
  /** The key's id, as kube-apiserver derives it: the unpadded base64url SHA-256 of its DER public key. */
  readonly keyID: string;
  readonly publicKey: KeyObject;

  constructor(
    private readonly privateKey: KeyObject,
    readonly issuer = defaultIssuer,
    /** What the API server identifies itself as (--api-audiences): the issuer unless given. */
    readonly apiAudiences: readonly string[] = [issuer],
  ) {
    this.publicKey = createPublicKey(privateKey);
    this.keyID = b64url(createHash('sha256').update(this.publicKey.export({ type: 'spki', format: 'der' })).digest());
  }

  sign(claims: TokenClaims | LegacyTokenClaims): string {
    const header = b64url(JSON.stringify({ alg: 'ES256', kid: this.keyID }));
    const payload = b64url(JSON.stringify(claims));
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${header}.${payload}.${b64url(signature)}`;
  }

  /**
   * The claims of a token this signer signed: a bound token's (this issuer's) or a Secret-based
   * one's (legacyIssuer's); undefined for any other string (another issuer's token, a static
   * token, garbage). Expiry, audience and the objects named are the caller's to check: they need
   * the clock and the store.
   */
  claims(token: string): { bound: TokenClaims } | { legacy: LegacyTokenClaims } | undefined {
    const claims = this.verified(token);
    if (!claims) return undefined;
    if (claims.iss === this.issuer) {
      const k = claims['kubernetes.io'] as Partial<KubernetesClaim> | undefined;
      return typeof k?.serviceaccount?.name === 'string' ? { bound: claims as unknown as TokenClaims } : undefined;
    }
    if (claims.iss === legacyIssuer && typeof claims.sub === 'string' && legacyClaimNames.every((n) => typeof claims[n] === 'string' && claims[n])) return { legacy: claims as unknown as LegacyTokenClaims };
    return undefined;
  }

  /** The payload of a JWT whose ES256 signature this signer's key verifies. */
  private verified(token: string): Record<string, unknown> | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    try {
      const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
      if (h.alg !== 'ES256') return undefined;
      if (!verify('sha256', Buffer.from(`${header}.${payload}`), { key: this.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))) return undefined;
      const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The signing key as a JSON Web Key Set, as /openid/v1/jwks publishes it. */
  jwks(): { keys: Record<string, string>[] } {
    const jwk = this.publicKey.export({ format: 'jwk' }) as Record<string, string>;
    return { keys: [{ use: 'sig', kty: jwk.kty!, kid: this.keyID, crv: jwk.crv!, alg: 'ES256', x: jwk.x!, y: jwk.y! }] };
  }
}
