// A user with a client certificate, as Kubernetes' documentation issues one: a key and a request
// made with openssl, a CertificateSigningRequest applied with the real kubectl, `kubectl certificate
// approve`, the certificate the controller manager signs, and then kubectl authenticating with it.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { kubectl, kubectlOk, serveCluster, type ServedCluster } from './fixture';

const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

describe('client certificates through CertificateSigningRequests, with kubectl', function () {
  this.timeout(60_000);
  let cluster: ServedCluster;
  let dir: string;

  before(async () => {
    cluster = await serveCluster();
    dir = cluster.stateDir;
  });
  after(async () => {
    await cluster?.close();
  });

  const run = (...args: string[]) => kubectlOk(cluster, args);

  /** A key and a request for `subject`, as `openssl req` makes them; the request's PEM in base64, as a CSR's spec.request. */
  function request(name: string, subject: string): string {
    const key = path.join(dir, `${name}.key`);
    openssl('genrsa', '-out', key, '2048');
    return Buffer.from(openssl('req', '-new', '-key', key, '-subj', subject)).toString('base64');
  }

  function csrManifest(name: string, requestB64: string, extra = ''): string {
    const file = path.join(dir, `${name}-csr.yaml`);
    writeFileSync(file, `apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: ${name}\nspec:\n  request: ${requestB64}\n  signerName: kubernetes.io/kube-apiserver-client\n${extra}`);
    return file;
  }

  async function issued(name: string): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const b64 = await run('get', 'csr', name, '-o', 'jsonpath={.status.certificate}');
      if (b64) return Buffer.from(b64, 'base64').toString();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no certificate was issued for ${name}`);
  }

  /** A kubeconfig of its own for `user`: the cluster of the served one, credentials from files. */
  async function kubeconfigFor(user: string, cert: string, key: string): Promise<string> {
    const file = path.join(dir, `${user}.kubeconfig`);
    writeFileSync(file, readFileSync(cluster.started.kubeconfigPath));
    const as = (...args: string[]) => kubectlOk(cluster, ['--kubeconfig', file, ...args]);
    await as('config', 'set-credentials', user, `--client-certificate=${cert}`, `--client-key=${key}`, '--embed-certs=true');
    await as('config', 'set-context', '--current', `--user=${user}`);
    return file;
  }

  it('issues a certificate to an approved request, and kubectl authenticates with it as its subject', async () => {
    const file = csrManifest('myuser', request('myuser', '/CN=myuser/O=developers'), '  expirationSeconds: 86400\n  usages:\n  - client auth\n');
    assert.equal((await run('apply', '-f', file)).trim(), 'certificatesigningrequest.certificates.k8s.io/myuser created');

    // kubectl's columns: the requestor is who created it, whatever the manifest said.
    const pending = await run('get', 'csr', 'myuser');
    assert.match(pending, /^NAME\s+AGE\s+SIGNERNAME\s+REQUESTOR\s+REQUESTEDDURATION\s+CONDITION$/m);
    assert.match(pending, /^myuser\s+\S+\s+kubernetes\.io\/kube-apiserver-client\s+kubeside-admin\s+24h\s+Pending$/m);

    assert.equal((await run('certificate', 'approve', 'myuser')).trim(), 'certificatesigningrequest.certificates.k8s.io/myuser approved');
    const pem = await issued('myuser');
    assert.match(await run('get', 'csr', 'myuser'), /^myuser\s+\S+\s+kubernetes\.io\/kube-apiserver-client\s+kubeside-admin\s+24h\s+Approved,Issued$/m);
    const approval = JSON.parse(await run('get', 'csr', 'myuser', '-o', 'jsonpath={.status.conditions[0]}'));
    assert.equal(approval.type, 'Approved');
    assert.equal(approval.reason, 'KubectlApprove');
    assert.ok(approval.lastUpdateTime && approval.lastTransitionTime, 'the API server stamps the condition');

    // Signed by the cluster CA, for the requested day, for client authentication only.
    const cert = new X509Certificate(pem);
    const ca = new X509Certificate(Buffer.from(cluster.started.caData, 'base64'));
    assert.ok(cert.verify(ca.publicKey), 'signed by the cluster CA');
    assert.equal(cert.issuer, ca.subject);
    assert.equal(cert.subject, 'CN=myuser\nO=developers');
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    // A day is long (8 h or more): the whole day is backdated 5 minutes, as the signer's policy does.
    assert.equal(Date.parse(cert.validTo) - Date.parse(cert.validFrom), 24 * 3_600_000);
    const backdatedMs = Date.now() - Date.parse(cert.validFrom);
    assert.ok(backdatedMs >= 5 * 60_000 && backdatedMs < 6 * 60_000, `issued ${backdatedMs} ms before now`);

    const crtFile = path.join(dir, 'myuser.crt');
    writeFileSync(crtFile, pem);
    const kubeconfig = await kubeconfigFor('myuser', crtFile, path.join(dir, 'myuser.key'));
    const as = (...args: string[]) => kubectl(cluster, ['--kubeconfig', kubeconfig, ...args]);

    const whoami = await as('auth', 'whoami');
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.match(whoami.stdout, /^Username\s+myuser$/m);
    assert.match(whoami.stdout, /^Groups\s+\[developers system:authenticated\]$/m);

    // Authenticated is not authorized: RBAC decides, as for any user.
    const refused = await as('get', 'pods');
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.trim(), 'Error from server (Forbidden): pods is forbidden: User "myuser" cannot list resource "pods" in API group "" in the namespace "default"');
    await run('create', 'role', 'developer', '--verb=get', '--verb=list', '--resource=pods');
    await run('create', 'rolebinding', 'developer-binding-myuser', '--role=developer', '--user=myuser');
    const allowed = await as('get', 'pods');
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(allowed.stderr.trim(), 'No resources found in default namespace.');
  });

  it('a certificate the cluster CA did not sign is 401, not anonymous', async () => {
    const key = path.join(dir, 'mallory.key');
    const crt = path.join(dir, 'mallory.crt');
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', '1', '-subj', '/CN=mallory/O=system:masters');
    const kubeconfig = await kubeconfigFor('mallory', crt, key);
    const r = await kubectl(cluster, ['--kubeconfig', kubeconfig, 'get', 'pods']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: You must be logged in to the server \(Unauthorized\)$/m);
  });

  it('refuses a request for the system:masters group, and fails one with usages its signer does not allow', async () => {
    const masters = await kubectl(cluster, ['apply', '-f', csrManifest('root', request('root', '/CN=root/O=system:masters'), '  usages:\n  - client auth\n')]);
    assert.equal(masters.code, 1);
    assert.match(masters.stderr, /certificatesigningrequests\.certificates\.k8s\.io "root" is forbidden: use of kubernetes\.io\/kube-apiserver-client signer with system:masters group is not allowed$/m);

    await run('apply', '-f', csrManifest('server', request('server', '/CN=web'), '  usages:\n  - server auth\n'));
    await run('certificate', 'approve', 'server');
    let failed = '';
    for (let i = 0; i < 100 && !failed; i++) {
      failed = await run('get', 'csr', 'server', '-o', 'jsonpath={.status.conditions[?(@.type=="Failed")].message}');
      if (!failed) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(failed, 'invalid usage for client certificate: server auth');
    assert.equal(await run('get', 'csr', 'server', '-o', 'jsonpath={.status.certificate}'), '');
    assert.match(await run('get', 'csr', 'server'), /^server\s+.*\s+Approved,Failed$/m);
  });

  it('a denied request is never issued, and kubectl shows it Denied', async () => {
    await run('apply', '-f', csrManifest('denied', request('denied', '/CN=denied'), '  usages:\n  - client auth\n'));
    assert.equal((await run('certificate', 'deny', 'denied')).trim(), 'certificatesigningrequest.certificates.k8s.io/denied denied');
    await new Promise((r) => setTimeout(r, 500));
    assert.match(await run('get', 'csr', 'denied'), /^denied\s+\S+\s+kubernetes\.io\/kube-apiserver-client\s+kubeside-admin\s+<none>\s+Denied$/m);
    assert.equal(await run('get', 'csr', 'denied', '-o', 'jsonpath={.status.certificate}'), '');
    assert.equal(await run('get', 'csr', 'denied', '-o', 'jsonpath={.status.conditions[0].reason}'), 'KubectlDeny');
    // Nor will kubectl approve it afterwards (the API server would refuse Approved beside Denied too).
    assert.match((await kubectl(cluster, ['certificate', 'approve', 'denied'])).stderr, /^error: certificate signing request "denied" is already Denied$/m);
  });

  it('approving needs `approve` on the signer, not only update on the request', async () => {
    await run('apply', '-f', csrManifest('approver-test', request('approver-test', '/CN=someone'), '  usages:\n  - client auth\n'));
    await run('create', 'clusterrole', 'csr-updater', '--verb=get,update', '--resource=certificatesigningrequests,certificatesigningrequests/approval');
    await run('create', 'clusterrolebinding', 'csr-updater', '--clusterrole=csr-updater', '--user=approver');
    const refused = await kubectl(cluster, ['--as=approver', 'certificate', 'approve', 'approver-test']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /certificatesigningrequests\.certificates\.k8s\.io "approver-test" is forbidden: user not permitted to approve requests with signerName "kubernetes\.io\/kube-apiserver-client"/);
    // As Kubernetes' documentation grants it: `signers` is no resource kubectl can look up, so in YAML.
    const role = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: client-signer-approver\nrules:\n- apiGroups: [certificates.k8s.io]\n  resources: [signers]\n  resourceNames: [kubernetes.io/kube-apiserver-client]\n  verbs: [approve]\n';
    await kubectlOk(cluster, ['apply', '-f', '-'], role);
    await run('create', 'clusterrolebinding', 'client-signer-approver', '--clusterrole=client-signer-approver', '--user=approver');
    assert.equal((await kubectlOk(cluster, ['--as=approver', 'certificate', 'approve', 'approver-test'])).trim(), 'certificatesigningrequest.certificates.k8s.io/approver-test approved');
  });
});
