// `kubeside request` run through main() against a served cluster with the shop example: the hops,
// the answer as curl -i prints it and the pod that answered; network errors exit 1; admins only.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import type { Obj } from '../../engine/apiserver/registry/strategy';
import { main } from '../../cli/main';
import { kubeconfig, startServer, type StartedServer } from '../../engine/http/index';

const repo = path.resolve(__dirname, '..', '..');
const pods = { group: '', version: 'v1', resource: 'pods' };

async function kubeside(state: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await main([...args, '--state', state], { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), cwd: repo });
  return { code, stdout, stderr };
}

/** Polls until `check` holds (the served cluster runs on real time). */
async function eventually(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('kubeside request', function () {
  this.timeout(60_000);
  let state: string;
  let server: StartedServer | undefined;
  const ready = (app: string) =>
    (server!.client.list(pods, 'shop', { labelSelector: `app.kubernetes.io/name=${app}` }).items as Obj[]).filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True'));

  before(async () => {
    state = mkdtempSync(path.join(tmpdir(), 'kubeside-request-'));
    server = await startServer({ stateDir: state, seed: 5, workers: 2 });
    assert.equal((await kubeside(state, 'apply', '-f', 'examples/shop')).code, 0);
    await eventually('web and api have two ready pods each', () => ready('web').length === 2 && ready('api').length === 2);
  });

  after(async () => {
    await server?.close();
    rmSync(state, { recursive: true, force: true });
  });

  it('prints the hops, the response as curl -i does, and which pod answered', async () => {
    const r = await kubeside(state, 'request', 'http://web.shop/');
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^\* Service shop\/web: web\.shop\.svc\.cluster\.local → 10\.\d+\.\d+\.\d+:80 \(port 80 "http"\) → 10\.244\.\d+\.\d+:80 \(\d of 2\)$/);
    assert.match(lines[1]!, /^\* Pod shop\/web-[a-z0-9]+-[a-z0-9]{5}: 10\.244\.\d+\.\d+:80 on worker-\d, targetPort http$/);
    assert.equal(lines[2], 'HTTP/1.1 200 OK');
    assert.ok(lines.includes('Server: nginx/1.27.3'));
    assert.match(r.stdout, /\r?\n\r?\n<!DOCTYPE html>\n[\s\S]*<h1>Welcome to nginx!<\/h1>/);
    const answered = /^answered by pod shop\/(web-\S+) on (worker-\d) \((10\.244\.\d+\.\d+)\)$/m.exec(r.stdout);
    assert.ok(answered, r.stdout);
    const pod = server!.client.get(pods, 'shop', answered[1]!);
    assert.deepEqual([pod.spec.nodeName, pod.status.podIP], [answered[2], answered[3]]);
    // The next request goes to the other web pod.
    const next = /^answered by pod shop\/(web-\S+) /m.exec((await kubeside(state, 'request', 'http://web.shop/')).stdout);
    assert.notEqual(next?.[1], answered[1]);
  });

  it('-X HEAD through the Ingress from a pod: the api\'s answer without a body', async () => {
    const web = ready('web')[0]!.metadata.name;
    const r = await kubeside(state, 'request', '-X', 'HEAD', 'http://shop.example.com/api/healthz', '--from', `shop/${web}`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\* Ingress shop\/shop: shop\.example\.com\/api\/healthz matches \/api \(Prefix\) → Service api port http\n\* Service shop\/api: /);
    assert.match(r.stdout, /\nHTTP\/1\.1 404 Not Found\n/);
    assert.match(r.stdout, /\n\nanswered by pod shop\/api-\S+ on worker-\d \(10\.244\.\d+\.\d+\)\n$/);
  });

  it('a refused connection or an unknown host: the hops so far, the error, exit 1', async () => {
    const refused = await kubeside(state, 'request', 'http://api.shop:9999/');
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /^\* Service shop\/api: api\.shop\.svc\.cluster\.local → (10\.\d+\.\d+\.\d+): no port 9999 \(the Service has 8080\/TCP\)\n$/);
    assert.match(refused.stderr, /^error: dial tcp 10\.\d+\.\d+\.\d+:9999: connect: connection refused\n$/);
    const unknown = await kubeside(state, 'request', 'http://nowhere.shop/');
    assert.deepEqual([unknown.code, unknown.stdout, unknown.stderr], [1, '', 'error: dial tcp: lookup nowhere.shop: no such host\n']);
    const ghost = await kubeside(state, 'request', 'http://web/', '--from', 'shop/ghost');
    assert.deepEqual([ghost.code, ghost.stderr], [1, 'Error from server (NotFound): pods "ghost" not found\n']);
  });

  it('--count tallies who answered: the Service spreads the requests evenly over its two ready pods', async () => {
    const r = await kubeside(state, 'request', 'http://web.shop/', '--count', '10');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^10 requests GET http:\/\/web\.shop\/ in \d+\.\d s \(\d+\.\d\/s\): 10 answered \(200 OK ×10\), 0 without an answer$/);
    const names = new Set(ready('web').map((p) => p.metadata.name as string));
    const rows = lines.slice(1).map((l) => /^ {2}shop\/(web-\S+) on worker-\d +(\d+) +(\d+)%$/.exec(l));
    assert.equal(rows.length, 2, r.stdout);
    for (const row of rows) {
      assert.ok(row && names.has(row[1]!), r.stdout);
      assert.deepEqual([row[2], row[3]], ['5', '50']);
    }
  });

  it('--rate with --duration paces the requests on the real clock; requests with no answer are counted and exit 1', async () => {
    const paced = await kubeside(state, 'request', 'http://web.shop/', '--rate', '20', '--duration', '1s');
    assert.equal(paced.code, 0, paced.stderr);
    const head = /^20 requests GET http:\/\/web\.shop\/ in (\d+\.\d) s /.exec(paced.stdout);
    assert.ok(head, paced.stdout);
    // The last of 20 at 20/s is sent 0.95 s after the first.
    assert.ok(Number(head[1]) >= 0.9, paced.stdout);
    const refused = await kubeside(state, 'request', 'http://api.shop:9999/', '--count', '3');
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /: 0 answered, 3 without an answer\n {2}error ×3: dial tcp 10\.\d+\.\d+\.\d+:9999: connect: connection refused\n$/);
    for (const [args, message] of [
      [['--duration', '1s'], /--duration needs --rate/],
      [['--count', '0'], /--count must be a positive whole number, got "0"/],
      [['--rate', '5'], /--rate needs --count or --duration/],
      [['--rate', '5', '--duration', 'soon'], /invalid --duration: time: invalid duration "soon"/],
    ] as const) {
      const usage = await kubeside(state, 'request', 'http://web.shop/', ...args);
      assert.equal(usage.code, 2, args.join(' '));
      assert.match(usage.stderr, message);
    }
  });

  it('only admins may send requests, and a bad --from is a usage error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubeside-request-user-'));
    try {
      server!.cluster.authenticator.add('carol-token-0123456789', { name: 'carol', groups: ['system:authenticated'] });
      writeFileSync(path.join(dir, 'kubeconfig'), kubeconfig({ name: 'kubeside', server: server!.url, caCert: Buffer.from(server!.caData, 'base64').toString(), token: 'carol-token-0123456789', user: 'carol' }));
      const denied = await kubeside(dir, 'request', 'http://web.shop/');
      assert.deepEqual([denied.code, denied.stderr], [1, 'Error from server (Forbidden): forbidden: User "carol" cannot post path "/kubeside/v1/request"\n']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const usage = await kubeside(state, 'request', 'http://web.shop/', '--from', 'web');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--from takes NAMESPACE\/POD, got "web"/);
  });
});
