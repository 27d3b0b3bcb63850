// The certificate controllers and the API server's rules for CertificateSigningRequests, on a
// virtual clock: who the request records as its requestor, what approval and signing each need, the
// certificate the signer issues (its subject, key, life and usages), and the cleaner.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ApiClient } from '../../../engine/apiserver/client';
import { groups } from '../../../engine/apiserver/auth/user';
import { writesWaiting } from '../../../engine/apiserver/turnBudget';
import { rejects } from '../apiserver/fixture';
import { bootCluster } from '../cluster/boot';

const csrs = { group: 'certificates.k8s.io', version: 'v1', resource: 'certificatesigningrequests' };
const clusterRoles = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' };
const clusterRoleBindings = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterrolebindings' };

/** A PKCS#10 request for `subject` with a fresh EC key, as `openssl req` makes it, base64 of its PEM. */
function request(subject: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kubeside-csr-'));
  try {
    const pem = execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-subj', subject], { stdio: ['ignore', 'pipe', 'pipe'] });
    return pem.toString('base64');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function csr(name: string, subject: string, spec: Record<string, unknown> = {}) {
  return { metadata: { name }, spec: { request: request(subject), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], ...spec } };
}

const approvedCondition = { type: 'Approved', status: 'True', reason: 'Test', message: 'approved' };

describe('CertificateSigningRequests and the certificate controllers', function () {
  this.timeout(60_000);

  it('records the requestor, issues an approved request a certificate of the CA for the time asked, and cleans it up an hour later', async () => {
    const { cluster, clock, admin, advance } = await bootCluster({ seed: 7, workers: 1 });
    const jane = new ApiClient(cluster.apiServers[0]!, { name: 'jane', uid: 'u-1', groups: ['devs', groups.authenticated] }, 'kubectl/v1.36.0');
    await admin.create(clusterRoles, undefined, { metadata: { name: 'csr-creator' }, rules: [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['create', 'get'] }] });
    await admin.create(clusterRoleBindings, undefined, { metadata: { name: 'csr-creator' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'csr-creator' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'jane' }] });

    // Whatever the body says of the requestor and the status, the API server records who sent it.
    const body = csr('jane', '/CN=jane/O=devs', { expirationSeconds: 3600, username: 'root', groups: [groups.masters] });
    const created = (await jane.create(csrs, undefined, { ...body, status: { conditions: [approvedCondition] } })).object;
    assert.deepEqual({ username: created.spec.username, uid: created.spec.uid, groups: created.spec.groups }, { username: 'jane', uid: 'u-1', groups: ['devs', groups.authenticated] });
    assert.deepEqual(created.status, {});
    await advance(2_000);
    assert.equal(admin.get(csrs, undefined, 'jane').status.certificate, undefined, 'nothing is issued before approval');
    const denial = { type: 'Denied', status: 'True', reason: 'Test', message: 'denied' };
    await rejects(admin.update(csrs, undefined, { ...admin.get(csrs, undefined, 'jane'), status: { conditions: [approvedCondition, denial] } }, {}, 'approval'), 422, /Approved and Denied conditions are mutually exclusive/);

    // kubectl certificate approve: the conditions through /approval, timed by the API server.
    const approvedAt = clock.now();
    const current = admin.get(csrs, undefined, 'jane');
    const approval = (await admin.update(csrs, undefined, { ...current, spec: { ...current.spec, signerName: 'example.com/other' }, status: { conditions: [approvedCondition], certificate: 'Zm9v' } }, {}, 'approval')).object;
    assert.equal(approval.spec.signerName, 'kubernetes.io/kube-apiserver-client', '/approval changes nothing but the conditions');
    assert.equal(approval.status.certificate, undefined);
    assert.equal(approval.status.conditions[0].lastUpdateTime, new Date(approvedAt).toISOString().replace('.000Z', 'Z'));
    await advance(2_000);

    const issued = admin.get(csrs, undefined, 'jane');
    const cert = new X509Certificate(Buffer.from(issued.status.certificate, 'base64'));
    const ca = new X509Certificate(admin.get({ group: '', version: 'v1', resource: 'configmaps' }, 'default', 'kube-root-ca.crt').data['ca.crt']);
    assert.ok(cert.verify(ca.publicKey));
    assert.equal(cert.subject, 'CN=jane\nO=devs');
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.ok(cert.publicKey.equals(ca.publicKey) === false);
    // An hour asked for is short (under 8 h): it runs an hour from the signing, backdated 5 minutes at the start only.
    const signedAt = Date.parse(cert.validFrom) + 5 * 60_000;
    assert.ok(signedAt >= approvedAt - 1_000 && signedAt <= approvedAt + 2_000, `signed at ${new Date(signedAt).toISOString()}`);
    assert.equal(Date.parse(cert.validTo) - Date.parse(cert.validFrom), 3600_000 + 5 * 60_000);

    // The cleaner deletes an issued request an hour after its approval, on its hourly round.
    await clock.advanceAsync(61 * 60_000, 5_000);
    assert.ok(admin.tryGet(csrs, undefined, 'jane'), 'still there within the hour');
    await clock.advanceAsync(60 * 60_000, 5_000);
    assert.equal(admin.tryGet(csrs, undefined, 'jane'), undefined);
    await cluster.stop();
  });

  it("keeps the approval conditions through /status, and issuing needs `sign` on the request's signer", async () => {
    const { cluster, admin, advance } = await bootCluster({ seed: 8, workers: 1 });
    // A signer of the user's own, which the controller manager leaves alone.
    await admin.create(csrs, undefined, csr('bob', '/CN=bob', { signerName: 'example.com/my-signer' }));
    const pending = admin.get(csrs, undefined, 'bob');
    await admin.update(csrs, undefined, { ...pending, status: { conditions: [approvedCondition] } }, {}, 'approval');
    const approved = admin.get(csrs, undefined, 'bob');

    // That signer's controller, allowed to update the status but not (yet) to sign for the signer.
    const signer = new ApiClient(cluster.apiServers[0]!, { name: 'my-signer', groups: [groups.authenticated] }, 'signer/v1');
    await admin.create(clusterRoles, undefined, { metadata: { name: 'my-signer' }, rules: [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests', 'certificatesigningrequests/status'], verbs: ['get', 'update'] }] });
    await admin.create(clusterRoleBindings, undefined, { metadata: { name: 'my-signer' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'my-signer' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'my-signer' }] });
    // Any PEM certificate will do for the API server (the cluster CA's here); what matters is who writes it.
    const pem = Buffer.from(admin.get({ group: '', version: 'v1', resource: 'configmaps' }, 'default', 'kube-root-ca.crt').data['ca.crt']).toString('base64');
    const withCertificate = { ...approved, status: { ...approved.status, certificate: pem } };
    await rejects(signer.update(csrs, undefined, withCertificate, {}, 'status'), 403, 'certificatesigningrequests.certificates.k8s.io "bob" is forbidden: user not permitted to sign requests with signerName "example.com/my-signer"');

    // Other status changes need no `sign`; the Approved condition stays as stored whatever the write says of it.
    const changed = { ...approved, status: { conditions: [{ ...approvedCondition, message: 'rewritten' }, { type: 'Failed', status: 'True', reason: 'Mine', message: 'cannot sign' }] } };
    const written = (await signer.update(csrs, undefined, changed, {}, 'status')).object;
    assert.deepEqual(written.status.conditions.map((c: { type: string; message: string }) => [c.type, c.message]), [['Approved', 'approved'], ['Failed', 'cannot sign']]);

    // Granted `sign` on every signer of its domain, it issues.
    await admin.create(clusterRoles, undefined, { metadata: { name: 'my-signer-sign' }, rules: [{ apiGroups: ['certificates.k8s.io'], resources: ['signers'], resourceNames: ['example.com/*'], verbs: ['sign'] }] });
    await admin.create(clusterRoleBindings, undefined, { metadata: { name: 'my-signer-sign' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'my-signer-sign' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'my-signer' }] });
    const latest = admin.get(csrs, undefined, 'bob');
    await signer.update(csrs, undefined, { ...latest, status: { ...latest.status, certificate: pem } }, {}, 'status');
    assert.equal(admin.get(csrs, undefined, 'bob').status.certificate, pem);
    await advance(1_000);
    await cluster.stop();
  });

  it('cleans up denied and failed requests after an hour, and leaves a pending one', async () => {
    const { cluster, admin, clock } = await bootCluster({ seed: 9, workers: 1, addons: { kubeProxy: false } });
    for (const name of ['pending', 'denied']) await admin.create(csrs, undefined, csr(name, `/CN=${name}`));
    await admin.create(csrs, undefined, csr('failed', '/CN=failed', { usages: ['server auth'] }));
    const decide = async (name: string, condition: Record<string, string>) => admin.update(csrs, undefined, { ...admin.get(csrs, undefined, name), status: { conditions: [condition] } }, {}, 'approval');
    await decide('denied', { type: 'Denied', status: 'True', reason: 'Test', message: 'no' });
    await decide('failed', approvedCondition);
    await clock.advanceAsync(5_000, 250);
    assert.equal(admin.get(csrs, undefined, 'failed').status.conditions[1].reason, 'SignerValidationFailure');
    const names = () => admin.list(csrs).items.map((c: { metadata: { name: string } }) => c.metadata.name).sort();
    // Hours in steps of a minute, each once the API server has taken the writes of the last (as the
    // cluster bench drives the clock): coarse steps alone fire timers faster than it writes.
    const hours = async (h: number) => {
      for (let t = 0; t < h * 3_600_000; t += 60_000) {
        clock.advance(60_000);
        do await new Promise((r) => setImmediate(r));
        while (writesWaiting() > 0);
      }
    };
    await hours(2);
    // (A pending one goes after a day: 24 hours of a running cluster are too long for this suite.)
    assert.deepEqual(names(), ['pending'], 'denied and failed go an hour after, on the hourly round');
    await cluster.stop();
  });
});
