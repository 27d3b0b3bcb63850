// The TokenRequest API and service account token authentication on a whole cluster, on the
// virtual clock: what a token names, how long it lasts, what it is bound to, and who may ask.
import assert from 'node:assert/strict';
import type { ApiServer } from '../../../engine/apiserver/apiserver';
import type { UserInfo } from '../../../engine/apiserver/auth/user';
import { ApiClient } from '../../../engine/apiserver/client';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { bootCluster } from '../cluster/boot';
import { rejects } from './fixture';

const serviceaccounts = { group: '', version: 'v1', resource: 'serviceaccounts' };
const pods = { group: '', version: 'v1', resource: 'pods' };
const secrets = { group: '', version: 'v1', resource: 'secrets' };

describe('service account tokens (TokenRequest)', function () {
  this.timeout(20_000);

  async function setup() {
    const booted = await bootCluster({ seed: 11, workers: 1 });
    const { admin } = booted;
    await admin.create(serviceaccounts, 'default', { metadata: { name: 'ci' } });
    const server = booted.cluster.apiServer;
    const tokenFor = async (body: Obj = {}, client: ApiClient = admin, name = 'ci'): Promise<Obj> =>
      (await client.create(serviceaccounts, 'default', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', ...body }, {}, { name, subresource: 'token' })).object ?? (undefined as never);
    /** The 401 of a token that does not authenticate. */
    const refused = (token: string) => rejects(() => server.authenticate(token), 401);
    return { ...booted, server, tokenFor, refused };
  }

  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));

  it('defaults to an hour for the API server\'s audience, and authenticates as the account with its groups', async () => {
    const { cluster, server, tokenFor, clock } = await setup();
    try {
      const answer = await tokenFor();
      assert.deepEqual(answer.spec, { audiences: ['https://kubernetes.default.svc.cluster.local'], expirationSeconds: 3600, boundObjectRef: null });
      assert.equal(answer.status.expirationTimestamp, new Date(Math.floor(clock.now() / 1000) * 1000 + 3_600_000).toISOString().replace('.000Z', 'Z'));
      const user: UserInfo = server.authenticate(answer.status.token);
      assert.equal(user.name, 'system:serviceaccount:default:ci');
      assert.deepEqual(user.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
      assert.equal(user.uid, claimsOf(answer.status.token)['kubernetes.io'].serviceaccount.uid);
      assert.match(user.extra?.['authentication.kubernetes.io/credential-id']?.[0] ?? '', /^JTI=[0-9a-f-]{36}$/);
    } finally {
      await cluster.stop();
    }
  });

  it('stops authenticating when it expires, on the cluster clock', async () => {
    const { cluster, server, tokenFor, clock, refused } = await setup();
    try {
      const token = (await tokenFor({ spec: { expirationSeconds: 600 } })).status.token;
      clock.advance(599_000);
      assert.equal(server.authenticate(token).name, 'system:serviceaccount:default:ci');
      clock.advance(1_000);
      await refused(token);
      assert.deepEqual(server.reviewToken(token), { error: 'service account token has expired' });
    } finally {
      await cluster.stop();
    }
  });

  it('is for its audiences only: another audience\'s token does not log in to the API server', async () => {
    const { cluster, server, tokenFor, refused } = await setup();
    try {
      const token = (await tokenFor({ spec: { audiences: ['vault'] } })).status.token;
      await refused(token);
      const review = server.reviewToken(token, ['vault']);
      assert.ok(review && 'user' in review);
      assert.deepEqual(review.audiences, ['vault']);
    } finally {
      await cluster.stop();
    }
  });

  it('bound to a pod: names the pod and its node, and dies with the pod; a recreated account does not revive it', async () => {
    const { cluster, server, tokenFor, admin, advance, refused } = await setup();
    try {
      await admin.create(pods, 'default', { metadata: { name: 'job' }, spec: { serviceAccountName: 'ci', containers: [{ name: 'c', image: 'busybox' }] } });
      await advance(5_000);
      const pod = admin.get(pods, 'default', 'job');
      const token = (await tokenFor({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'job', uid: pod.metadata.uid } } })).status.token;
      const k = claimsOf(token)['kubernetes.io'];
      assert.deepEqual(k.pod, { name: 'job', uid: pod.metadata.uid });
      assert.equal(k.node.name, pod.spec.nodeName);
      const user: UserInfo = server.authenticate(token);
      assert.deepEqual(user.extra?.['authentication.kubernetes.io/pod-name'], ['job']);
      assert.deepEqual(user.extra?.['authentication.kubernetes.io/node-name'], [pod.spec.nodeName]);
      // The wrong uid is a conflict; a pod of another account cannot hold this account's token.
      const conflict = await tokenFor({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'job', uid: 'not-the-uid' } } }).catch((e) => e);
      assert.equal(conflict.code, 409);
      await admin.create(pods, 'default', { metadata: { name: 'other' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
      const mismatch = await tokenFor({ spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'other' } } }).catch((e) => e);
      assert.equal(mismatch.code, 400);
      assert.equal(mismatch.message, 'cannot bind token for serviceaccount "ci" to pod running with different serviceaccount name.');
      const badKind = await tokenFor({ spec: { boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'x' } } }).catch((e) => e);
      assert.equal(badKind.message, 'cannot bind token for object of type ConfigMap');
      // Deleted at once (no grace period): the token stops working with it.
      await admin.delete(pods, 'default', 'job', { gracePeriodSeconds: 0 });
      await advance(1_000);
      await refused(token);
      assert.deepEqual(server.reviewToken(token), { error: 'pod (default/job) not found' });
      // A plain token of the account ends with the account, even if one of the same name comes back.
      const plain = (await tokenFor()).status.token;
      await admin.delete(serviceaccounts, 'default', 'ci');
      await admin.create(serviceaccounts, 'default', { metadata: { name: 'ci' } });
      const review = server.reviewToken(plain);
      assert.ok(review && 'error' in review && /^service account UID \(.+\) does not match service account UID in record/.test(review.error), JSON.stringify(review));
    } finally {
      await cluster.stop();
    }
  });

  it('bound to a Secret: dies with the secret', async () => {
    const { cluster, server, tokenFor, admin, refused } = await setup();
    try {
      await admin.create(secrets, 'default', { metadata: { name: 'handle' }, stringData: { a: 'b' } });
      const token = (await tokenFor({ spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'handle' } } })).status.token;
      assert.equal(server.authenticate(token).name, 'system:serviceaccount:default:ci');
      await admin.delete(secrets, 'default', 'handle');
      await refused(token);
    } finally {
      await cluster.stop();
    }
  });

  it('refuses durations under ten minutes, accounts that do not exist, and users without create serviceaccounts/token', async () => {
    const { cluster, tokenFor, server } = await setup();
    try {
      const short = await tokenFor({ spec: { expirationSeconds: 60 } }).catch((e) => e);
      assert.equal(short.code, 422);
      assert.equal(short.message, 'TokenRequest.authentication.k8s.io "ci" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes');
      const missing = await tokenFor({}, undefined, 'nobody').catch((e) => e);
      assert.equal(missing.message, 'serviceaccounts "nobody" not found');
      const jane = new ApiClient(server as ApiServer, { name: 'jane', groups: ['system:authenticated'] }, 'kubectl');
      const denied = await tokenFor({}, jane).catch((e) => e);
      assert.equal(denied.code, 403);
    } finally {
      await cluster.stop();
    }
  });

  it('a kubelet gets tokens only for pods on its own node, bound to them', async () => {
    const { cluster, server, tokenFor, admin, advance } = await setup();
    try {
      await admin.create(pods, 'default', { metadata: { name: 'job' }, spec: { serviceAccountName: 'ci', containers: [{ name: 'c', image: 'busybox' }] } });
      await advance(5_000);
      const pod = admin.get(pods, 'default', 'job');
      const other = cluster.nodeNames().find((n) => n !== pod.spec.nodeName)!;
      const kubeletOf = (node: string) => new ApiClient(server as ApiServer, { name: `system:node:${node}`, groups: ['system:nodes', 'system:authenticated'] }, 'kubelet');
      const bound = { spec: { boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'job', uid: pod.metadata.uid } } };
      assert.ok((await tokenFor(bound, kubeletOf(pod.spec.nodeName))).status.token);
      const unbound = await tokenFor({}, kubeletOf(pod.spec.nodeName)).catch((e) => e);
      assert.equal(unbound.code, 403);
      assert.match(unbound.message, /node requested token not bound to a pod/);
      const elsewhere = await tokenFor(bound, kubeletOf(other)).catch((e) => e);
      assert.equal(elsewhere.code, 403);
    } finally {
      await cluster.stop();
    }
  });
});
