// The cluster network as a client sees it: given the shop example running on a virtual clock, when a
// request is sent by name, address or Ingress host, from outside, a node or a pod, then it reaches the
// pods kube-proxy, CoreDNS and the ingress controller would send it to, and they answer it; then the
// rarer routing rules over plain objects.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { parseAllDocuments } from 'yaml';
import { ApiClient } from '../../../engine/apiserver/client';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { Cluster, type ServiceResponse } from '../../../engine/cluster/index';
import { networkObjects, ServiceProxy } from '../../../engine/network/index';
import { VirtualClock } from '../../../engine/util/clock';

const pods = { group: '', version: 'v1', resource: 'pods' };
const services = { group: '', version: 'v1', resource: 'services' };
const nodes = { group: '', version: 'v1', resource: 'nodes' };
const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };

async function shop() {
  const clock = new VirtualClock(Date.UTC(2026, 11, 1, 9, 0, 0));
  const cluster = await Cluster.start({ clock, seed: 11 });
  const admin = cluster.adminClient('kubectl/v1.36.0');
  const docs = ['00-namespace.yaml', '10-web.yaml', '20-api.yaml', '30-db.yaml']
    .flatMap((f) => parseAllDocuments(readFileSync(`examples/shop/${f}`, 'utf8')).map((d) => d.toJS() as Obj))
    .filter(Boolean);
  for (const obj of docs) await admin.create(ApiClient.resourceOf(obj), obj.metadata.namespace, obj);
  const advance = (ms: number) => clock.advanceAsync(ms, 250);
  await advance(30_000);
  await cluster.flushStatus();
  return { cluster, admin, advance };
}

type Shop = Awaited<ReturnType<typeof shop>>;

const live = (s: Shop, app: string) =>
  (s.admin.list(pods, 'shop', { labelSelector: `app.kubernetes.io/name=${app}` }).items as Obj[]).filter((p) => !p.metadata.deletionTimestamp).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
const isReady = (p: Obj) => p.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True');
const hopsOf = (r: ServiceResponse) => r.hops.map((h) => `${h.kind}/${h.namespace ? `${h.namespace}/` : ''}${h.name}`);

describe('service proxy: requests through the cluster network', function () {
  this.timeout(60_000);
  let s: Shop;
  beforeEach(async () => {
    s = await shop();
  });
  afterEach(async () => {
    await s.cluster.stop();
  });

  it('balances a Service round-robin over its two ready web pods, each answering with nginx\'s welcome page', () => {
    const web = live(s, 'web');
    assert.equal(web.length, 2);
    const answers = [1, 2, 3, 4].map(() => s.cluster.request('GET', 'http://web.shop/'));
    assert.deepEqual(answers.map((a) => a.pod?.name), [web[0]!.metadata.name, web[1]!.metadata.name, web[0]!.metadata.name, web[1]!.metadata.name]);
    const first = answers[0]!;
    assert.equal(first.status, 200);
    assert.equal(first.reason, 'OK');
    assert.equal(first.headers.Server, 'nginx/1.27.3');
    assert.match(first.body, /<h1>Welcome to nginx!<\/h1>/);
    assert.deepEqual(hopsOf(first), ['Service/shop/web', `Pod/shop/${web[0]!.metadata.name}`]);
    assert.equal(first.pod?.ip, web[0]!.status.podIP);
    assert.equal(first.pod?.port, 80, 'targetPort "http" resolved to the container port');
    assert.equal(first.node, web[0]!.spec.nodeName);
    assert.equal(s.cluster.request('GET', 'http://web.shop/missing').status, 404);
  });

  it('carries the requests of curl and wget run in a pod (kubectl exec), each tool wording the network\'s answers and errors as it does', async () => {
    /** Runs `argv` in a container: its exit code and output, or how the runtime failed to start it. */
    const run = async (pod: string, container: string, argv: string[]) => {
      let stdout = '';
      let stderr = '';
      const p = s.cluster.exec('shop', pod, container, argv, { stdout: (d) => (stdout += d), stderr: (d) => (stderr += d), tty: false });
      try {
        return { code: await p.exitCode, stdout, stderr };
      } catch (err) {
        return { code: -1, stdout, stderr: (err as Error).message };
      }
    };
    const api = live(s, 'api')[0]!.metadata.name;
    const web = s.admin.get(services, 'shop', 'web');

    const page = await run(api, 'api', ['curl', '-s', 'http://web/']);
    assert.equal(page.code, 0);
    assert.match(page.stdout, /<h1>Welcome to nginx!<\/h1>/);
    const saved = await run(api, 'api', ['curl', '-s', '-o', '/tmp/page.html', '-w', '%{http_code} %{remote_ip}\\n', 'http://web.shop.svc.cluster.local/']);
    assert.deepEqual([saved.code, saved.stdout], [0, `200 ${web.spec.clusterIP}\n`]);
    assert.match((await run(api, 'api', ['cat', '/tmp/page.html'])).stdout, /Welcome to nginx!/);
    assert.deepEqual(await run(api, 'api', ['curl', '-sSf', 'http://web/missing']), { code: 22, stdout: '', stderr: 'curl: (22) The requested URL returned error: 404\n' });
    assert.deepEqual(await run(api, 'api', ['curl', '-sS', 'http://nowhere/']), { code: 6, stdout: '', stderr: 'curl: (6) Could not resolve host: nowhere\n' });
    assert.deepEqual(await run(api, 'api', ['curl', '-s', 'http://nowhere/']), { code: 6, stdout: '', stderr: '' }, '-s alone keeps errors quiet');
    // The api image has curl and not busybox's wget.
    assert.match((await run(api, 'api', ['wget', 'http://web/'])).stderr, /exec: "wget": executable file not found in \$PATH/);

    await s.admin.create(pods, 'shop', { metadata: { name: 'box' }, spec: { containers: [{ name: 'box', image: 'busybox:1.37', command: ['sleep', '3600'] }] } });
    await s.advance(5_000);
    const got = await run('box', 'box', ['wget', '-qO-', 'http://web']);
    assert.equal(got.code, 0);
    assert.match(got.stdout, /<h1>Welcome to nginx!<\/h1>/);
    assert.equal(got.stderr, '');
    const file = await run('box', 'box', ['wget', 'http://web.shop/']);
    assert.deepEqual([file.code, file.stderr], [0, `Connecting to web.shop (${web.spec.clusterIP}:80)\nsaving to 'index.html'\nindex.html           100% |********************************|   615  0:00:00 ETA\n'index.html' saved\n`]);
    assert.deepEqual(await run('box', 'box', ['wget', '-q', 'http://web:81/']), { code: 1, stdout: '', stderr: `wget: can't connect to remote host (${web.spec.clusterIP}): Connection refused\n` });
    assert.deepEqual(await run('box', 'box', ['wget', '-qO-', 'http://nowhere/']), { code: 1, stdout: '', stderr: "wget: bad address 'nowhere'\n" });
    assert.deepEqual(await run('box', 'box', ['wget', '-qO-', 'http://web/missing']), { code: 1, stdout: '', stderr: 'wget: server returned error: HTTP/1.1 404 Not Found\n' });

    // `kubectl run … -- wget -qO- http://web`: the command runs as the container's own, its output the log.
    await s.admin.create(pods, 'shop', { metadata: { name: 'once' }, spec: { restartPolicy: 'Never', containers: [{ name: 'once', image: 'busybox:1.37', command: ['wget', '-qO-', 'http://web'] }] } });
    await s.advance(5_000);
    assert.equal(s.admin.get(pods, 'shop', 'once').status.phase, 'Succeeded');
    assert.match(s.cluster.logs('shop', 'once', 'once'), /<h1>Welcome to nginx!<\/h1>/);

    // With no web pod left, the Service refuses the connection.
    await s.admin.patch(deployments, 'shop', 'web', 'merge', { spec: { replicas: 0 } });
    await s.advance(40_000);
    assert.deepEqual(await run(api, 'api', ['curl', '-sS', 'http://web/']), { code: 7, stdout: '', stderr: "curl: (7) Failed to connect to web port 80 after 0 ms: Couldn't connect to server\n" });
  });

  it('runs the init containers of the Kubernetes docs: each loops on nslookup until its Service exists, then the app starts', async () => {
    const wait = (service: string) => ({ name: `init-${service}`, image: 'busybox:1.28', command: ['sh', '-c', `until nslookup ${service}.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for ${service}; sleep 2; done`] });
    await s.admin.create(pods, 'shop', {
      metadata: { name: 'myapp-pod', labels: { 'app.kubernetes.io/name': 'MyApp' } },
      spec: { containers: [{ name: 'myapp-container', image: 'busybox:1.28', command: ['sh', '-c', 'echo The app is running! && sleep 3600'] }], initContainers: [wait('myservice'), wait('mydb')] },
    });
    await s.advance(20_000);
    const initStates = () => (s.admin.get(pods, 'shop', 'myapp-pod').status.initContainerStatuses as Obj[]).map((c) => Object.keys(c.state)[0]);
    assert.deepEqual(initStates(), ['running', 'waiting']);
    const waiting = s.cluster.logs('shop', 'myapp-pod', 'init-myservice');
    // busybox 1.28's nslookup, as the docs show it.
    assert.match(waiting, /^Server: {4}10\.96\.0\.10\nAddress 1: 10\.96\.0\.10 kube-dns\.kube-system\.svc\.cluster\.local\n\nnslookup: can't resolve 'myservice\.shop\.svc\.cluster\.local'\nwaiting for myservice$/m);
    assert.ok(waiting.split('\n').filter((l) => l === 'waiting for myservice').length >= 5, waiting);

    const service = (name: string) => ({ metadata: { name }, spec: { ports: [{ protocol: 'TCP', port: 80, targetPort: 9376 }] } });
    await s.admin.create(services, 'shop', service('myservice'));
    await s.advance(5_000);
    assert.deepEqual(initStates(), ['terminated', 'running']);
    const ip = s.admin.get(services, 'shop', 'myservice').spec.clusterIP;
    assert.match(s.cluster.logs('shop', 'myapp-pod', 'init-myservice'), new RegExp(`Name: {6}myservice\\.shop\\.svc\\.cluster\\.local\nAddress 1: ${ip.replace(/\./g, '\\.')} myservice\\.shop\\.svc\\.cluster\\.local\n`));
    // A newer busybox answers in the newer format.
    await s.admin.create(pods, 'shop', { metadata: { name: 'newer' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.37', command: ['nslookup', 'myservice'] }] } });
    await s.advance(3_000);
    assert.equal(s.cluster.logs('shop', 'newer', 'c'), `Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tmyservice.shop.svc.cluster.local\nAddress: ${ip}\n\n`);
    await s.admin.create(services, 'shop', service('mydb'));
    await s.advance(5_000);
    const pod = s.admin.get(pods, 'shop', 'myapp-pod');
    assert.equal(pod.status.phase, 'Running');
    assert.equal(s.cluster.logs('shop', 'myapp-pod', 'myapp-container'), 'The app is running!\n');
  });

  it('keeps a Service answering while its pods are deleted and re-created with new IPs', async () => {
    for (let round = 0; round < 3; round++) {
      const [gone, kept] = live(s, 'web');
      await s.admin.delete(pods, 'shop', gone!.metadata.name);
      await s.advance(250);
      // Until the replacement is ready, the pod that stays answers every request.
      assert.ok(!live(s, 'web').some((p) => p.metadata.name !== kept!.metadata.name && isReady(p)), `round ${round}: no replacement ready yet`);
      const meanwhile = [1, 2, 3].map(() => s.cluster.request('GET', 'http://web.shop/'));
      assert.deepEqual(meanwhile.map((r) => [r.status, r.pod?.ip]), Array(3).fill([200, kept!.status.podIP]), `round ${round}, while the replacement starts`);
      await s.advance(15_000);
      await s.cluster.flushStatus();
      const replacement = live(s, 'web').find((p) => p.metadata.name !== kept!.metadata.name)!;
      assert.ok(isReady(replacement), `round ${round}: ${replacement.metadata.name} is ready`);
      assert.notEqual(replacement.status.podIP, gone!.status.podIP, 'the replacement has a new IP');
      const after = [1, 2].map(() => s.cluster.request('GET', 'http://web.shop/'));
      assert.ok(after.every((r) => r.status === 200));
      assert.deepEqual(after.map((r) => r.pod?.ip).sort(), [kept!.status.podIP, replacement.status.podIP].sort(), `round ${round}: both pods answer`);
    }
  });

  it('prefers a web pod on the caller\'s node, and with internalTrafficPolicy Local never leaves the node', async () => {
    const web = live(s, 'web');
    const webNodes = new Set(web.map((p) => p.spec.nodeName));
    assert.equal(webNodes.size, 2, 'the scheduler spread the web pods');
    const caller = web[1]!;
    const fromPod = [1, 2, 3].map(() => s.cluster.request('GET', 'http://web/', { from: { namespace: 'shop', name: caller.metadata.name } }));
    assert.deepEqual(fromPod.map((r) => r.pod?.name), Array(3).fill(caller.metadata.name));
    assert.match(fromPod[0]!.hops[0]!.detail, /on worker-\d, the caller's node/);
    const elsewhere = (s.admin.list(nodes).items as Obj[]).map((n) => n.metadata.name).find((n) => n.startsWith('worker-') && !webNodes.has(n))!;
    // A node's own resolver knows no cluster name; its kube-proxy still serves the cluster IP.
    const byName = s.cluster.request('GET', 'http://web.shop.svc.cluster.local/', { from: { node: elsewhere } });
    assert.equal(byName.error, 'dial tcp: lookup web.shop.svc.cluster.local: no such host');
    const clusterIP = s.admin.get(services, 'shop', 'web').spec.clusterIP;
    const fromOtherNode = [1, 2].map(() => s.cluster.request('GET', `http://${clusterIP}/`, { from: { node: elsewhere } }));
    assert.deepEqual(fromOtherNode.map((r) => r.pod?.name).sort(), web.map((p) => p.metadata.name), 'no local endpoint: every node\'s endpoints in turn');
    await s.admin.patch(services, 'shop', 'web', 'merge', { spec: { internalTrafficPolicy: 'Local' } });
    const dropped = s.cluster.request('GET', `http://${clusterIP}/`, { from: { node: elsewhere } });
    assert.equal(dropped.status, undefined);
    assert.equal(dropped.error, `dial tcp ${clusterIP}:80: i/o timeout`);
    assert.equal(s.cluster.request('GET', `http://${clusterIP}/`, { from: { node: caller.spec.nodeName } }).pod?.name, caller.metadata.name);
  });

  it('resolves a Service by every DNS form relative to the caller\'s namespace, by cluster IP, and a pod by its IP', () => {
    const api = live(s, 'api')[0]!;
    const from = { namespace: 'shop', name: api.metadata.name };
    const clusterIP = s.admin.get(services, 'shop', 'web').spec.clusterIP;
    for (const host of ['web', 'web.shop', 'web.shop.svc', 'web.shop.svc.cluster.local', 'web.shop.svc.cluster.local.', clusterIP]) {
      const r = s.cluster.request('GET', `http://${host}/`, { from });
      assert.equal(r.status, 200, `${host}: ${r.error}`);
      assert.equal(r.hops[0]?.name, 'web', host);
    }
    assert.match(s.cluster.request('GET', 'http://web/', { from }).hops[0]!.detail, /^web\.shop\.svc\.cluster\.local → 10\.\d+\.\d+\.\d+:80 \(port 80 "http"\)/);
    // From the default namespace, `web` alone is web.default.svc.cluster.local, which does not exist.
    assert.equal(s.cluster.request('GET', 'http://web/').error, 'dial tcp: lookup web: no such host');
    const web = live(s, 'web')[0]!;
    const direct = s.cluster.request('GET', `http://${web.status.podIP}/`, { from });
    assert.deepEqual(hopsOf(direct), [`Pod/shop/${web.metadata.name}`]);
    assert.equal(direct.status, 200);
    const dashed = s.cluster.request('GET', `http://${web.status.podIP.replace(/\./g, '-')}.shop.pod.cluster.local/`, { from });
    assert.equal(dashed.pod?.name, web.metadata.name);
  });

  it('resolves a headless Service\'s pod record to that pod, and the Service name to its pods in turn', () => {
    const r = s.cluster.request('GET', 'http://db-0.db.shop.svc.cluster.local:5432/');
    assert.deepEqual(hopsOf(r), ['Service/shop/db', 'Pod/shop/db-0']);
    assert.match(r.hops[0]!.detail, /^db-0\.db\.shop\.svc\.cluster\.local → 10\.244\.\d+\.\d+: the pod's own record/);
    assert.equal(r.hops[1]!.detail.split(':')[0], s.admin.get(pods, 'shop', 'db-0').status.podIP);
    const byName = [1, 2, 3].map(() => s.cluster.request('GET', 'http://db.shop:5432/').hops.at(-1)?.name);
    assert.deepEqual(byName, ['db-0', 'db-1', 'db-2']);
    assert.equal(s.cluster.request('GET', 'http://db-7.db.shop.svc.cluster.local:5432/').error, 'dial tcp: lookup db-7.db.shop.svc.cluster.local: no such host');
  });

  it('routes an Ingress by host and path to its Service\'s pods, and answers 404 itself for what no rule matches', () => {
    const api = s.cluster.request('GET', 'http://shop.example.com/api/orders');
    assert.deepEqual(hopsOf(api).slice(0, 2), ['Ingress/shop/shop', 'Service/shop/api']);
    assert.match(api.hops[2]!.name, /^api-/);
    assert.equal(api.hops[0]!.detail, 'shop.example.com/api/orders matches /api (Prefix) → Service api port http');
    // The api server knows its health path only: the path reached it unchanged.
    assert.deepEqual([api.status, api.body, api.pod?.port], [404, '404 page not found\n', 8080]);
    const web = s.cluster.request('GET', 'http://shop.example.com/');
    assert.deepEqual([web.status, hopsOf(web)[1]], [200, 'Service/shop/web']);
    const unmatched = s.cluster.request('GET', 'http://localhost/');
    assert.deepEqual([unmatched.status, unmatched.reason, unmatched.hops.length, unmatched.pod], [404, 'Not Found', 0, undefined]);
    assert.match(unmatched.body, /<center><h1>404 Not Found<\/h1><\/center>\r\n<hr><center>nginx<\/center>/);
  });

  it('answers 503 at the Ingress, and refuses the connection to the Service, once it has no endpoints', async () => {
    await s.admin.patch(deployments, 'shop', 'api', 'merge', { spec: { replicas: 0 } });
    await s.advance(60_000);
    const viaIngress = s.cluster.request('GET', 'http://shop.example.com/api/orders');
    assert.deepEqual([viaIngress.status, viaIngress.reason, hopsOf(viaIngress)], [503, 'Service Temporarily Unavailable', ['Ingress/shop/shop', 'Service/shop/api']]);
    const direct = s.cluster.request('GET', 'http://api.shop:8080/');
    const clusterIP = s.admin.get(services, 'shop', 'api').spec.clusterIP;
    assert.deepEqual([direct.status, direct.error, direct.pod], [undefined, `dial tcp ${clusterIP}:8080: connect: connection refused`, undefined]);
    assert.match(direct.hops[0]!.detail, /no ready endpoints$/);
    // A port the Service does not have is refused as well.
    assert.equal(s.cluster.request('GET', 'http://web.shop:8080/').error, `dial tcp ${s.admin.get(services, 'shop', 'web').spec.clusterIP}:8080: connect: connection refused`);
  });

  it('finds no host for a name nothing in the cluster has', () => {
    assert.deepEqual(s.cluster.request('GET', 'http://nope.shop/'), { headers: {}, body: '', error: 'dial tcp: lookup nope.shop: no such host', hops: [] });
    assert.equal(s.cluster.request('GET', 'http://blog.example.com/').error, 'dial tcp: lookup blog.example.com: no such host');
  });

  it('reaches a NodePort Service from outside through any node\'s InternalIP', async () => {
    await s.admin.create(services, 'shop', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-public', namespace: 'shop' }, spec: { type: 'NodePort', selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }] } });
    await s.advance(2000);
    const node = (s.admin.list(nodes).items as Obj[]).find((n) => n.metadata.name === 'worker-1')!;
    const ip = node.status.addresses.find((a: Obj) => a.type === 'InternalIP').address;
    const r = s.cluster.request('GET', `http://${ip}:30080/`);
    assert.equal(r.status, 200, r.error);
    assert.deepEqual(hopsOf(r).slice(0, 2), ['Node/worker-1', 'Service/shop/web-public']);
    assert.equal(s.cluster.request('GET', `http://${ip}:30081/`).error, `dial tcp ${ip}:30081: connect: connection refused`);
  });

  it('routes nothing from a node that has just joined until its kube-proxy runs: no Service rule, no node port', async () => {
    await s.admin.create(services, 'shop', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-public', namespace: 'shop' }, spec: { type: 'NodePort', selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }] } });
    const webIP = s.admin.get(services, 'shop', 'web').spec.clusterIP;
    const joined = (await s.cluster.addNode()).nodeName;
    const ip = (s.admin.get(nodes, undefined, joined).status.addresses as Obj[]).find((a) => a.type === 'InternalIP')!.address;
    const fromNode = s.cluster.request('GET', `http://${webIP}/`, { from: { node: joined } });
    assert.equal(fromNode.error, `dial tcp ${webIP}:80: i/o timeout`);
    assert.equal(fromNode.hops[0]!.detail, `${webIP}:80: no kube-proxy has run on ${joined}, so it has no rule for this address`);
    const nodePort = s.cluster.request('GET', `http://${ip}:30080/`);
    assert.equal(nodePort.error, `dial tcp ${ip}:30080: connect: connection refused`);
    assert.equal(nodePort.hops[0]!.detail, `${ip}:30080: no kube-proxy has run on ${joined}, so no node port is open there`);
    // The DaemonSet places kube-proxy there; once it runs, the node routes by the objects.
    await s.advance(30_000);
    const proxy = (s.admin.list(pods, 'kube-system', { labelSelector: 'k8s-app=kube-proxy', fieldSelector: `spec.nodeName=${joined}` }).items as Obj[])[0];
    assert.equal(proxy?.status.phase, 'Running');
    assert.equal(s.cluster.request('GET', `http://${webIP}/`, { from: { node: joined } }).status, 200);
    assert.equal(s.cluster.request('GET', `http://${ip}:30080/`).status, 200);
  });

  it('reaches a LoadBalancer Service from outside through the address its load balancer got', async () => {
    await s.admin.create(services, 'shop', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-lb', namespace: 'shop' }, spec: { type: 'LoadBalancer', selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] } });
    await s.advance(2000);
    const lb = s.admin.get(services, 'shop', 'web-lb');
    assert.deepEqual(lb.status.loadBalancer.ingress, [{ ip: '172.18.255.200', ipMode: 'VIP' }]);
    const r = s.cluster.request('GET', 'http://172.18.255.200:8080/');
    assert.equal(r.status, 200, r.error);
    assert.equal(hopsOf(r)[0], 'Service/shop/web-lb');
    assert.equal(s.cluster.request('GET', 'http://172.18.255.200:80/').error, 'dial tcp 172.18.255.200:80: connect: connection refused');
    await s.admin.delete(services, 'shop', 'web-lb');
    await s.advance(2000);
    assert.equal(s.admin.tryGet(services, 'shop', 'web-lb'), undefined, 'the cleanup finalizer goes once the load balancer is deleted');

    // An external IP the network routes to a node reaches the Service's port the same way.
    await s.admin.patch(services, 'shop', 'web', 'merge', { spec: { externalIPs: ['192.0.2.10'] } });
    const viaExternal = s.cluster.request('GET', 'http://192.0.2.10/');
    assert.equal(viaExternal.status, 200, viaExternal.error);
    assert.match(viaExternal.hops[0]!.detail, /^external IP 192\.0\.2\.10:80 \(port 80 "http"\) → /);
  });

  it('resolves no cluster name while CoreDNS has no ready pod, and again once it has; addresses and Ingress hosts from outside need no cluster DNS', async () => {
    const web = live(s, 'web');
    const from = { namespace: 'shop', name: web[0]!.metadata.name };
    const webIP = s.admin.get(services, 'shop', 'web').spec.clusterIP;
    await s.admin.patch(deployments, 'kube-system', 'coredns', 'merge', { spec: { replicas: 0 } });
    await s.advance(60_000);
    assert.equal((s.admin.list(pods, 'kube-system', { labelSelector: 'k8s-app=kube-dns' }).items as Obj[]).length, 0);
    for (const caller of [undefined, from]) {
      const byName = s.cluster.request('GET', 'http://web.shop/', caller ? { from: caller } : {});
      assert.equal(byName.error, 'dial tcp: lookup web.shop on 10.96.0.10:53: read: connection refused');
      assert.deepEqual(byName.hops.map((h) => [h.kind, h.namespace, h.name]), [['Service', 'kube-system', 'kube-dns']]);
      assert.equal(s.cluster.request('GET', `http://${webIP}/`, caller ? { from: caller } : {}).status, 200, 'the cluster IP needs no name');
    }
    assert.equal(s.cluster.request('GET', 'http://shop.example.com/').status, 200, 'an Ingress host from outside');
    // Inside the cluster, every name goes to the cluster DNS first, Ingress hosts too.
    assert.equal(s.cluster.request('GET', 'http://shop.example.com/', { from }).error, 'dial tcp: lookup shop.example.com on 10.96.0.10:53: read: connection refused');

    await s.admin.patch(deployments, 'kube-system', 'coredns', 'merge', { spec: { replicas: 2 } });
    await s.advance(30_000);
    await s.cluster.flushStatus();
    assert.equal(s.cluster.request('GET', 'http://web.shop/', { from }).status, 200);
  });

  it("answers names as the coredns ConfigMap's Corefile says: a rewrite makes an alias of a Service, and an edit CoreDNS refuses leaves it on the last good one", async () => {
    const from = { namespace: 'shop', name: live(s, 'api')[0]!.metadata.name };
    assert.equal(s.cluster.request('GET', 'http://storefront.example.internal/', { from }).error, 'dial tcp: lookup storefront.example.internal: no such host');
    const configmaps = { group: '', version: 'v1', resource: 'configmaps' };
    const edit = async (change: (corefile: string) => string) => {
      const cm = s.admin.get(configmaps, 'kube-system', 'coredns');
      await s.admin.update(configmaps, 'kube-system', { ...cm, data: { Corefile: change(cm.data.Corefile) } });
    };
    await edit((c) => c.replace('    ready\n', '    ready\n    rewrite name storefront.example.internal web.shop.svc.cluster.local\n'));
    const aliased = s.cluster.request('GET', 'http://storefront.example.internal/', { from });
    assert.equal(aliased.status, 200, aliased.error);
    assert.deepEqual(hopsOf(aliased).slice(0, 1), ['Service/shop/web']);
    assert.match(aliased.hops[0]!.detail, /^storefront\.example\.internal → web\.shop\.svc\.cluster\.local \(Corefile rewrite, line 7\) → 10\.\d+\.\d+\.\d+:80/);
    // A directive CoreDNS does not know: its reload fails, and it keeps answering by the Corefile it runs.
    await edit((c) => c.replace('    loop\n', '    loop\n    firewall\n'));
    assert.equal(s.cluster.request('GET', 'http://storefront.example.internal/', { from }).status, 200);
    await edit((c) => c.replace('    firewall\n', '').replace(/    rewrite name .*\n/, ''));
    assert.equal(s.cluster.request('GET', 'http://storefront.example.internal/', { from }).error, 'dial tcp: lookup storefront.example.internal: no such host');
    // A server block of its own for a zone (a stub domain): its names go there, and a CoreDNS pod
    // started since lists both servers as it starts.
    const webIP = s.admin.get(services, 'shop', 'web').spec.clusterIP;
    await edit((c) => `${c}example.internal:53 {\n    hosts {\n       ${webIP} storefront.example.internal\n    }\n}\n`);
    assert.equal(s.cluster.request('GET', 'http://storefront.example.internal/', { from }).status, 200);
    assert.equal(s.cluster.request('GET', 'http://mail.example.internal/', { from }).error, 'dial tcp: lookup mail.example.internal: no such host');
    const dns = (s.admin.list(pods, 'kube-system', { labelSelector: 'k8s-app=kube-dns' }).items as Obj[])[0]!;
    await s.admin.delete(pods, 'kube-system', dns.metadata.name);
    await s.advance(30_000);
    const replacement = (s.admin.list(pods, 'kube-system', { labelSelector: 'k8s-app=kube-dns' }).items as Obj[])
      .filter((p) => p.metadata.uid !== dns.metadata.uid)
      .sort((x, y) => (x.metadata.creationTimestamp < y.metadata.creationTimestamp ? 1 : -1))[0]!;
    assert.notEqual(replacement.metadata.creationTimestamp, dns.metadata.creationTimestamp, 'a CoreDNS pod replaced the deleted one');
    assert.match(s.cluster.logs('kube-system', replacement.metadata.name), /^\.:53\nexample\.internal\.:53\n\[INFO\] plugin\/reload: Running configuration SHA512 = [0-9a-f]{128}\n/);
  });

  it('crash-loops a CoreDNS pod that starts with a Corefile it refuses, while those already running keep answering, until the Corefile is mended', async () => {
    const from = { namespace: 'shop', name: live(s, 'api')[0]!.metadata.name };
    const configmaps = { group: '', version: 'v1', resource: 'configmaps' };
    const setCorefile = async (change: (corefile: string) => string) => {
      const cm = s.admin.get(configmaps, 'kube-system', 'coredns');
      await s.admin.update(configmaps, 'kube-system', { ...cm, data: { Corefile: change(cm.data.Corefile) } });
    };
    const good = s.admin.get(configmaps, 'kube-system', 'coredns').data.Corefile as string;
    await setCorefile((c) => c.replace('    loop\n', '    loop\n    firewall\n'));
    const line = good.split('\n').indexOf('    loop') + 2;
    const dnsPods = () => (s.admin.list(pods, 'kube-system', { labelSelector: 'k8s-app=kube-dns' }).items as Obj[]).filter((p) => !p.metadata.deletionTimestamp);
    const [first, second] = dnsPods();
    await s.admin.delete(pods, 'kube-system', first!.metadata.name);
    await s.advance(60_000);
    const replacement = dnsPods().find((p) => p.metadata.name !== second!.metadata.name)!;
    const state = replacement.status.containerStatuses[0];
    assert.equal(state.state.waiting?.reason, 'CrashLoopBackOff');
    assert.equal(state.lastState.terminated?.exitCode, 1);
    assert.equal(s.cluster.logs('kube-system', replacement.metadata.name, 'coredns', { previous: true }), `/etc/coredns/Corefile:${line} - Error during parsing: Unknown directive 'firewall'\n`);
    // The pod that was running keeps the Corefile it loaded: names still resolve through it.
    assert.equal(s.cluster.request('GET', 'http://web.shop/', { from }).status, 200);
    // Mended, the Corefile reaches the pod's volume, and its next start loads it.
    await setCorefile(() => good);
    await s.advance(180_000);
    const mended = dnsPods().find((p) => p.metadata.name === replacement.metadata.name)!;
    assert.equal(mended.status.containerStatuses[0].ready, true, JSON.stringify(mended.status.containerStatuses[0].state));
  });

  it("routes from a node whose kube-proxy stopped by the rules it left: gone pods stay targets, new Services get none, until it runs again", async () => {
    const daemonsets = { group: 'apps', version: 'v1', resource: 'daemonsets' };
    // The stale node: a worker without a web pod, so no endpoint of its own is preferred.
    const webNodes = new Set(live(s, 'web').map((p) => p.spec.nodeName));
    const all = (s.admin.list(nodes).items as Obj[]).map((n) => n.metadata.name as string);
    const stale = all.find((n) => n.startsWith('worker-') && !webNodes.has(n))!;
    const workers = all.filter((n) => n !== stale);
    const proxyOn = (node: string) => (s.admin.list(pods, 'kube-system', { labelSelector: 'k8s-app=kube-proxy' }).items as Obj[]).some((p) => p.spec.nodeName === node && !p.metadata.deletionTimestamp);
    // A Service the stale node's rules will know, deleted once they are frozen.
    await s.admin.create(services, 'shop', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-old', namespace: 'shop' }, spec: { selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
    await s.advance(2000);
    const oldIP = s.admin.get(services, 'shop', 'web-old').spec.clusterIP;
    // kube-proxy is placed on every node but the stale one.
    for (const name of workers) await s.admin.patch(nodes, undefined, name, 'merge', { metadata: { labels: { proxy: 'on' } } });
    await s.admin.patch(daemonsets, 'kube-system', 'kube-proxy', 'strategic', { spec: { template: { spec: { nodeSelector: { proxy: 'on' } } } } });
    for (let i = 0; i < 40 && proxyOn(stale); i++) {
      await s.advance(5000);
      await s.cluster.flushStatus();
    }
    assert.equal(proxyOn(stale), false, `${stale} has no kube-proxy`);
    await s.advance(30_000);
    await s.cluster.flushStatus();

    // Deleted, the Service still answers at its address on the stale node, by the rules it left.
    await s.admin.delete(services, 'shop', 'web-old');
    await s.advance(2000);
    const deletedFromStale = s.cluster.request('GET', `http://${oldIP}/`, { from: { node: stale } });
    assert.equal(deletedFromStale.status, 200, deletedFromStale.error);
    assert.deepEqual(hopsOf(deletedFromStale)[0], 'Service/shop/web-old');
    assert.equal(s.cluster.request('GET', `http://${oldIP}/`, { from: { node: workers[0]! } }).error, `dial tcp ${oldIP}:80: connect: no route to host`);

    // A web pod is replaced: its new IP never reaches the stale node's rules.
    const [gone, kept] = live(s, 'web');
    await s.admin.delete(pods, 'shop', gone!.metadata.name);
    await s.advance(30_000);
    await s.cluster.flushStatus();
    const replacement = live(s, 'web').find((p) => p.metadata.name !== kept!.metadata.name)!;
    assert.ok(isReady(replacement));
    const clusterIP = s.admin.get(services, 'shop', 'web').spec.clusterIP;
    const fromStale = [1, 2].map(() => s.cluster.request('GET', `http://${clusterIP}/`, { from: { node: stale } }));
    assert.deepEqual(fromStale.map((r) => r.status ?? r.error).sort(), [200, `dial tcp ${gone!.status.podIP}:80: connect: no route to host`].sort());
    assert.match(fromStale[0]!.hops[0]!.detail, new RegExp(`by the rules the stopped kube-proxy of ${stale} left`));
    const fromLive = [1, 2].map(() => s.cluster.request('GET', `http://${clusterIP}/`, { from: { node: workers.find((n) => n.startsWith('worker-') && !webNodes.has(n)) ?? 'control-plane' } }));
    assert.deepEqual(fromLive.map((r) => r.pod?.ip).sort(), [kept!.status.podIP, replacement.status.podIP].sort(), 'a node whose kube-proxy runs reaches both');

    // A Service made since has no rule on the stale node: its packets go nowhere. CoreDNS still names it.
    await s.admin.create(services, 'shop', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web-new', namespace: 'shop' }, spec: { selector: { 'app.kubernetes.io/name': 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
    await s.advance(2000);
    const newIP = s.admin.get(services, 'shop', 'web-new').spec.clusterIP;
    const unprogrammed = s.cluster.request('GET', `http://${newIP}/`, { from: { node: stale } });
    assert.equal(unprogrammed.error, `dial tcp ${newIP}:80: i/o timeout`);
    assert.match(unprogrammed.hops[0]!.detail, new RegExp(`the kube-proxy of ${stale} has stopped, and its rules have nothing for this address`));
    const podOnStale = (s.admin.list(pods, 'shop').items as Obj[]).find((p) => p.spec.nodeName === stale && !p.spec.hostNetwork);
    assert.ok(podOnStale, `a shop pod runs on ${stale}`);
    assert.equal(s.cluster.request('GET', 'http://web-new.shop/', { from: { namespace: 'shop', name: podOnStale!.metadata.name } }).error, `dial tcp ${newIP}:80: i/o timeout`);
    // Its node port, reached from outside through the stale node, is unknown there too.
    const staleIP = (s.admin.get(nodes, undefined, stale).status.addresses as Obj[]).find((a) => a.type === 'InternalIP')!.address;
    await s.admin.patch(services, 'shop', 'web-new', 'merge', { spec: { type: 'NodePort' } });
    const nodePort = s.admin.get(services, 'shop', 'web-new').spec.ports[0].nodePort;
    assert.equal(s.cluster.request('GET', `http://${staleIP}:${nodePort}/`).error, `dial tcp ${staleIP}:${nodePort}: connect: connection refused`);

    // kube-proxy back on the stale node: its rules follow the objects again.
    await s.admin.patch(daemonsets, 'kube-system', 'kube-proxy', 'strategic', { spec: { template: { spec: { nodeSelector: { proxy: null } } } } });
    for (let i = 0; i < 40 && s.cluster.request('GET', `http://${newIP}/`, { from: { node: stale } }).status !== 200; i++) {
      await s.advance(5000);
      await s.cluster.flushStatus();
    }
    assert.equal(s.cluster.request('GET', `http://${newIP}/`, { from: { node: stale } }).status, 200);
    const again = [1, 2].map(() => s.cluster.request('GET', `http://${clusterIP}/`, { from: { node: stale } }));
    assert.deepEqual(again.map((r) => r.pod?.ip).sort(), [kept!.status.podIP, replacement.status.podIP].sort());
    assert.equal(s.cluster.request('GET', `http://${staleIP}:${nodePort}/`).status, 200);
  });

  it('says which pod or node to send from does not exist', () => {
    assert.throws(() => s.cluster.request('GET', 'http://web.shop/', { from: { namespace: 'shop', name: 'ghost' } }), /pods "ghost" not found/);
    assert.throws(() => s.cluster.request('GET', 'https://web.shop/'), /only http:\/\/ requests are simulated/);
  });
});

describe('service proxy over plain objects', () => {
  const pod = (name: string, ip: string, node: string, ports: Obj[] = [{ name: 'http', containerPort: 8080 }]): Obj => ({ metadata: { namespace: 'shop', name }, spec: { nodeName: node, containers: [{ name: 'c', image: 'app', ports }] }, status: { podIP: ip } });
  const service = (name: string, spec: Obj = {}): Obj => ({ metadata: { namespace: 'shop', name }, spec: { clusterIP: '10.96.100.1', ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec } });
  const slice = (svc: string, endpoints: Obj[], ports: Obj[] | null = [{ name: 'http', port: 8080 }]): EndpointSlice => ({
    metadata: { namespace: 'shop', name: `${svc}-x`, labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    endpoints: endpoints.map((e) => ({ addresses: [e.ip], nodeName: e.node, conditions: e.conditions ?? { ready: true }, targetRef: { kind: 'Pod', namespace: 'shop', name: e.pod } })),
    ...(ports ? { ports } : {}),
  });
  const now = Date.UTC(2026, 11, 1);
  /** The lists with the cluster DNS in them: the kube-dns Service and one ready CoreDNS endpoint. */
  const withDNS = (lists: Parameters<typeof networkObjects>[0]) =>
    networkObjects({
      ...lists,
      services: [...(lists.services ?? []), { metadata: { namespace: 'kube-system', name: 'kube-dns' }, spec: { clusterIP: '10.96.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }] } }],
      endpointSlices: [
        ...(lists.endpointSlices ?? []),
        { metadata: { namespace: 'kube-system', name: 'kube-dns-x', labels: { 'kubernetes.io/service-name': 'kube-dns' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.244.0.2'], conditions: { ready: true }, targetRef: { kind: 'Pod', namespace: 'kube-system', name: 'coredns-1' } }], ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] },
      ],
    });

  it('falls back to endpoints still serving while they terminate when none is ready', () => {
    const objects = withDNS({
      services: [service('web')],
      pods: [pod('web-1', '10.244.1.2', 'worker-1'), pod('web-2', '10.244.2.2', 'worker-2')],
      endpointSlices: [slice('web', [{ pod: 'web-1', ip: '10.244.1.2', node: 'worker-1', conditions: { ready: false, serving: true, terminating: true } }, { pod: 'web-2', ip: '10.244.2.2', node: 'worker-2', conditions: { ready: false, serving: false, terminating: true } }])],
    });
    const route = new ServiceProxy().route(objects, { url: 'http://web.shop/' }, now);
    assert.equal(route.outcome === 'pod' && route.pod.name, 'web-1');
  });

  it("resolves names as each caller's dnsPolicy says: the cluster DNS, the node's resolver, or its own dnsConfig", () => {
    const caller = (name: string, spec: Obj): Obj => ({ metadata: { namespace: 'shop', name }, spec: { nodeName: 'worker-1', containers: [{ name: 'c', image: 'app' }], ...spec }, status: { podIP: '10.244.1.9' } });
    const callers = [
      caller('first', {}),
      caller('host-first', { hostNetwork: true }),
      caller('host-with-net', { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }),
      caller('default', { dnsPolicy: 'Default' }),
      caller('none-cluster', { dnsPolicy: 'None', dnsConfig: { nameservers: ['10.96.0.10'], searches: ['shop.svc.cluster.local'] } }),
      caller('none-public', { dnsPolicy: 'None', dnsConfig: { nameservers: ['9.9.9.9'], searches: ['shop.svc.cluster.local'] } }),
      caller('first-searches', { dnsConfig: { searches: ['shop.svc.cluster.local'] } }),
    ];
    const objects = withDNS({ services: [service('web'), service('db', { clusterIP: '10.96.100.2' })], pods: [pod('web-1', '10.244.1.2', 'worker-1'), ...callers], endpointSlices: [slice('web', [{ pod: 'web-1', ip: '10.244.1.2', node: 'worker-1' }])] });
    const proxy = new ServiceProxy();
    const outcome = (from: string, url: string) => {
      const route = proxy.route(objects, { url, from: { namespace: 'shop', name: from } }, now);
      return route.outcome === 'pod' ? route.pod.name : route.outcome === 'error' ? route.error : route.outcome;
    };
    const noSuchHost = 'dial tcp: lookup web: no such host';
    assert.deepEqual(
      callers.map((c) => outcome(c.metadata.name, 'http://web/')),
      ['web-1', noSuchHost, 'web-1', noSuchHost, 'web-1', noSuchHost, 'web-1'],
    );
    // The cluster IP needs no name, whatever the policy.
    assert.equal(outcome('default', 'http://10.96.100.1/'), 'web-1');
    // A fully qualified name is asked as it is; under None only the searches dnsConfig lists apply.
    assert.equal(outcome('first', 'http://web.shop.svc.cluster.local./'), 'web-1');
    assert.equal(outcome('none-cluster', 'http://web.shop/'), 'dial tcp: lookup web.shop: no such host');
    assert.equal(outcome('none-cluster', 'http://web.shop.svc.cluster.local/'), 'web-1');
  });

  it('resolves a named targetPort on the pod when the slice lists no ports', () => {
    const objects = withDNS({ services: [service('web')], pods: [pod('web-1', '10.244.1.2', 'worker-1')], endpointSlices: [slice('web', [{ pod: 'web-1', ip: '10.244.1.2', node: 'worker-1' }], null)] });
    const route = new ServiceProxy().route(objects, { url: 'http://web.shop/' }, now);
    assert.deepEqual(route.outcome === 'pod' && [route.pod.ip, route.pod.port], ['10.244.1.2', 8080]);
  });

  it('keeps a NodePort with externalTrafficPolicy Local on the receiving node\'s endpoints', () => {
    const node = (name: string, ip: string): Obj => ({ metadata: { name }, status: { addresses: [{ type: 'InternalIP', address: ip }] } });
    const objects = withDNS({
      services: [service('web', { type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ name: 'http', port: 80, targetPort: 'http', nodePort: 30080 }] })],
      nodes: [node('worker-1', '172.18.0.3'), node('worker-2', '172.18.0.4')],
      pods: [pod('web-1', '10.244.1.2', 'worker-1')],
      endpointSlices: [slice('web', [{ pod: 'web-1', ip: '10.244.1.2', node: 'worker-1' }])],
    });
    const proxy = new ServiceProxy();
    const local = proxy.route(objects, { url: 'http://172.18.0.3:30080/' }, now);
    assert.deepEqual(local.hops.map((h) => h.kind), ['Node', 'Service', 'Pod']);
    const elsewhere = proxy.route(objects, { url: 'http://172.18.0.4:30080/' }, now);
    assert.equal(elsewhere.outcome === 'error' && elsewhere.error, 'dial tcp 172.18.0.4:30080: i/o timeout');
  });

  it('follows an ExternalName Service out of the cluster, where its name is not found', () => {
    const objects = withDNS({ services: [service('payments', { type: 'ExternalName', externalName: 'pay.example.net', clusterIP: undefined, ports: [] })] });
    const route = new ServiceProxy().route(objects, { url: 'http://payments.shop/' }, now);
    assert.equal(route.outcome === 'error' && route.error, 'dial tcp: lookup pay.example.net: no such host');
    assert.equal(route.hops[0]?.detail, 'payments.shop.svc.cluster.local is a CNAME of pay.example.net: the request leaves the cluster');
  });

  it("answers by the Corefile's hosts entries and pod-record mode, and a hosts block without fallthrough hides the cluster's own names", () => {
    const corefile = (hosts: string, pods: string) =>
      `.:53 {\n    errors\n    hosts {\n       10.96.100.1 storefront.corp\n${hosts}    }\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods ${pods}\n    }\n    forward . /etc/resolv.conf\n}\n`;
    const lists = (text: string) =>
      withDNS({ services: [service('web')], pods: [pod('web-1', '10.244.1.2', 'worker-1')], endpointSlices: [slice('web', [{ pod: 'web-1', ip: '10.244.1.2', node: 'worker-1' }])], corefile: text });
    const outcome = (proxy: ServiceProxy, text: string, url: string) => {
      const route = proxy.route(lists(text), { url }, now);
      return route.outcome === 'pod' ? `${route.pod.name} via ${route.hops[0]!.detail.split(' (port')[0]}` : route.outcome === 'error' ? route.error : route.outcome;
    };
    const proxy = new ServiceProxy();
    const open = corefile('       fallthrough\n', 'verified');
    assert.equal(outcome(proxy, open, 'http://storefront.corp/'), 'web-1 via storefront.corp (Corefile hosts) → 10.96.100.1:80');
    assert.equal(outcome(proxy, open, 'http://web.shop/'), 'web-1 via web.shop.svc.cluster.local → 10.96.100.1:80');
    // verified: a pod record answers only for a pod of that namespace; disabled: never.
    assert.equal(outcome(proxy, open, 'http://10-244-1-2.shop.pod.cluster.local:8080/'), 'web-1 via 10.244.1.2:8080 on worker-1, 10-244-1-2.shop.pod.cluster.local → 10.244.1.2');
    assert.equal(outcome(proxy, open, 'http://10-244-1-2.other.pod.cluster.local:8080/'), 'dial tcp: lookup 10-244-1-2.other.pod.cluster.local: no such host');
    assert.equal(outcome(proxy, corefile('       fallthrough\n', 'disabled'), 'http://10-244-1-2.shop.pod.cluster.local:8080/'), 'dial tcp: lookup 10-244-1-2.shop.pod.cluster.local: no such host');
    // hosts claims every name of its zone ('.', all) that it lacks: the Service's name no longer resolves.
    assert.equal(outcome(proxy, corefile('', 'insecure'), 'http://web.shop/'), 'dial tcp: lookup web.shop: no such host');
    assert.equal(outcome(proxy, corefile('', 'insecure'), 'http://storefront.corp/'), 'web-1 via storefront.corp (Corefile hosts) → 10.96.100.1:80');
    // A Corefile that does not parse: CoreDNS stays on the last that did (here, the one just used).
    assert.equal(outcome(proxy, corefile('', 'sometimes'), 'http://web.shop/'), 'dial tcp: lookup web.shop: no such host');
    assert.equal(outcome(new ServiceProxy(), corefile('', 'sometimes'), 'http://web.shop/'), 'web-1 via web.shop.svc.cluster.local → 10.96.100.1:80', "kubeadm's, before any");
  });

  it("resolves a headless Service's endpoint without a hostname by its dashed address, or with endpoint_pod_names by its pod's name", () => {
    const headless = service('db', { clusterIP: 'None' });
    const text = (option: string) => `.:53 {\n    kubernetes cluster.local {\n       pods insecure\n${option}    }\n}\n`;
    const objects = (option: string) => withDNS({ services: [headless], pods: [pod('db-x7k2p', '10.244.1.7', 'worker-1')], endpointSlices: [slice('db', [{ pod: 'db-x7k2p', ip: '10.244.1.7', node: 'worker-1' }])], corefile: text(option) });
    const reached = (option: string, host: string) => {
      const route = new ServiceProxy().route(objects(option), { url: `http://${host}.db.shop.svc.cluster.local:8080/` }, now);
      return route.outcome === 'pod' ? route.pod.name : route.outcome === 'error' && route.error;
    };
    assert.equal(reached('', '10-244-1-7'), 'db-x7k2p');
    assert.equal(reached('', 'db-x7k2p'), 'dial tcp: lookup db-x7k2p.db.shop.svc.cluster.local: no such host');
    assert.equal(reached('       endpoint_pod_names\n', 'db-x7k2p'), 'db-x7k2p');
    assert.equal(reached('       endpoint_pod_names\n', '10-244-1-7'), 'dial tcp: lookup 10-244-1-7.db.shop.svc.cluster.local: no such host');
  });

  it('resolves no cluster name without the kube-dns Service: the query to the cluster DNS address goes unanswered', () => {
    const objects = networkObjects({ services: [service('web')], pods: [pod('web-1', '10.244.1.2', 'worker-1')], endpointSlices: [slice('web', [{ pod: 'web-1', ip: '10.244.1.2', node: 'worker-1' }])] });
    const route = new ServiceProxy().route(objects, { url: 'http://web.shop/' }, now);
    assert.deepEqual([route.outcome === 'error' && route.error, route.hops], ['dial tcp: lookup web.shop on 10.96.0.10:53: i/o timeout', []]);
    assert.equal(new ServiceProxy().route(objects, { url: 'http://10.96.100.1/' }, now).outcome, 'pod');
  });

  it('sends a host two Ingresses claim for the same path to the older one', () => {
    const ingress = (name: string, created: string, backend: string): Obj => ({ metadata: { namespace: 'shop', name, creationTimestamp: created }, spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend, port: { number: 80 } } } }] } }] } });
    const objects = withDNS({
      ingresses: [ingress('newer', '2026-12-01T10:00:00Z', 'api'), ingress('older', '2026-12-01T09:00:00Z', 'web')],
      services: [service('web'), service('api', { clusterIP: '10.96.100.2' })],
      pods: [pod('web-1', '10.244.1.2', 'worker-1')],
      endpointSlices: [slice('web', [{ pod: 'web-1', ip: '10.244.1.2', node: 'worker-1' }])],
    });
    const route = new ServiceProxy().route(objects, { url: 'http://shop.example.com/' }, now);
    assert.deepEqual(route.hops.map((h) => `${h.kind}/${h.name}`), ['Ingress/older', 'Service/web', 'Pod/web-1']);
  });
});
