// The real kubectl's exec and attach against `kubeside serve` (WebSockets, v5.channel.k8s.io): built-in
// commands in the shop's api pod see its ConfigMap and Secret, exit codes come back as kubectl's,
// the runtime's and kubelet's errors read as on a containerd node, and RBAC guards pods/exec.
// Also pods/log with follow for a pod that is not there: a Status, not a cut connection.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { kubectl, kubectlInTerminal, kubectlOk, kubectlStream, serveCluster, type ServedCluster } from './fixture';

const shop = path.resolve(__dirname, '../../examples/shop');

describe('kubectl exec and attach against kubeside serve', function () {
  this.timeout(60_000);
  let cluster: ServedCluster;
  let api: string;

  before(async () => {
    cluster = await serveCluster();
    await kubectlOk(cluster, ['apply', '-f', shop]);
    await kubectlOk(cluster, ['wait', '--for=condition=Available', 'deploy/api', '-n', 'shop', '--timeout=60s']);
    api = (await kubectlOk(cluster, ['get', 'pods', '-n', 'shop', '-l', 'app.kubernetes.io/name=api', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
  });
  after(async () => {
    await cluster?.close();
  });

  const exec = (...args: string[]) => kubectl(cluster, ['exec', '-n', 'shop', ...args]);

  it('env: prints the variables of the api container, from its ConfigMap and Secret too', async () => {
    const r = await exec(api, '--', 'env');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^LOG_LEVEL=info$/m);
    assert.match(r.stdout, /^DB_HOST=db-0\.db\.shop\.svc\.cluster\.local$/m);
    assert.match(r.stdout, /^DB_PASSWORD=s3cr3t-pass$/m);
    assert.match(r.stdout, new RegExp(`^HOSTNAME=${api}$`, 'm'));
  });

  it('cat: reads the files of the mounted ConfigMap and Secret volumes and the /etc files the kubelet writes', async () => {
    assert.equal((await exec(api, '--', 'cat', '/etc/shop/settings.json')).stdout, '{"currency": "EUR", "pageSize": 20}\n');
    assert.equal((await exec(api, '--', 'cat', '/etc/shop/credentials/DB_USER')).stdout, 'shop');
    assert.equal((await exec(api, '--', 'hostname')).stdout, `${api}\n`);
    const hosts = await exec(api, '--', 'cat', '/etc/hosts', '/etc/resolv.conf');
    assert.match(hosts.stdout, new RegExp(`^10\\.244\\.\\d+\\.\\d+\\t${api}$`, 'm'));
    assert.match(hosts.stdout, /^search shop\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m);
    assert.match(hosts.stdout, /^nameserver 10\.96\.0\.10$/m);
    const missing = await exec(api, '--', 'cat', '/etc/shop/nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^cat: \/etc\/shop\/nope: No such file or directory$/m);
    assert.match(missing.stderr, /^command terminated with exit code 1$/m);
  });

  it('ls and sh -c: list a mounted volume, and run a small script with variables and exit', async () => {
    assert.equal((await exec(api, '--', 'ls', '/etc/shop/credentials')).stdout, 'DB_PASSWORD\nDB_USER\n');
    const r = await exec(api, '--', 'sh', '-c', 'echo "user=$DB_USER"; printenv LOG_LEVEL && exit 3');
    assert.equal(r.stdout, 'user=shop\ninfo\n');
    assert.equal(r.code, 3);
    assert.match(r.stderr, /^command terminated with exit code 3$/m);
  });

  it('exit codes: false exits 1; an unknown program fails as runc does, and as sh does inside a shell (127)', async () => {
    const f = await exec(api, '--', 'false');
    assert.equal(f.code, 1);
    assert.match(f.stderr, /^command terminated with exit code 1$/m);
    const unknown = await exec(api, '--', 'foo');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "foo": executable file not found in \$PATH: unknown$/m);
    const inShell = await exec(api, '--', 'sh', '-c', 'foo');
    assert.equal(inShell.code, 127);
    assert.match(inShell.stderr, /^sh: 1: foo: not found$/m);
    assert.match(inShell.stderr, /^command terminated with exit code 127$/m);
  });

  it('-i: cat without arguments echoes stdin until it closes', async () => {
    const r = await kubectl(cluster, ['exec', '-i', '-n', 'shop', api, '--', 'cat'], 'line one\nline two\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'line one\nline two\n');
  });

  it('-it: a shell in a terminal prompts, echoes what is typed, edits the line, and ends on exit', async () => {
    const term = await kubectlInTerminal(cluster, ['exec', '-it', '-n', 'shop', api, '--', 'sh']);
    try {
      // The api image is Debian-based: dash, as root, prompts "# ".
      await term.waitFor(/# $/);
      // Keystrokes one by one, as a raw terminal sends them: a typo erased with backspace, Enter as \r.
      for (const key of 'echo hellp\x7fo $HOSTNAME\r') term.type(key);
      // What the terminal shows, byte for byte: the echo, the erasure (\b \b), the command's output.
      await term.waitFor(new RegExp(`echo hellp\b \bo \\$HOSTNAME\r\nhello ${api}\r\n# $`));
      // ^C drops the line being typed; the shell prompts again.
      term.type('ls /nowhere\x03');
      await term.waitFor(/ls \/nowhere\^C\r\n# $/);
      term.type('exit 3\r');
      const code = await new Promise<number | null>((resolve) => term.child.on('exit', resolve));
      assert.equal(code, 3, term.output());
    } finally {
      term.child.kill();
    }
  });

  it('-c picks a container; one that is not running is the kubelet error kubectl prints', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pair', namespace: 'shop' }, spec: { containers: [{ name: 'web', image: 'nginx:1.27.3' }, { name: 'task', image: 'busybox', command: ['sh', '-c', 'echo done'] }] } };
    await kubectlOk(cluster, ['apply', '-f', '-'], JSON.stringify(pod));
    await kubectlOk(cluster, ['wait', '--for=jsonpath={.status.containerStatuses[?(@.name=="task")].restartCount}=1', 'pod/pair', '-n', 'shop', '--timeout=30s']);
    assert.equal((await exec('pair', '-c', 'web', '--', 'printenv', 'HOSTNAME')).stdout, 'pair\n');
    const stopped = await exec('pair', '-c', 'task', '--', 'true');
    assert.equal(stopped.code, 1);
    assert.match(stopped.stderr, /^error: Internal error occurred: unable to upgrade connection: container not found \("task"\)$/m);
    const invalid = await exec('pair', '-c', 'nope', '--', 'true');
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /container nope is not valid for pod pair/);
  });

  it('cp: copies a directory into the api container and back through tar, and fails on its read-only ConfigMap volume', async () => {
    const local = mkdtempSync(path.join(tmpdir(), 'kubeside-cp-'));
    try {
      mkdirSync(path.join(local, 'upload', 'nested'), { recursive: true });
      writeFileSync(path.join(local, 'upload', 'notes.txt'), 'first line\n');
      writeFileSync(path.join(local, 'upload', 'nested', 'prix.txt'), '9,90 €\n');
      // Into a directory that exists: kubectl asks `test -d`, then copies into it.
      await kubectlOk(cluster, ['cp', path.join(local, 'upload'), `shop/${api}:/tmp`]);
      assert.equal((await exec(api, '--', 'cat', '/tmp/upload/nested/prix.txt')).stdout, '9,90 €\n');
      assert.equal((await exec(api, '--', 'ls', '/tmp/upload')).stdout, 'nested\nnotes.txt\n');
      // And back: `tar cf - /tmp/upload` in the container, unpacked by kubectl.
      const back = await kubectl(cluster, ['cp', `shop/${api}:/tmp/upload`, path.join(local, 'back')]);
      assert.equal(back.code, 0, back.stderr);
      assert.equal(back.stdout, "tar: Removing leading `/' from member names\n");
      assert.equal(readFileSync(path.join(local, 'back', 'nested', 'prix.txt'), 'utf8'), '9,90 €\n');
      assert.equal(readFileSync(path.join(local, 'back', 'notes.txt'), 'utf8'), 'first line\n');

      const refused = await kubectl(cluster, ['cp', path.join(local, 'upload', 'notes.txt'), `shop/${api}:/etc/shop/notes.txt`]);
      // kubectl exits with the code of the command it ran.
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /^tar: notes\.txt: Cannot open: Read-only file system$/m);
      assert.match(refused.stderr, /command terminated with exit code 2/);
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  });

  it('curl: a request from the api pod reaches the web Service through the cluster network', async () => {
    const r = await exec(api, '--', 'curl', '-s', '-w', '\\n%{http_code}', 'http://web.shop/');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /<h1>Welcome to nginx!<\/h1>[\s\S]*\n200$/);
    const missing = await exec(api, '--', 'curl', '-sS', 'http://nowhere.shop/');
    assert.equal(missing.code, 6);
    assert.match(missing.stderr, /^curl: \(6\) Could not resolve host: nowhere\.shop$/m);
  });

  it('RBAC: a user who may read pods but not create pods/exec is forbidden', async () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'pod-reader', namespace: 'shop' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] };
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'bob-reads-pods', namespace: 'shop' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }] };
    for (const obj of [role, binding]) await kubectlOk(cluster, ['apply', '-f', '-'], JSON.stringify(obj));
    const r = await exec(api, '--as=bob', '--', 'env');
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^Error from server \\(Forbidden\\): pods "${api}" is forbidden: User "bob" cannot create resource "pods/exec" in API group "" in the namespace "shop"$`, 'm'));
  });

  it('attach: follows what the container writes from now on', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'server', namespace: 'shop' }, spec: { containers: [{ name: 'web', image: 'nginx:1.27.3', readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 } }] } };
    await kubectlOk(cluster, ['apply', '-f', '-'], JSON.stringify(pod));
    await kubectlOk(cluster, ['wait', '--for=condition=Ready', 'pod/server', '-n', 'shop', '--timeout=30s']);
    const attach = await kubectlStream(cluster, ['attach', 'server', '-n', 'shop']);
    try {
      // The readiness probe writes an access-log line every second.
      await attach.waitFor(/"GET \/ HTTP\/1\.1" 200 615 "-" "kube-probe\/1\.36"/);
    } finally {
      attach.child.kill();
    }
  });

  it('pods/log with follow for a missing pod is a 404 Status, not a 200 cut short', async () => {
    const url = new URL(cluster.started.url);
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      https
        .get({ host: url.hostname, port: url.port, path: '/api/v1/namespaces/shop/pods/nowhere/log?follow=true', ca: Buffer.from(cluster.started.caData, 'base64'), headers: { Authorization: `Bearer ${cluster.started.token}` } }, (r) => {
          let body = '';
          r.on('data', (d: Buffer) => (body += d.toString()));
          r.on('end', () => resolve({ status: r.statusCode!, body }));
        })
        .on('error', reject);
    });
    assert.equal(res.status, 404);
    assert.deepEqual(JSON.parse(res.body), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "nowhere" not found', reason: 'NotFound', details: { name: 'nowhere', group: '', kind: 'pods' }, code: 404 });
  });
});
