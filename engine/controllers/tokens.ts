// The tokens controller (pkg/controller/serviceaccount/tokens_controller.go): a Secret of type
// kubernetes.io/service-account-token that names a service account in its
// `kubernetes.io/service-account.name` annotation gets a long-lived token of that account, the
// cluster's CA bundle and its namespace, as `kubectl create token` users once got by default and
// some tools still ask for. A Secret whose account is gone (or was replaced: another uid) is
// deleted, and with it the token, which then no longer authenticates. Keyed by Secret.
import type { Obj } from '../apiserver/registry/strategy';
import type { ServiceAccountTokenSigner } from '../apiserver/auth/serviceAccountToken';
import { legacyToken } from '../apiserver/tokenRequest';
import { Controller, type ControllerContext, isNotFound, statusCode } from './runtime/controller';
import { indexes, resources } from './runtime/sharedInformerFactory';

export const serviceAccountTokenType = 'kubernetes.io/service-account-token';
export const serviceAccountNameKey = 'kubernetes.io/service-account.name';
export const serviceAccountUIDKey = 'kubernetes.io/service-account.uid';

const base64 = (text: string) => Buffer.from(text).toString('base64');

export class TokensController extends Controller {
  readonly name = 'serviceaccount-token-controller';
  private readonly secrets;
  private readonly serviceAccounts;

  constructor(ctx: ControllerContext, private readonly signer: ServiceAccountTokenSigner, private readonly rootCA: string | undefined) {
    super(ctx);
    // Only Secrets of the token type, as the controller's own informer selects them.
    this.secrets = ctx.informers.informerFor(resources.secrets, `type=${serviceAccountTokenType}`);
    this.serviceAccounts = ctx.informers.informerFor(resources.serviceaccounts);
    this.secrets.addEventHandler({ onAdd: (s) => this.enqueue(s), onUpdate: (_o, s) => this.enqueue(s) });
    // An account's deletion takes its token Secrets with it.
    this.serviceAccounts.addEventHandler({
      onDelete: (sa) => {
        for (const secret of this.secrets.store.byIndex(indexes.namespace, sa.metadata.namespace)) {
          if (secret.metadata.annotations?.[serviceAccountNameKey] === sa.metadata.name) this.enqueue(secret);
        }
      },
    });
  }

  async sync(key: string): Promise<void> {
    const secret = this.secrets.store.get(key);
    if (!secret || secret.type !== serviceAccountTokenType) return;
    const { namespace, name } = secret.metadata;
    const accountName: string | undefined = secret.metadata.annotations?.[serviceAccountNameKey];
    const accountUID: string | undefined = secret.metadata.annotations?.[serviceAccountUIDKey];
    // The cache first, then the API (fetchOnCacheMiss): an account created a moment ago counts.
    const account = accountName ? (this.serviceAccounts.store.get(`${namespace}/${accountName}`) ?? this.ctx.client.tryGet(resources.serviceaccounts, namespace, accountName)) : undefined;
    if (!account || (accountUID && account.metadata.uid !== accountUID)) return this.deleteToken(secret);
    if (!this.updateNeeded(secret)) return;
    // The token goes into a fresh copy of the Secret, and only if the cache saw its latest version.
    const live = this.ctx.client.tryGet(resources.secrets, namespace, name);
    if (!live || live.metadata.resourceVersion !== secret.metadata.resourceVersion) return;
    const needs = this.updateNeeded(live);
    if (!needs) return;
    const data: Record<string, string> = { ...(live.data ?? {}) };
    if (needs.ca) data['ca.crt'] = base64(this.rootCA!);
    if (needs.namespace) data.namespace = base64(namespace);
    if (needs.token) data.token = base64(legacyToken(this.signer, account, name));
    const annotations = { ...(live.metadata.annotations ?? {}), [serviceAccountNameKey]: account.metadata.name, [serviceAccountUIDKey]: account.metadata.uid };
    try {
      await this.ctx.client.update(resources.secrets, namespace, { ...live, metadata: { ...live.metadata, annotations }, data });
    } catch (err) {
      // Changed or gone meanwhile: the informer brings the next version, if there is one.
      if (statusCode(err) === 409 || isNotFound(err)) return;
      throw err;
    }
  }

  /** secretUpdateNeeded: what the Secret lacks, or undefined when it lacks nothing. */
  private updateNeeded(secret: Obj): { ca: boolean; namespace: boolean; token: boolean } | undefined {
    const data = secret.data ?? {};
    const needs = { ca: !!this.rootCA && data['ca.crt'] !== base64(this.rootCA), namespace: !data.namespace, token: !data.token };
    return needs.ca || needs.namespace || needs.token ? needs : undefined;
  }

  /** deleteToken: the Secret goes, unless it was replaced meanwhile (the uid is a precondition). */
  private async deleteToken(secret: Obj): Promise<void> {
    try {
      await this.ctx.client.delete(resources.secrets, secret.metadata.namespace, secret.metadata.name, { preconditions: { uid: secret.metadata.uid } });
    } catch (err) {
      if (statusCode(err) === 409 || isNotFound(err)) return;
      throw err;
    }
  }
}
