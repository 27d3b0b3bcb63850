// The real kubectl's port-forward against `kubeside serve` (SPDY tunnelled through a WebSocket, as
// kubectl 1.31+ does): requests through the forwarded local port reach the simulated nginx of the
// shop's web pods, through a pod or a Service; a port nothing listens on gives the kubelet's error.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { kubectlOk, kubectlStream, serveCluster, type ServedCluster } from './fixture';

const shop = path.resolve(__dirname, '../../examples/shop');

/** A local port free now, for kubectl to listen on. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function get(port: number, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

describe('kubectl port-forward against kubeside serve', function () {
  this.timeout(60_000);
  let cluster: ServedCluster;
  let web: string;

  before(async () => {
    cluster = await serveCluster();
    await kubectlOk(cluster, ['apply', '-f', shop]);
    await kubectlOk(cluster, ['rollout', 'status', 'deploy/web', '-n', 'shop', '--timeout=60s']);
    web = (await kubectlOk(cluster, ['get', 'pods', '-n', 'shop', '-l', 'app.kubernetes.io/name=web', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
  });
  after(async () => {
    await cluster?.close();
  });

  async function forward(target: string, remotePort: number): Promise<{ port: number; stream: Awaited<ReturnType<typeof kubectlStream>> }> {
    const port = await freePort();
    const stream = await kubectlStream(cluster, ['port-forward', '-n', 'shop', target, `${port}:${remotePort}`]);
    await stream.waitFor(new RegExp(`Forwarding from 127\\.0\\.0\\.1:${port} -> ${remotePort}`));
    return { port, stream };
  }

  it('pod/web: GET / through the forwarded port is nginx welcome page, another path its 404, each in the access log', async () => {
    const { port, stream } = await forward(`pod/${web}`, 80);
    try {
      const page = await get(port, '/');
      assert.equal(page.status, 200);
      assert.equal(page.headers.server, 'nginx/1.27.3');
      assert.equal(page.headers['content-length'], '615');
      assert.match(page.body, /<title>Welcome to nginx!<\/title>/);
      const missing = await get(port, '/missing');
      assert.equal(missing.status, 404);
      assert.match(missing.body, /<center><h1>404 Not Found<\/h1><\/center>/);
      await stream.waitFor(new RegExp(`Handling connection for ${port}`));
    } finally {
      stream.child.kill();
    }
    const log = await kubectlOk(cluster, ['logs', '-n', 'shop', web, '--tail=2']);
    assert.match(log, /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/ HTTP\/1\.1" 200 615 "-" "-"$/m);
    assert.match(log, /^127\.0\.0\.1 - - \[[^\]]+\] "GET \/missing HTTP\/1\.1" 404 \d+ "-" "-"$/m);
  });

  it('svc/web: kubectl picks a pod of the Service and forwards its target port', async () => {
    const { port, stream } = await forward('svc/web', 80);
    try {
      assert.match((await get(port, '/')).body, /<h1>Welcome to nginx!<\/h1>/);
    } finally {
      stream.child.kill();
    }
  });

  it('a port nothing listens on: kubectl prints the kubelet error and loses the connection', async () => {
    const { port, stream } = await forward(`pod/${web}`, 81);
    try {
      await assert.rejects(get(port, '/'));
      const out = await stream.waitFor(/error: lost connection to pod/);
      assert.match(out, new RegExp(`an error occurred forwarding ${port} -> 81: error forwarding port 81 to pod [0-9a-f]{64}, uid : failed to execute portforward in network namespace \\\\"/var/run/netns/cni-[0-9a-f-]{36}\\\\": failed to connect to localhost:81 inside namespace \\\\"[0-9a-f]{64}\\\\", IPv4: dial tcp4 127\\.0\\.0\\.1:81: connect: connection refused IPv6 dial tcp6 \\[::1\\]:81: connect: connection refused`));
    } finally {
      stream.child.kill();
    }
  });
});
