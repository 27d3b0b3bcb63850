import assert from 'node:assert/strict';
import { rejects, serviceaccounts } from '../apiserver/fixture';
import { newControllerCluster } from './harness';

const secrets = { group: '', version: 'v1', resource: 'secrets' };
const rootCA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

/** The Secret the documentation's "manually create a long-lived API token" asks for. */
const tokenSecret = (name: string, account: string) => ({ metadata: { name, annotations: { 'kubernetes.io/service-account.name': account } }, type: 'kubernetes.io/service-account-token' });

describe('Tokens controller', () => {
  it('fills a service-account-token Secret with a token that authenticates as the account, the CA bundle and the namespace', async () => {
    const c = await newControllerCluster({ rootCA, tokens: true });
    const { object: account } = await c.client.create(serviceaccounts, 'default', { metadata: { name: 'ci' } });
    await c.client.create(secrets, 'default', tokenSecret('ci-token', 'ci'));
    await c.until('the token is written', () => !!c.client.get(secrets, 'default', 'ci-token').data?.token);
    const secret = c.client.get(secrets, 'default', 'ci-token');
    assert.equal(decode(secret.data['ca.crt']), rootCA);
    assert.equal(decode(secret.data.namespace), 'default');
    assert.equal(secret.metadata.annotations['kubernetes.io/service-account.uid'], account.metadata.uid);
    const token = decode(secret.data.token);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
    assert.deepEqual(claims, {
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': 'default',
      'kubernetes.io/serviceaccount/secret.name': 'ci-token',
      'kubernetes.io/serviceaccount/service-account.name': 'ci',
      'kubernetes.io/serviceaccount/service-account.uid': account.metadata.uid,
      sub: 'system:serviceaccount:default:ci',
    });
    // It has no expiry (no exp claim above), and authenticates as the account.
    const review = c.server.reviewToken(token);
    assert.ok(review && 'user' in review, JSON.stringify(review));
    assert.equal(review.user.name, 'system:serviceaccount:default:ci');
    assert.equal(review.user.uid, account.metadata.uid);
    assert.deepEqual(review.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
  });

  it('labels the Secret with the date of its token\'s last use, once a day, and refuses the token while the Secret is labelled invalid', async () => {
    const c = await newControllerCluster({ tokens: true });
    await c.client.create(serviceaccounts, 'default', { metadata: { name: 'ci' } });
    await c.client.create(secrets, 'default', tokenSecret('ci-token', 'ci'));
    await c.until('the token is written', () => !!c.client.get(secrets, 'default', 'ci-token').data?.token);
    const token = decode(c.client.get(secrets, 'default', 'ci-token').data.token);
    const labels = () => c.client.get(secrets, 'default', 'ci-token').metadata.labels ?? {};
    const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    assert.equal(labels()['kubernetes.io/legacy-token-last-used'], undefined, 'not used yet');
    assert.ok('user' in c.server.reviewToken(token)!);
    await c.until('the use is recorded', () => labels()['kubernetes.io/legacy-token-last-used'] === date(c.clock.now()));
    // Used again the same day, the Secret is not written again.
    const version = c.client.get(secrets, 'default', 'ci-token').metadata.resourceVersion;
    assert.ok('user' in c.server.reviewToken(token)!);
    await c.run(1000);
    assert.equal(c.client.get(secrets, 'default', 'ci-token').metadata.resourceVersion, version);
    // Marked invalid (as the legacy token cleaner marks an unused one), the token is refused, and the use still recorded.
    const stored = c.client.get(secrets, 'default', 'ci-token');
    await c.client.update(secrets, 'default', { ...stored, metadata: { ...stored.metadata, labels: { ...stored.metadata.labels, 'kubernetes.io/legacy-token-invalid-since': '2026-11-01', 'kubernetes.io/legacy-token-last-used': '2026-10-01' } } });
    assert.deepEqual(c.server.reviewToken(token), {
      error: "the token in secret default/ci-token for service account default/ci has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the 'kubernetes.io/legacy-token-invalid-since' label from the secret to temporarily allow use of this token",
    });
    await c.until('the refused use is recorded', () => labels()['kubernetes.io/legacy-token-last-used'] === date(c.clock.now()));
  });

  it('a token stops authenticating when its Secret changes or goes, and the Secret goes with its account', async () => {
    const c = await newControllerCluster({ tokens: true });
    await c.client.create(serviceaccounts, 'default', { metadata: { name: 'ci' } });
    await c.client.create(secrets, 'default', tokenSecret('ci-token', 'ci'));
    await c.until('the token is written', () => !!c.client.get(secrets, 'default', 'ci-token').data?.token);
    const token = decode(c.client.get(secrets, 'default', 'ci-token').data.token);
    // A token the Secret no longer holds is refused, even though it is signed.
    const stored = c.client.get(secrets, 'default', 'ci-token');
    await c.client.update(secrets, 'default', { ...stored, data: { ...stored.data, token: Buffer.from('replaced').toString('base64') } });
    assert.deepEqual(c.server.reviewToken(token), { error: 'token does not match data in secret' });
    // The account goes: so does its token Secret, and a token of it no longer authenticates.
    await c.client.create(secrets, 'default', tokenSecret('second', 'ci'));
    await c.until('the second token is written', () => !!c.client.get(secrets, 'default', 'second').data?.token);
    const second = decode(c.client.get(secrets, 'default', 'second').data.token);
    assert.ok('user' in c.server.reviewToken(second)!);
    await c.client.delete(serviceaccounts, 'default', 'ci');
    await c.until('both Secrets are gone', () => !c.client.tryGet(secrets, 'default', 'ci-token') && !c.client.tryGet(secrets, 'default', 'second'));
    assert.deepEqual(c.server.reviewToken(second), { error: 'token has been invalidated' });
    // A Secret naming an account that does not exist is deleted, as the controller finds it.
    await c.client.create(secrets, 'default', tokenSecret('orphan', 'nobody'));
    await c.until('the orphan Secret is gone', () => !c.client.tryGet(secrets, 'default', 'orphan'));
    // Without the annotation the Secret is invalid to begin with.
    await rejects(c.client.create(secrets, 'default', { metadata: { name: 'bare' }, type: 'kubernetes.io/service-account-token' }), 422, /metadata\.annotations\[kubernetes\.io\/service-account\.name\]: Required value/);
  });
});
