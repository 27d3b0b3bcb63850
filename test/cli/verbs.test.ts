// The cluster verbs of `kubeside` (apply, get, describe, logs, events, delete, snapshot) run through
// main() against a served cluster, as a user runs them against `kubeside serve`, and print what
// kubectl would print.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../cli/main';
import { kubeconfig, startServer, type StartedServer } from '../../engine/http/index';
import { kubectlOk, type ServedCluster } from '../http/fixture';

const repo = path.resolve(__dirname, '..', '..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `kubeside ARGS` in-process, with the state directory given and the repository as working directory. */
async function kubeside(state: string, ...args: string[]): Promise<Run> {
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
async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('kubeside cluster verbs', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'kubeside-cli-'));
    dirs.push(d);
    return d;
  };
  let state: string;
  let server: StartedServer | undefined;

  before(async () => {
    state = tempDir();
    server = await startServer({ stateDir: state, seed: 7, workers: 2 });
  });

  after(async () => {
    await server?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('with no cluster serving the kubeconfig\'s address, a verb says so and exits 1', async () => {
    const dead = tempDir();
    // Port 1 is privileged and never served here: the connection is refused.
    writeFileSync(path.join(dead, 'kubeconfig'), kubeconfig({ name: 'kubeside', server: 'https://127.0.0.1:1', caCert: Buffer.from(server!.caData, 'base64').toString(), token: 'x', user: 'admin' }));
    const r = await kubeside(dead, 'get', 'pods');
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'kubeside: no cluster is running at https://127.0.0.1:1; start one with "kubeside serve"\n');
    const never = await kubeside(path.join(dead, 'never-served'), 'events');
    assert.equal(never.code, 1);
    assert.match(never.stderr, /^kubeside: no cluster is running at .*never-served \(no kubeconfig there\); start one with "kubeside serve"\n$/);
  });

  it('apply -f examples/shop: every object server-side applied, the namespace first', async () => {
    const r = await kubeside(state, 'apply', '-f', 'examples/shop');
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'namespace/shop serverside-applied');
    for (const name of ['deployment.apps/web', 'service/web', 'ingress.networking.k8s.io/shop', 'configmap/api-config', 'secret/api-credentials', 'deployment.apps/api', 'statefulset.apps/db']) {
      assert.ok(lines.includes(`${name} serverside-applied`), `${name} in:\n${r.stdout}`);
    }
    // The field manager is kubeside's, as the server records it.
    const web = server!.client.get({ group: 'apps', version: 'v1', resource: 'deployments' }, 'shop', 'web');
    assert.ok((web.metadata?.managedFields ?? []).some((f: { manager?: string; operation?: string }) => f.manager === 'kubeside' && f.operation === 'Apply'));
  });

  it('apply of an invalid object: the server\'s error with the file name, exit 1', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_Valid\n  namespace: shop\n');
    const r = await kubeside(state, 'apply', '-f', file);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error from server \(Invalid\): error when applying ".*bad\.yaml": ConfigMap "Not_Valid" is invalid: metadata\.name: Invalid value: "Not_Valid"/);
  });

  it('apply without force: a field another manager owns is a Conflict, reported with the file', async () => {
    await server!.client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned', namespace: 'shop' }, data: { mode: 'fast' } }, 'someone-else');
    const dir = tempDir();
    writeFileSync(path.join(dir, 'owned.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\n  namespace: shop\ndata:\n  mode: safe\n');
    const r = await kubeside(state, 'apply', '-f', path.join(dir, 'owned.yaml'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error from server \(Conflict\): error when applying ".*owned\.yaml": Apply failed with 1 conflict: conflict with "someone-else"/);
  });

  it('apply of a CRD and its custom resource from one folder, then get by the CRD\'s short name with its columns', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'a-crd.yaml'),
      `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names: { plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct] }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, properties: { cronSpec: { type: string } } }
      additionalPrinterColumns:
        - { name: Spec, type: string, jsonPath: .spec.cronSpec }
`,
    );
    // The custom resource comes first in the folder: apply still applies the CRD before it.
    writeFileSync(path.join(dir, '0-tab.yaml'), 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: nightly\n  namespace: shop\nspec:\n  cronSpec: "0 3 * * *"\n');
    const r = await kubeside(state, 'apply', '-f', dir);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com serverside-applied\ncrontab.stable.example.com/nightly serverside-applied\n');
    const tabs = await kubeside(state, 'get', 'ct', '-n', 'shop');
    // Only the declared columns beside NAME: a CRD that wants AGE declares it, as in Kubernetes.
    assert.equal(tabs.stdout, 'NAME      SPEC\nnightly   0 3 * * *\n');
  });

  it('get deploy -n shop: the Deployment columns, once web is available', async () => {
    await eventually('web has 2 available replicas', async () => /^web\s+2\/2\s+2\s+2\s/m.test((await kubeside(state, 'get', 'deploy', '-n', 'shop')).stdout));
    const r = await kubeside(state, 'get', 'deploy', '-n', 'shop');
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^NAME   READY   UP-TO-DATE   AVAILABLE   AGE$/);
    assert.match(r.stdout, /^web    2\/2     2            2           \d+s$/m);
    assert.match(r.stdout, /^api    \d\/2 /m);
  });

  it('get pods -o wide: the priority columns too (IP, node)', async () => {
    const r = await kubeside(state, 'get', 'pods', '-n', 'shop', '-l', 'app.kubernetes.io/name=web', '-o', 'wide');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m);
    const rows = r.stdout.trimEnd().split('\n').slice(1);
    assert.equal(rows.length, 2, r.stdout);
    for (const row of rows) assert.match(row, /^web-[a-z0-9]+-[a-z0-9]+\s+1\/1\s+Running\s+0\s+\d+s\s+10\.244\.\d+\.\d+\s+worker-\d+\s+<none>\s+<none>$/);
  });

  it('get all -n shop: one table per type, names as kind/name, blank lines between', async () => {
    const r = await kubeside(state, 'get', 'all', '-n', 'shop');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^pod\/web-\S+\s+1\/1\s+Running/m);
    assert.match(r.stdout, /^service\/web\s+ClusterIP\s+10\.\d+\.\d+\.\d+/m);
    assert.match(r.stdout, /^deployment\.apps\/web\s+2\/2/m);
    assert.match(r.stdout, /^replicaset\.apps\/web-[a-z0-9]+\s+2\s+2\s+2/m);
    assert.match(r.stdout, /^statefulset\.apps\/db\s/m);
    assert.match(r.stdout, /\n\nNAME\s+TYPE\s+CLUSTER-IP/);
  });

  it('get -o yaml, -o name, and a namespace with nothing in it', async () => {
    const yaml = await kubeside(state, 'get', 'deploy', 'web', '-n', 'shop', '-o', 'yaml');
    assert.match(yaml.stdout, /^apiVersion: apps\/v1\nkind: Deployment\n/);
    const names = await kubeside(state, 'get', 'svc', '-n', 'shop', '-o', 'name');
    assert.deepEqual(names.stdout.trimEnd().split('\n').sort(), ['service/api', 'service/db', 'service/web']);
    const empty = await kubeside(state, 'get', 'pods', '-n', 'default');
    assert.equal(empty.code, 0);
    assert.equal(empty.stdout, '');
    assert.equal(empty.stderr, 'No resources found in default namespace.\n');
    const missing = await kubeside(state, 'get', 'deploy', 'nope', '-n', 'shop');
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.equal(missing.stderr, 'Error from server (NotFound): deployments.apps "nope" not found\n');
    // What is found is printed, what is not is reported after it.
    const some = await kubeside(state, 'get', 'deploy', 'web', 'nope', '-n', 'shop');
    assert.equal(some.code, 1);
    assert.match(some.stdout, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nweb\s+2\/2\s+2\s+2\s+\d+s\n$/);
    assert.equal(some.stderr, 'Error from server (NotFound): deployments.apps "nope" not found\n');
  });

  it('get -w: the list, then a row for each change, until the request times out', async () => {
    const watching = kubeside(state, 'get', 'pods', '-n', 'shop', '-l', 'app=watched', '-w', '--request-timeout', '2s');
    await new Promise((r) => setTimeout(r, 300));
    await server!.client.create({ group: '', version: 'v1', resource: 'pods' }, 'shop', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'watched', namespace: 'shop', labels: { app: 'watched' } }, spec: { containers: [{ name: 'sh', image: 'busybox', command: ['sleep', '3600'] }] } });
    const r = await watching;
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    // No pod matched when the watch began: the header comes with the first change, the pod's creation.
    assert.match(lines[0]!, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    assert.match(lines[1]!, /^watched\s+0\/1\s+Pending\s+0\s+0s$/);
    assert.match(r.stdout, /^watched\s+1\/1\s+Running\s+0\s+\d+s$/m);
  });

  it('--kubeconfig: a verb talks to the cluster that kubeconfig names, whatever the state directory', async () => {
    const r = await kubeside(path.join(tempDir(), 'elsewhere'), 'get', 'ns', 'shop', '-o', 'name', '--kubeconfig', server!.kubeconfigPath);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'namespace/shop\n');
  });

  it('describe deploy web: the Replicas line, strategy, conditions and the deployment\'s events', async () => {
    const r = await kubeside(state, 'describe', 'deploy', 'web', '-n', 'shop');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Name:\s+web\nNamespace:\s+shop\nCreationTimestamp:\s+\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000\n/);
    assert.match(r.stdout, /^Labels:\s+app\.kubernetes\.io\/name=web\n\s+app\.kubernetes\.io\/part-of=shop$/m);
    assert.match(r.stdout, /^Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable$/m);
    assert.match(r.stdout, /^StrategyType:\s+RollingUpdate$/m);
    assert.match(r.stdout, /^\s+Available\s+True\s+MinimumReplicasAvailable$/m);
    assert.match(r.stdout, /^NewReplicaSet:\s+web-[a-z0-9]+ \(2\/2 replicas created\)$/m);
    assert.match(r.stdout, /^Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message\n\s+----\s+------/m);
    assert.match(r.stdout, /^\s+Normal\s+ScalingReplicaSet\s+\d+s\s+deployment-controller\s+Scaled up replica set web-[a-z0-9]+ from 0 to 2$/m);
  });

  it('describe statefulset and replicaset: replicas, the phases of their pods, the pod template', async () => {
    const sts = await kubeside(state, 'describe', 'sts', 'db', '-n', 'shop');
    assert.equal(sts.code, 0, sts.stderr);
    assert.match(sts.stdout, /^Replicas:\s+3 desired \| [1-3] total$/m);
    assert.match(sts.stdout, /^Pods Status:\s+\d Running \/ \d Waiting \/ 0 Succeeded \/ 0 Failed$/m);
    assert.match(sts.stdout, /^Pod Template:\n  Labels:\s+app\.kubernetes\.io\/name=db$/m);
    const rsName = (await kubeside(state, 'get', 'rs', '-n', 'shop', '-l', 'app.kubernetes.io/name=web', '-o', 'name')).stdout.trim();
    const rs = await kubeside(state, 'describe', rsName, '-n', 'shop');
    assert.match(rs.stdout, /^Controlled By:\s+Deployment\/web$/m);
    assert.match(rs.stdout, /^Replicas:\s+2 current \/ 2 desired$/m);
    assert.match(rs.stdout, /^Pods Status:\s+2 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m);
    assert.match(rs.stdout, /^  Normal\s+SuccessfulCreate\s+\S+\s+replicaset-controller\s+Created pod: web-/m);
  });

  it('describe configmap shows its data; describe secret only the size of each value', async () => {
    const cm = await kubeside(state, 'describe', 'cm', 'api-config', '-n', 'shop');
    assert.match(cm.stdout, /^Data\n====\nDB_HOST:\n----\ndb-0\.db\.shop\.svc\.cluster\.local\n\nLOG_LEVEL:\n----\ninfo\n/m);
    const secret = await kubeside(state, 'describe', 'secret', 'api-credentials', '-n', 'shop');
    assert.match(secret.stdout, /^Type:\s+Opaque$/m);
    assert.match(secret.stdout, /^Data\n====\nDB_PASSWORD:\s+11 bytes\nDB_USER:\s+4 bytes\n/m);
    assert.doesNotMatch(secret.stdout, /s3cr3t|czNjcjN0/);
  });

  it('describe pod: node, IP, each container\'s image, state and readiness, then its events', async () => {
    const pods = (await kubeside(state, 'get', 'pods', '-n', 'shop', '-l', 'app.kubernetes.io/name=web', '-o', 'name')).stdout.trimEnd().split('\n');
    const r = await kubeside(state, 'describe', pods[0]!, '-n', 'shop');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Node:\s+worker-\d+\/\S+$/m);
    assert.match(r.stdout, /^IP:\s+10\.244\.\d+\.\d+$/m);
    assert.match(r.stdout, /^Status:\s+Running$/m);
    assert.match(r.stdout, /^\s+Image:\s+nginx:1\.27\.3$/m);
    assert.match(r.stdout, /^\s+State:\s+Running$/m);
    assert.match(r.stdout, /^\s+Ready:\s+True$/m);
    assert.match(r.stdout, /^    Limits:\n      cpu:\s+250m\n      memory:\s+128Mi$/m);
    assert.match(r.stdout, /^\s+Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned shop\/web-/m);
  });

  it('describe svc web: type, cluster IP, ports and the ready endpoints behind them', async () => {
    const r = await kubeside(state, 'describe', 'svc', 'web', '-n', 'shop');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Type:\s+ClusterIP$/m);
    assert.match(r.stdout, /^IP:\s+10\.\d+\.\d+\.\d+$/m);
    assert.match(r.stdout, /^Port:\s+http  80\/TCP$/m);
    assert.match(r.stdout, /^Endpoints:\s+10\.244\.\d+\.\d+:80,10\.244\.\d+\.\d+:80$/m);
    assert.match(r.stdout, /^Events:  <none>$/m);
  });

  it("describe svc of a load-balanced Service prints kubectl's fields, in kubectl's order and words", async () => {
    const served: ServedCluster = { started: server!, stateDir: state, close: async () => {} };
    const manifests = [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'edge', namespace: 'shop' }, spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', loadBalancerSourceRanges: ['10.0.0.0/8'], externalIPs: ['192.0.2.10'], selector: { app: 'edge' }, ports: [{ name: 'http', port: 80 }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'fixed', namespace: 'shop' }, spec: { type: 'LoadBalancer', loadBalancerIP: '172.18.255.210', ports: [{ port: 80 }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db-ext', namespace: 'shop' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } },
    ];
    for (const m of manifests) await kubectlOk(served, ['apply', '-f', '-'], JSON.stringify(m));
    await eventually('both load balancers have addresses', async () => /LoadBalancer Ingress/.test(await kubectlOk(served, ['describe', 'svc', 'fixed', '-n', 'shop'])) && /LoadBalancer Ingress/.test(await kubectlOk(served, ['describe', 'svc', 'edge', '-n', 'shop'])));
    // Every line from Selector to Events, with the padding after each colon collapsed.
    const fields = (out: string) => out.slice(out.indexOf('Selector:'), out.indexOf('Events:')).trimEnd().split('\n').map((l) => l.replace(/:\s+/, ': ').trimEnd());
    for (const name of ['edge', 'fixed', 'db-ext']) {
      const ours = await kubeside(state, 'describe', 'svc', name, '-n', 'shop');
      assert.equal(ours.code, 0, ours.stderr);
      assert.deepEqual(fields(ours.stdout), fields(await kubectlOk(served, ['describe', 'svc', name, '-n', 'shop'])), name);
    }
    assert.match((await kubeside(state, 'describe', 'svc', 'edge', '-n', 'shop')).stdout, /^LoadBalancer Ingress:\s+172\.18\.255\.\d+ \(VIP\)$/m);
  });

  it('describe node: roles, conditions, addresses, capacity, and the events the kubelet recorded for it', async () => {
    const r = await kubeside(state, 'describe', 'node', 'worker-1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Name:\s+worker-1\nCreationTimestamp:/m);
    assert.match(r.stdout, /^Roles:\s+<none>$/m);
    assert.match(r.stdout, /^  Ready\s+True\s+\w{3}, .*\+0000\s+\w{3}, .*\+0000\s+KubeletReady\s+kubelet is posting ready status$/m);
    assert.match(r.stdout, /^Addresses:\n  InternalIP:\s+\d+\.\d+\.\d+\.\d+\n  Hostname:\s+worker-1$/m);
    assert.match(r.stdout, /^Capacity:\n(  \S+:\s+\S+\n)*  pods:\s+110$/m);
    assert.match(r.stdout, /^  Normal\s+NodeReady\s+\S+\s+kubelet\s+Node worker-1 status is now: NodeReady$/m);
    assert.match((await kubeside(state, 'describe', 'node', 'control-plane')).stdout, /^Roles:\s+control-plane$/m);
  });

  it('logs: a container\'s output, and --tail', async () => {
    await server!.client.create({ group: '', version: 'v1', resource: 'pods' }, 'shop', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'talker', namespace: 'shop' }, spec: { containers: [{ name: 'sh', image: 'busybox', command: ['sh', '-c', 'echo one; echo two; sleep 3600'] }] } });
    await eventually('talker runs', async () => /^talker\s+1\/1\s+Running/m.test((await kubeside(state, 'get', 'pod', 'talker', '-n', 'shop')).stdout));
    const all = await kubeside(state, 'logs', 'talker', '-n', 'shop');
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stdout, 'one\ntwo\n');
    assert.equal((await kubeside(state, 'logs', 'talker', '-n', 'shop', '--tail', '1')).stdout, 'two\n');
    const missing = await kubeside(state, 'logs', 'nowhere', '-n', 'shop');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'error: error from server (NotFound): pods "nowhere" not found in namespace "shop"\n');
  });

  it('logs -f: streams the log as it grows and ends when the container does', async () => {
    await server!.client.create({ group: '', version: 'v1', resource: 'pods' }, 'shop', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'counter', namespace: 'shop' }, spec: { restartPolicy: 'Never', containers: [{ name: 'sh', image: 'busybox', command: ['sh', '-c', 'echo first; sleep 2; echo last'] }] } });
    await eventually('counter starts', async () => /^first$/m.test((await kubeside(state, 'logs', 'counter', '-n', 'shop')).stdout));
    const followed = await kubeside(state, 'logs', 'counter', '-n', 'shop', '-f');
    assert.equal(followed.code, 0, followed.stderr);
    // The whole log, including the line written after following began: the stream lasted until the container ended.
    assert.equal(followed.stdout, 'first\nlast\n');
    // The kubelet reports the ended container in the pod's status soon after.
    await eventually('counter completes', async () => /^counter\s+0\/1\s+Completed/m.test((await kubeside(state, 'get', 'pod', 'counter', '-n', 'shop')).stdout), 10_000);
  });

  it('events -n shop: LAST SEEN TYPE REASON OBJECT MESSAGE, oldest first', async () => {
    const r = await kubeside(state, 'events', '-n', 'shop');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    assert.match(r.stdout, /^\d+s\s+Normal\s+ScalingReplicaSet\s+Deployment\/web\s+Scaled up replica set web-/m);
    assert.match(r.stdout, /^\d+s\s+Normal\s+Scheduled\s+Pod\/talker\s+Successfully assigned shop\/talker to worker-\d+$/m);
    // The Deployment scaled its replica set before the talker pod was even created.
    const index = (re: RegExp) => lines.findIndex((l) => re.test(l));
    assert.ok(index(/ScalingReplicaSet\s+Deployment\/web/) < index(/Scheduled\s+Pod\/talker/), r.stdout);
  });

  it('audit: every write so far with who made it and its result, reads left out; only admins may look', async () => {
    const r = await kubeside(state, 'audit');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^TIME\s+USER\s+VERB\s+RESOURCE\s+NAME\s+CODE$/);
    // The shop applied by the user, the pods the controller manager made, the bindings the scheduler made.
    assert.match(r.stdout, /^\S+Z\s+kubeside-admin\s+patch\s+deployments\.apps\s+shop\/web\s+(200|201)$/m);
    assert.match(r.stdout, /^\S+Z\s+system:kube-controller-manager\s+create\s+pods\s+shop\/\s+201$/m);
    assert.match(r.stdout, /^\S+Z\s+system:kube-scheduler\s+create\s+pods\/binding\s+shop\/\S+\s+201$/m);
    assert.doesNotMatch(r.stdout, /\s(get|list|watch)\s/);
    const last = await kubeside(state, 'audit', '--tail', '1', '-o', 'json');
    assert.equal(JSON.parse(last.stdout).items.length, 1);
    const dir = tempDir();
    server!.cluster.authenticator.add('bob-token-0123456789ab', { name: 'bob', groups: ['system:authenticated'] });
    writeFileSync(path.join(dir, 'kubeconfig'), kubeconfig({ name: 'kubeside', server: server!.url, caCert: Buffer.from(server!.caData, 'base64').toString(), token: 'bob-token-0123456789ab', user: 'bob' }));
    const denied = await kubeside(dir, 'audit');
    assert.equal(denied.code, 1);
    assert.equal(denied.stderr, 'Error from server (Forbidden): forbidden: User "bob" cannot get path "/kubeside/v1/audit"\n');
  });

  it('snapshot save as a user who is no admin: Forbidden, and no file is left', async () => {
    const dir = tempDir();
    server!.cluster.authenticator.add('alice-token-0123456789', { name: 'alice', groups: ['system:authenticated'] });
    writeFileSync(path.join(dir, 'kubeconfig'), kubeconfig({ name: 'kubeside', server: server!.url, caCert: Buffer.from(server!.caData, 'base64').toString(), token: 'alice-token-0123456789', user: 'alice' }));
    const file = path.join(dir, 'stolen.snap');
    const r = await kubeside(dir, 'snapshot', 'save', file);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (Forbidden): forbidden: User "alice" cannot get path "/kubeside/v1/snapshot"\n');
    assert.deepEqual(readdirSync(dir), ['kubeconfig']);
  });

  it('delete -f: removes what the manifest names and prints each', async () => {
    const r = await kubeside(state, 'delete', '-f', 'examples/shop/10-web.yaml');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'deployment.apps "web" deleted from shop namespace\nservice "web" deleted from shop namespace\ningress.networking.k8s.io "shop" deleted from shop namespace\n');
    const again = await kubeside(state, 'delete', 'deploy', 'web', '-n', 'shop');
    assert.equal(again.code, 1);
    assert.equal(again.stderr, 'Error from server (NotFound): deployments.apps "web" not found\n');
    // A cluster-scoped object has no namespace to name.
    await server!.client.create({ group: '', version: 'v1', resource: 'namespaces' }, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'scratch' } });
    assert.equal((await kubeside(state, 'delete', 'ns', 'scratch')).stdout, 'namespace "scratch" deleted\n');
  });

  it('snapshot save, stop, restore into a new state directory, serve: the shop is there', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'shop.snap');
    const saved = await kubeside(state, 'snapshot', 'save', file);
    assert.equal(saved.code, 0, saved.stderr);
    assert.match(saved.stdout, /^Snapshot saved at .*shop\.snap \(revision \d+\)\n$/);
    const revision = Number(/revision (\d+)/.exec(saved.stdout)![1]);

    // While the cluster runs, its state directory is not restored over.
    const refused = await kubeside(state, 'snapshot', 'restore', file);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /is running \(process \d+\); stop it before restoring a snapshot/);

    await server!.close();
    server = undefined;
    const restoredState = path.join(dir, 'restored');
    const restored = await kubeside(restoredState, 'snapshot', 'restore', file);
    assert.equal(restored.code, 0, restored.stderr);
    assert.equal(restored.stdout, `Snapshot restored into ${restoredState} (revision ${revision}); start it with "kubeside serve"\n`);
    // Restoring again keeps the store it replaces.
    assert.equal((await kubeside(restoredState, 'snapshot', 'restore', file)).code, 0);
    assert.ok(readdirSync(restoredState).some((n) => /^store\.bak-\d{8}T\d{6}Z$/.test(n)), readdirSync(restoredState).join(' '));

    server = await startServer({ stateDir: restoredState, seed: 8, workers: 2 });
    const deploys = await kubeside(restoredState, 'get', 'deploy', '-n', 'shop');
    assert.match(deploys.stdout, /^api\s/m);
    assert.doesNotMatch(deploys.stdout, /^web\s/m);
    assert.match((await kubeside(restoredState, 'get', 'configmap', 'api-config', '-n', 'shop', '-o', 'name')).stdout, /^configmap\/api-config$/m);
    assert.ok(existsSync(path.join(restoredState, 'kubeconfig')));
  });
});
