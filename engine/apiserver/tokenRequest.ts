// The TokenRequest API (POST serviceaccounts/<name>/token) and the service account token
// authenticator, after pkg/registry/core/serviceaccount/storage/token.go and
// pkg/serviceaccount/claims.go: a token names its service account and what it is bound to, each
// with its uid, and stops authenticating once any of them is gone or replaced.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { fieldError, statusErrors, type FieldError } from '../api/errors';
import { rfc3339 } from '../util/clock';
import type { Obj } from './registry/strategy';
import { groups, nodeNameOf, users, type UserInfo } from './auth/user';
import { type KubernetesClaim, legacyIssuer, type LegacyTokenClaims, type ServiceAccountTokenSigner } from './auth/serviceAccountToken';

export type TokenObjectResource = 'serviceaccounts' | 'pods' | 'secrets' | 'nodes';

/** How the API server reads the objects a token names: as they are now, or undefined. */
export type TokenObjects = (resource: TokenObjectResource, namespace: string | undefined, name: string) => Readonly<Obj> | undefined;

/** The kinds a token may be bound to, and their resources. */
const boundKinds: Readonly<Record<string, TokenObjectResource | undefined>> = { Pod: 'pods', Secret: 'secrets', Node: 'nodes' };

/** authentication/v1's default for spec.expirationSeconds. */
const defaultExpirationSeconds = 3600;
/** What the ServiceAccount admission plugin gives kube-api-access volumes' tokens, and what the extension applies to. */
const podTokenExpirationSeconds = 3607;
/** How long an extended token is signed for: a year. */
const extendedExpirationSeconds = 365 * 24 * 3600;
/** A token of a deleted bound object keeps working this long past its deletion (the validator's leeway). */
const deletionLeewaySeconds = 60;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Issues a token for the service account `namespace/name` as `user` asked in `body` (a
 * TokenRequest); the answer is the request with its defaults and `status.token`. `now` is the
 * cluster clock in milliseconds.
 */
export function requestToken(signer: ServiceAccountTokenSigner, objects: TokenObjects, now: number, user: UserInfo, namespace: string, name: string, body: Obj): Obj {
  const serviceAccount = objects('serviceaccounts', namespace, name);
  if (!serviceAccount) throw statusErrors.notFound('serviceaccounts', '', name);
  const spec = isObj(body.spec) ? body.spec : {};
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences.map(String) : [...signer.apiAudiences];
  const expirationSeconds = spec.expirationSeconds ?? defaultExpirationSeconds;
  const errors: FieldError[] = [];
  if (typeof expirationSeconds !== 'number' || !Number.isInteger(expirationSeconds)) errors.push(fieldError.invalid('spec.expirationSeconds', expirationSeconds, 'must be an integer'));
  else if (expirationSeconds < 10 * 60) errors.push(fieldError.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes'));
  else if (expirationSeconds > 2 ** 32) errors.push(fieldError.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
  if (errors.length) throw statusErrors.invalid('TokenRequest', 'authentication.k8s.io', name, errors);

  const claim: KubernetesClaim = { namespace, serviceaccount: { name, uid: String(serviceAccount.metadata?.uid ?? '') } };
  const bound = isObj(spec.boundObjectRef) ? spec.boundObjectRef : undefined;
  const node = nodeNameOf(user);
  if (node !== undefined && bound?.kind !== 'Pod') throw statusErrors.forbidden(`serviceaccounts "${name}" is forbidden: node requested token not bound to a pod`);
  if (bound) {
    const kind = String(bound.kind ?? '');
    const boundName = String(bound.name ?? '');
    const resource = Object.hasOwn(boundKinds, kind) ? boundKinds[kind] : undefined;
    if (!resource) throw statusErrors.badRequest(`cannot bind token for object of type ${kind}`);
    const target = objects(resource, resource === 'nodes' ? undefined : namespace, boundName);
    if (!target) throw statusErrors.notFound(resource, '', boundName);
    const uid = String(target.metadata?.uid ?? '');
    if (bound.uid && bound.uid !== uid) {
      throw statusErrors.conflict(resource, '', boundName, `the UID in the bound object reference (${String(bound.uid)}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
    if (kind === 'Pod') {
      if ((target.spec?.serviceAccountName ?? 'default') !== name) throw statusErrors.badRequest(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
      if (node !== undefined && target.spec?.nodeName !== node) throw statusErrors.forbidden(`serviceaccounts "${name}" is forbidden: node requested token bound to a pod scheduled on a different node`);
      claim.pod = { name: boundName, uid };
      // A pod-bound token also names the pod's node, so it dies with the node too.
      const nodeName = target.spec?.nodeName;
      const nodeObj = nodeName ? objects('nodes', undefined, nodeName) : undefined;
      if (nodeObj) claim.node = { name: nodeName, uid: String(nodeObj.metadata?.uid ?? '') };
    } else if (kind === 'Secret') claim.secret = { name: boundName, uid };
    else claim.node = { name: boundName, uid };
  }
  const iat = Math.floor(now / 1000);
  const exp = iat + expirationSeconds;
  // A kubelet's token for a pod's kube-api-access volume (3607 s, which admission defaults) is
  // signed for a year and marked to warn after its hour, as --service-account-extend-token-expiration
  // does by default: clients that never reread the file keep working. The answer still says 3607 s.
  const extended = bound?.kind === 'Pod' && expirationSeconds === podTokenExpirationSeconds;
  if (extended) claim.warnafter = exp;
  const token = signer.sign({ aud: audiences, exp: extended ? iat + extendedExpirationSeconds : exp, iat, nbf: iat, iss: signer.issuer, jti: randomUUID(), 'kubernetes.io': claim, sub: users.serviceAccount(namespace, name) });
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace, creationTimestamp: null },
    spec: { audiences, expirationSeconds, boundObjectRef: bound ?? null },
    status: { token, expirationTimestamp: rfc3339(exp * 1000) },
  };
}

/** The label kube-apiserver stamps on a Secret-based token's Secret with the (UTC) date of its last use. */
export const legacyTokenLastUsed = 'kubernetes.io/legacy-token-last-used';
/** The label that makes a Secret-based token refused (the legacy token cleaner sets it; a user may too). */
export const legacyTokenInvalidSince = 'kubernetes.io/legacy-token-invalid-since';

/** Why a service account token does not authenticate, or the user it is. */
export type TokenReviewResult = { user: UserInfo; audiences: string[] } | { error: string };

/**
 * Authenticates a service account token for one of `audiences` (the API server's own by
 * default): its signature, issuer and times, then that its service account and the objects it is
 * bound to still exist with the uids it names. Undefined when the token is no token of this signer.
 */
/** The Secret a Secret-based token was read from, once the token matched it: the API server labels it with the date. */
export interface LegacyTokenUse {
  namespace: string;
  name: string;
  uid: string;
  labels: Readonly<Record<string, string>>;
}

export function reviewToken(signer: ServiceAccountTokenSigner, objects: TokenObjects, now: number, token: string, audiences: readonly string[] = signer.apiAudiences, onLegacyUse?: (use: LegacyTokenUse) => void): TokenReviewResult | undefined {
  const signed = signer.claims(token);
  if (!signed) return undefined;
  if ('legacy' in signed) return reviewLegacyToken(objects, token, signed.legacy, audiences, onLegacyUse);
  const claims = signed.bound;
  const seconds = Math.floor(now / 1000);
  if (seconds >= claims.exp) return { error: 'service account token has expired' };
  if (seconds < claims.nbf) return { error: 'service account token is not valid yet' };
  const matched = audiences.filter((a) => claims.aud.includes(a));
  if (!matched.length) return { error: 'token audiences do not match' };
  const k = claims['kubernetes.io'];
  const current = (resource: TokenObjectResource, namespace: string | undefined, ref: { name: string; uid: string }, what: string): string | undefined => {
    const obj = objects(resource, namespace, ref.name);
    if (!obj) return `${what} (${namespace ? `${namespace}/` : ''}${ref.name}) not found`;
    if (obj.metadata?.uid !== ref.uid) return `${what} UID (${ref.uid}) does not match ${what} UID in record (${String(obj.metadata?.uid)})`;
    const deleted = obj.metadata?.deletionTimestamp ? Date.parse(obj.metadata.deletionTimestamp) / 1000 : undefined;
    if (deleted !== undefined && deleted + deletionLeewaySeconds < seconds) return `${what} (${ref.name}) has been deleted`;
    return undefined;
  };
  const failure =
    current('serviceaccounts', k.namespace, k.serviceaccount, 'service account') ??
    (k.pod ? current('pods', k.namespace, k.pod, 'pod') : undefined) ??
    (k.secret ? current('secrets', k.namespace, k.secret, 'secret') : undefined) ??
    (k.node && !k.pod ? current('nodes', undefined, k.node, 'node') : undefined);
  if (failure) return { error: failure };
  const extra: Record<string, string[]> = { 'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`] };
  if (k.pod) Object.assign(extra, { 'authentication.kubernetes.io/pod-name': [k.pod.name], 'authentication.kubernetes.io/pod-uid': [k.pod.uid] });
  if (k.node) Object.assign(extra, { 'authentication.kubernetes.io/node-name': [k.node.name], 'authentication.kubernetes.io/node-uid': [k.node.uid] });
  return {
    user: { name: claims.sub, uid: k.serviceaccount.uid, groups: [groups.serviceAccounts, groups.serviceAccountsIn(k.namespace), groups.authenticated], extra },
    audiences: matched,
  };
}

/**
 * A Secret-based token (the legacy validator of pkg/serviceaccount/legacy.go): it has no audience
 * and never expires, so it authenticates, for whatever audience is asked, for as long as its Secret
 * exists, holds this very token and is not being deleted, and its service account exists with the
 * uid it names.
 */
function reviewLegacyToken(objects: TokenObjects, token: string, claims: LegacyTokenClaims, audiences: readonly string[], onUse?: (use: LegacyTokenUse) => void): TokenReviewResult {
  const namespace = claims['kubernetes.io/serviceaccount/namespace'];
  const name = claims['kubernetes.io/serviceaccount/service-account.name'];
  const uid = claims['kubernetes.io/serviceaccount/service-account.uid'];
  const secretName = claims['kubernetes.io/serviceaccount/secret.name'];
  if (claims.sub !== `system:serviceaccount:${namespace}:${name}`) return { error: 'sub claim is invalid' };
  const secret = objects('secrets', namespace, secretName);
  if (!secret || secret.metadata?.deletionTimestamp) return { error: 'token has been invalidated' };
  const stored = Buffer.from(String(secret.data?.token ?? ''), 'base64');
  const sent = Buffer.from(token);
  if (stored.length !== sent.length || !timingSafeEqual(stored, sent)) return { error: 'token does not match data in secret' };
  const serviceAccount = objects('serviceaccounts', namespace, name);
  if (!serviceAccount) return { error: `serviceaccount "${name}" not found` };
  if (serviceAccount.metadata?.deletionTimestamp) return { error: `service account ${namespace}/${name} has been deleted` };
  if (serviceAccount.metadata?.uid !== uid) return { error: `service account UID (${String(serviceAccount.metadata?.uid)}) does not match claim (${uid})` };
  // Every use is tracked on the Secret, a refused one too; a Secret labelled invalid refuses it.
  onUse?.({ namespace, name: secretName, uid: String(secret.metadata?.uid ?? ''), labels: secret.metadata?.labels ?? {} });
  if (secret.metadata?.labels?.[legacyTokenInvalidSince]) {
    return {
      error: `the token in secret ${namespace}/${secretName} for service account ${namespace}/${name} has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the '${legacyTokenInvalidSince}' label from the secret to temporarily allow use of this token`,
    };
  }
  return { user: { name: claims.sub, uid, groups: [groups.serviceAccounts, groups.serviceAccountsIn(namespace), groups.authenticated] }, audiences: [...audiences] };
}

/**
 * The token the tokens controller writes into a Secret of type kubernetes.io/service-account-token
 * (LegacyClaims): the service account and the Secret, by name, and the account's uid.
 */
export function legacyToken(signer: ServiceAccountTokenSigner, serviceAccount: Readonly<Obj>, secretName: string): string {
  const { namespace, name, uid } = serviceAccount.metadata;
  return signer.sign({
    iss: legacyIssuer,
    'kubernetes.io/serviceaccount/namespace': namespace,
    'kubernetes.io/serviceaccount/secret.name': secretName,
    'kubernetes.io/serviceaccount/service-account.name': name,
    'kubernetes.io/serviceaccount/service-account.uid': uid,
    sub: `system:serviceaccount:${namespace}:${name}`,
  });
}
