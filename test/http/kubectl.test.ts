// The real kubectl (v1.35) against `kubeside serve`'s REST API: what a user types, and what kubectl
// prints back. exec, attach and port-forward have their own files (exec.test.ts, portForward.test.ts).
import * as assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { kubectl, kubectlInTerminal, kubectlOk, kubectlStream, serveCluster, type ServedCluster } from './fixture';

const shop = path.resolve(__dirname, '../../examples/shop');

describe('kubectl against kubeside serve', function () {
  this.timeout(30_000);
  let cluster: ServedCluster;

  before(async () => {
    cluster = await serveCluster();
  });
  after(async () => {
    await cluster?.close();
  });

  const run = (...args: string[]) => kubectlOk(cluster, args);
  const jsonpath = (resource: string, namespace: string, expr: string) => run('get', resource, '-n', namespace, '-o', `jsonpath=${expr}`);

  it('version: reports the server as Kubernetes 1.36, kubeside build', async () => {
    const out = await run('version');
    assert.match(out, /^Client Version: v1\.35\./m);
    assert.match(out, /^Server Version: v1\.36\.0-kubeside$/m);
  });

  it('api-resources: lists pods and deployments with their short names, from aggregated discovery', async () => {
    const out = await run('api-resources');
    assert.match(out, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/m);
    assert.match(out, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(out, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(out, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
  });

  it('explain: describes deployment.spec.strategy from the OpenAPI v3 document', async () => {
    const out = await run('explain', 'deployment.spec.strategy');
    assert.match(out, /^GROUP:\s+apps$/m);
    assert.match(out, /^FIELD: strategy <DeploymentStrategy>$/m);
    assert.match(out, /^ {2}rollingUpdate\t<RollingUpdateDeployment>$/m);
    assert.match(out, /^ {2}type\t<string>$/m);
  });

  it('apply -f: creates the shop client-side, and a second apply changes nothing', async () => {
    const first = await run('apply', '-f', shop);
    for (const line of ['namespace/shop created', 'deployment.apps/web created', 'service/web created', 'ingress.networking.k8s.io/shop created', 'configmap/api-config created', 'secret/api-credentials created', 'statefulset.apps/db created']) {
      assert.ok(first.includes(line), `missing "${line}" in:\n${first}`);
    }
    const second = await run('apply', '-f', shop);
    assert.match(second, /^deployment\.apps\/web unchanged$/m);
    assert.match(second, /^service\/db unchanged$/m);
  });

  it('apply -f with a misspelt field: the server refuses it as kube-apiserver does, naming the field', async () => {
    const file = path.join(cluster.stateDir, 'typo.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\n  namespace: default\ndate:\n  level: info\n');
    const refused = await kubectl(cluster, ['apply', '-f', file]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.trim(), `Error from server (BadRequest): error when creating "${file}": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "date"`);
    // Told to warn instead, kubectl shows the server's warning and the object is created without the field.
    const warned = await kubectl(cluster, ['apply', '--validate=warn', '-f', file]);
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /^Warning: unknown field "date"$/m);
    assert.equal(await run('get', 'configmap', 'typo', '-o', 'jsonpath={.data}'), '');
  });

  it('apply -f with a value of the wrong type: refused before validation, in the decoder\'s words', async () => {
    const file = path.join(cluster.stateDir, 'env.yaml');
    const container = '      containers:\n      - name: web\n        image: nginx:1.27\n        env:\n        - name: DEBUG\n          value: false\n';
    writeFileSync(file, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: typed\n  namespace: default\nspec:\n  selector:\n    matchLabels: {app: typed}\n  template:\n    metadata:\n      labels: {app: typed}\n    spec:\n${container}`);
    const refused = await kubectl(cluster, ['apply', '-f', file]);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr.trim(),
      `Error from server (BadRequest): error when creating "${file}": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal bool into Go struct field EnvVar.spec.template.spec.containers.env.value of type string`,
    );
    assert.equal((await kubectl(cluster, ['get', 'deployment', 'typed'])).code, 1, 'nothing was created');
    // kubectl patch sends a strategic merge patch: its result is refused in the unstructured converter's words.
    await run('create', 'deployment', 'typed', '--image=nginx:1.27');
    const patched = await kubectl(cluster, ['patch', 'deployment', 'typed', '-p', '{"spec":{"replicas":"three"}}']);
    assert.equal(patched.code, 1);
    assert.equal(patched.stderr.trim(), 'The request is invalid: patch: Invalid value: "map[spec:map[replicas:three]]": unrecognized type: int32');
    await run('delete', 'deployment', 'typed');
  });

  it('apply -f of a kind the v3 documents lack: kubectl falls back to the protobuf v2 document, validates with it, and names what is missing', async () => {
    // A group version no CRD has installed: kubectl reads /openapi/v2 (protobuf), finds no schema,
    // and reports the missing mapping after creating the rest, as against kube-apiserver.
    const crdless = path.join(cluster.stateDir, 'crdless.yaml');
    writeFileSync(crdless, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: before-certificate\n  namespace: default\n---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web\n  namespace: default\nspec:\n  secretName: web-tls\n');
    const missing = await kubectl(cluster, ['apply', '-f', crdless]);
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /^configmap\/before-certificate created$/m);
    assert.equal(missing.stderr.trim(), `error: resource mapping not found for name: "web" namespace: "default" from "${crdless}": no matches for kind "Certificate" in version "cert-manager.io/v1"\nensure CRDs are installed first`);
    // A kind of the spec this server does not serve is validated client-side with the v2 schema:
    // both mistakes are found, by field and by type, before anything is sent.
    const deviceClass = path.join(cluster.stateDir, 'deviceclass.yaml');
    writeFileSync(deviceClass, 'apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata:\n  name: gpu\nspec:\n  selectors: all\n  selector: []\n');
    const invalid = await kubectl(cluster, ['apply', '-f', deviceClass]);
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /ValidationError\(DeviceClass\.spec\): unknown field "selector" in io\.k8s\.api\.resource\.v1\.DeviceClassSpec/);
    assert.match(invalid.stderr, /invalid type for io\.k8s\.api\.resource\.v1\.DeviceClassSpec\.selectors: got "string", expected "array"/);
  });

  it('apply -f of a Service whose type changes: node ports come and go, the cluster IP stays', async () => {
    const file = path.join(cluster.stateDir, 'edge.yaml');
    const manifest = (type: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: edge\n  namespace: default\nspec:\n  type: ${type}\n  selector:\n    app: edge\n  ports:\n  - port: 80\n`;
    writeFileSync(file, manifest('ClusterIP'));
    await run('apply', '-f', file);
    const ip = await jsonpath('service/edge', 'default', '{.spec.clusterIP}');
    writeFileSync(file, manifest('NodePort'));
    assert.match(await run('apply', '-f', file), /^service\/edge configured$/m);
    assert.match(await jsonpath('service/edge', 'default', '{.spec.ports[0].nodePort}'), /^3\d{4}$/);
    writeFileSync(file, manifest('ClusterIP'));
    assert.match(await run('apply', '-f', file), /^service\/edge configured$/m);
    assert.equal(await jsonpath('service/edge', 'default', '{.spec.clusterIP} {.spec.ports[0].nodePort} {.spec.externalTrafficPolicy}'), `${ip}  `);
    // replace sends the manifest whole, without what the server allocated: it is kept.
    assert.match(await run('replace', '-f', file), /^service\/edge replaced$/m);
    assert.equal(await jsonpath('service/edge', 'default', '{.spec.clusterIP}'), ip);
  });

  it('apply --server-side: kubectl becomes a field manager of objects it created client-side', async () => {
    const out = await run('apply', '--server-side', '-f', path.join(shop, '00-namespace.yaml'));
    assert.match(out, /^namespace\/shop serverside-applied$/m);
    const managers = await run('get', 'namespace', 'shop', '--show-managed-fields', '-o', 'jsonpath={.metadata.managedFields[*].manager}');
    assert.ok(managers.split(' ').includes('kubectl'), managers);
  });

  it('wait and rollout status: the applied shop runs — a pod gets Ready, the web Deployment rolls out', async () => {
    await kubectlOk(cluster, ['apply', '-n', 'shop', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug' }, spec: { containers: [{ name: 'sh', image: 'busybox', command: ['sleep', '3600'] }] } }));
    assert.match(await run('wait', '--for=condition=Ready', 'pod/debug', '-n', 'shop', '--timeout=60s'), /^pod\/debug condition met$/m);
    assert.match(await run('rollout', 'status', 'deploy/web', '-n', 'shop', '--timeout=15s'), /deployment "web" successfully rolled out/);
    assert.match(await run('wait', '--for=condition=Available', 'deploy/api', '-n', 'shop', '--timeout=60s'), /^deployment\.apps\/api condition met$/m);
  });

  it('logs: reads a container log through pods/log, and -f streams it', async () => {
    await kubectlOk(cluster, ['apply', '-n', 'shop', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'talker' }, spec: { containers: [{ name: 'sh', image: 'busybox', command: ['sh', '-c', 'echo hello from kubeside; sleep 3600'] }] } }));
    await run('wait', '--for=condition=Ready', 'pod/talker', '-n', 'shop', '--timeout=60s');
    assert.match(await run('logs', 'talker', '-n', 'shop'), /^hello from kubeside$/m);
    const follow = await kubectlStream(cluster, ['logs', '-f', 'deploy/web', '-n', 'shop']);
    try {
      await follow.waitFor(/listening on 10\.244\.\d+\.\d+/);
    } finally {
      follow.child.kill();
    }
    const unbound = await kubectl(cluster, ['logs', 'nowhere', '-n', 'shop']);
    assert.equal(unbound.code, 1);
    assert.match(unbound.stderr, /pods "nowhere" not found/);
  });

  it('get pods,deploy,svc: prints the server-side tables kubectl shows', async () => {
    const out = await run('get', 'pods,deploy,svc', '-n', 'shop');
    assert.match(out, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    assert.match(out, /^pod\/debug\s+1\/1\s+Running\s+0\s+\d+s$/m);
    assert.match(out, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    assert.match(out, /^deployment\.apps\/web\s+2\/2\s+2\s+2\s+\d+s$/m);
    assert.match(out, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    assert.match(out, /^service\/db\s+ClusterIP\s+None\s+<none>\s+5432\/TCP\s+\d+s$/m);
  });

  it('get -o wide: adds the priority columns (containers, images, selector; IP and node for pods)', async () => {
    const deploys = await run('get', 'deploy', '-n', 'shop', '-o', 'wide');
    assert.match(deploys, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
    assert.match(deploys, /^web\s+2\/2\s+2\s+2\s+\d+s\s+web\s+nginx:1\.27\.3\s+app\.kubernetes\.io\/name=web$/m);
    const pods = await run('get', 'pods', '-n', 'shop', '-o', 'wide');
    assert.match(pods, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/m);
    assert.match(pods, /^debug\s+1\/1\s+Running\s+0\s+\d+s\s+10\.244\.\d+\.\d+\s+worker-\d+\s+<none>\s+<none>$/m);
  });

  it('get all -A: lists every resource of the "all" category in every namespace', async () => {
    const out = await run('get', 'all', '-A');
    assert.match(out, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/m);
    assert.match(out, /^shop\s+pod\/debug\s+1\/1\s+Running/m);
    assert.match(out, /^shop\s+service\/api\s+ClusterIP/m);
    assert.match(out, /^shop\s+deployment\.apps\/api\s+2\/2/m);
    assert.match(out, /^shop\s+statefulset\.apps\/db\s+\d\/3/m);
  });

  it('describe deploy: reads the deployment, its replica sets and its events', async () => {
    const out = await run('describe', 'deploy', 'web', '-n', 'shop');
    assert.match(out, /^Name:\s+web$/m);
    assert.match(out, /^Namespace:\s+shop$/m);
    assert.match(out, /^Replicas:\s+2 desired \| 2 updated \| 2 total \| 2 available \| 0 unavailable$/m);
    assert.match(out, /^StrategyType:\s+RollingUpdate$/m);
    assert.match(out, /^\s+Image:\s+nginx:1\.27\.3$/m);
    assert.match(out, /^NewReplicaSet:\s+web-[a-z0-9]+ \(2\/2 replicas created\)$/m);
    assert.match(out, /^\s+Normal\s+ScalingReplicaSet\s+.*deployment-controller\s+Scaled up replica set web-[a-z0-9]+ from 0 to 2$/m);
  });

  it('scale: sets replicas through the scale subresource', async () => {
    assert.match(await run('scale', 'deploy', 'web', '-n', 'shop', '--replicas=5'), /^deployment\.apps\/web scaled$/m);
    assert.equal(await jsonpath('deploy/web', 'shop', '{.spec.replicas}'), '5');
  });

  it('patch: strategic merge, JSON merge and JSON patches each change the object', async () => {
    assert.match(await run('patch', 'deploy', 'web', '-n', 'shop', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}}}'), /^deployment\.apps\/web patched$/m);
    assert.equal(await jsonpath('deploy/web', 'shop', '{.spec.template.spec.containers[*].name} {.spec.template.spec.containers[0].image}'), 'web nginx:1.28');
    await run('patch', 'deploy', 'web', '-n', 'shop', '--type=merge', '-p', '{"spec":{"minReadySeconds":7}}');
    assert.equal(await jsonpath('deploy/web', 'shop', '{.spec.minReadySeconds}'), '7');
    await run('patch', 'deploy', 'web', '-n', 'shop', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":3}]');
    assert.equal(await jsonpath('deploy/web', 'shop', '{.spec.replicas}'), '3');
  });

  it('label and annotate: add metadata, and refuse to overwrite without --overwrite', async () => {
    assert.match(await run('label', 'deploy', 'web', '-n', 'shop', 'tier=frontend'), /^deployment\.apps\/web labeled$/m);
    assert.match(await run('annotate', 'deploy', 'web', '-n', 'shop', 'owner=team-a'), /^deployment\.apps\/web annotated$/m);
    assert.equal(await jsonpath('deploy/web', 'shop', '{.metadata.labels.tier} {.metadata.annotations.owner}'), 'frontend team-a');
    const again = await kubectl(cluster, ['label', 'deploy', 'web', '-n', 'shop', 'tier=backend']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /'tier' already has a value \(frontend\), and --overwrite is false/);
  });

  it('diff -f: exits 1 and shows the change when the manifest differs from the cluster', async () => {
    const changed = path.join(cluster.stateDir, 'db-changed.yaml');
    writeFileSync(changed, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api-config', namespace: 'shop' }, data: { LOG_LEVEL: 'debug' } }));
    const r = await kubectl(cluster, ['diff', '-f', changed]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^\+ {2}LOG_LEVEL: debug$/m);
    // Only what the manifest changes: a dry run keeps the live object's resourceVersion.
    assert.doesNotMatch(r.stdout, /resourceVersion/);
    const same = await kubectl(cluster, ['diff', '-f', path.join(shop, '00-namespace.yaml')]);
    assert.equal(same.code, 0, same.stdout + same.stderr);
  });

  it('get --watch: prints the list, then each change as it happens', async () => {
    const watch = await kubectlStream(cluster, ['get', 'deploy', '-n', 'shop', '--watch']);
    try {
      await watch.waitFor(/^api\s+2\/2\s/m);
      await run('scale', 'deploy', 'api', '-n', 'shop', '--replicas=4');
      await watch.waitFor(/^api\s+\d\/4\s/m);
      await watch.waitFor(/^api\s+4\/4\s/m);
    } finally {
      watch.child.kill();
    }
  });

  it('auth can-i: yes for the admin, no for a user without roles (impersonated)', async () => {
    assert.equal((await run('auth', 'can-i', 'create', 'pods')).trim(), 'yes');
    const stranger = await kubectl(cluster, ['auth', 'can-i', 'create', 'pods', '--as=jane']);
    assert.equal(stranger.code, 1);
    assert.equal(stranger.stdout.trim(), 'no');
  });

  it('debug node/ and debug --copy-to: the Pods kubectl sends as protobuf arrive whole, and run', async () => {
    await run('create', 'namespace', 'debugging');
    const node = (await run('get', 'nodes', '-o', 'jsonpath={.items[1].metadata.name}')).trim();
    const made = await run('debug', '-n', 'debugging', `node/${node}`, '--image=busybox', '--profile=sysadmin', '--', 'true');
    const name = /Creating debugging pod (\S+) with container debugger on node/.exec(made)?.[1];
    assert.ok(name, made);
    const debugger_ = JSON.parse(await run('get', 'pod', name, '-n', 'debugging', '-o', 'json'));
    assert.equal(debugger_.metadata.labels['app.kubernetes.io/managed-by'], 'kubectl-debug');
    assert.deepEqual([debugger_.spec.nodeName, debugger_.spec.hostNetwork, debugger_.spec.hostPID, debugger_.spec.hostIPC, debugger_.spec.restartPolicy], [node, true, true, true, 'Never']);
    assert.deepEqual(debugger_.spec.volumes.find((v: { name: string }) => v.name === 'host-root').hostPath, { path: '/', type: '' });
    const c = debugger_.spec.containers[0];
    assert.deepEqual([c.name, c.image, c.command, c.securityContext, c.volumeMounts.find((m: { name: string }) => m.name === 'host-root').mountPath], ['debugger', 'busybox', ['true'], { privileged: true }, '/host']);
    assert.ok(debugger_.spec.tolerations.some((t: { operator: string; key?: string }) => t.operator === 'Exists' && !t.key));
    // A copy of a running pod with a debugging container added: the whole spec came through.
    await run('run', 'web', '-n', 'debugging', '--image=nginx:1.27', '--env=GREETING=hello', '--labels=app=web');
    await run('wait', '-n', 'debugging', '--for=condition=Ready', 'pod/web', '--timeout=20s');
    await run('debug', '-n', 'debugging', 'web', '--image=busybox', '--copy-to=web-copy', '--container=shell', '--', 'sleep', '3600');
    const copy = JSON.parse(await run('get', 'pod', 'web-copy', '-n', 'debugging', '-o', 'json'));
    const original = JSON.parse(await run('get', 'pod', 'web', '-n', 'debugging', '-o', 'json'));
    assert.deepEqual(copy.spec.containers[0], original.spec.containers[0]);
    assert.deepEqual(copy.spec.volumes, original.spec.volumes);
    assert.deepEqual(copy.spec.tolerations, original.spec.tolerations);
    assert.deepEqual([copy.spec.containers[1].name, copy.spec.containers[1].command], ['shell', ['sleep', '3600']]);
    await run('wait', '-n', 'debugging', '--for=condition=Ready', 'pod/web-copy', '--timeout=20s');
  });

  it('debug a running pod: an ephemeral container joins it through pods/ephemeralcontainers, runs, and can be attached to', async () => {
    await run('create', 'namespace', 'ephemeral');
    await run('run', 'web', '-n', 'ephemeral', '--image=nginx:1.27');
    await run('wait', '-n', 'ephemeral', '--for=condition=Ready', 'pod/web', '--timeout=20s');
    await run('debug', '-n', 'ephemeral', 'web', '--image=busybox', '--target=web', '-c', 'shell', '--', 'sleep', '3600');
    const pod = JSON.parse(await run('get', 'pod', 'web', '-n', 'ephemeral', '-o', 'json', '--show-managed-fields'));
    assert.deepEqual(pod.spec.ephemeralContainers.map((c: { name: string; image: string; targetContainerName: string; command: string[] }) => [c.name, c.image, c.targetContainerName, c.command]), [['shell', 'busybox', 'web', ['sleep', '3600']]]);
    assert.ok(pod.metadata.managedFields.some((m: { subresource?: string }) => m.subresource === 'ephemeralcontainers'));
    // It runs beside the app, without counting for the pod's readiness.
    for (let i = 0; i < 50; i++) {
      const state = JSON.parse(await run('get', 'pod', 'web', '-n', 'ephemeral', '-o', 'jsonpath={.status.ephemeralContainerStatuses[0].state}'));
      if (state.running) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal((await run('exec', 'web', '-n', 'ephemeral', '-c', 'shell', '--', 'echo', 'inside')).trim(), 'inside');
    assert.match(await run('get', 'pod', 'web', '-n', 'ephemeral'), /^web\s+1\/1\s+Running\s+0\s/m);
    // Attached: kubectl waits for the container to run, then streams what it prints until it exits.
    const attached = await kubectl(cluster, ['debug', '-n', 'ephemeral', 'web', '--attach', '--image=busybox', '-c', 'hello', '--', 'sh', '-c', 'echo hello-from-debug']);
    assert.equal(attached.code, 0, attached.stderr);
    assert.match(attached.stdout, /hello-from-debug/);
    const statuses = JSON.parse(await run('get', 'pod', 'web', '-n', 'ephemeral', '-o', 'jsonpath={.status.ephemeralContainerStatuses}'));
    assert.deepEqual(statuses.map((s: { name: string; ready: boolean; state: object }) => [s.name, s.ready, Object.keys(s.state)[0]]), [['hello', false, 'terminated'], ['shell', false, 'running']]);
    // Interactive: the shell reads what the client sends, and the container ends with its input.
    const interactive = await kubectl(cluster, ['debug', '-n', 'ephemeral', 'web', '-i', '--image=busybox', '-c', 'repl', '--', 'sh'], 'echo hello-from-repl\nhostname\nexit 3\n');
    assert.match(interactive.stdout, /^hello-from-repl\nweb\n/m);
    const repl = JSON.parse(await run('get', 'pod', 'web', '-n', 'ephemeral', '-o', 'jsonpath={.status.ephemeralContainerStatuses[?(@.name=="repl")].state.terminated}'));
    assert.equal(repl.exitCode, 3);
    // A name already in the pod is refused, in the validator's words; so is changing one.
    const again = await kubectl(cluster, ['debug', '-n', 'ephemeral', 'web', '--image=busybox', '-c', 'web', '--', 'true']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /spec\.ephemeralContainers\[3\]\.name: Duplicate value: "web"/);
  });

  it('run -i --rm: a shell pod reads what kubectl sends, prints back, and goes when its input ends', async () => {
    await run('create', 'namespace', 'interactive');
    const session = await kubectl(cluster, ['run', 'tmp', '-n', 'interactive', '-i', '--rm', '--restart=Never', '--image=busybox', '--', 'sh'], 'echo from-run\nprintenv HOSTNAME\n');
    assert.equal(session.code, 0, session.stderr);
    assert.match(session.stdout, /^from-run\ntmp\n/m);
    assert.match(session.stdout, /pod "tmp" deleted/);
    assert.match(await run('get', 'pods', '-n', 'interactive', '-o', 'name'), /^$/);
  });

  it('run -it --rm in a terminal: the shell prompts, echoes, runs what is typed, and exit ends the pod', async () => {
    await run('create', 'namespace', 'terminal');
    const term = await kubectlInTerminal(cluster, ['run', 'shell', '-n', 'terminal', '-it', '--rm', '--restart=Never', '--image=busybox', '--', 'sh']);
    try {
      // kubectl attaches once the pod runs; busybox's shell, on the pod's terminal, prompts "/ # ".
      await term.waitFor(/If you don't see a command prompt, try pressing enter\.\r\n\/ # $/, 20_000);
      for (const key of 'echo $HOSTNAME\r') term.type(key);
      await term.waitFor(/\/ # echo \$HOSTNAME\r\nshell\r\n\/ # $/);
      term.type('exit\r');
      await term.waitFor(/\/ # exit\r\npod "shell" deleted/, 20_000);
    } finally {
      term.child.kill();
    }
  });

  it('the proxy subresource: a Service\'s endpoints and a pod answer through the API server, as kubectl proxy uses it', async () => {
    await run('create', 'namespace', 'proxied');
    await run('create', 'deployment', 'site', '-n', 'proxied', '--image=nginx:1.27', '--replicas=2');
    await run('expose', 'deployment', 'site', '-n', 'proxied', '--port=8080', '--target-port=80', '--name=site');
    await run('rollout', 'status', 'deployment/site', '-n', 'proxied', '--timeout=20s');
    const page = await run('get', '--raw', '/api/v1/namespaces/proxied/services/site:8080/proxy/');
    assert.match(page, /<title>Welcome to nginx!<\/title>/);
    const pod = (await run('get', 'pods', '-n', 'proxied', '-l', 'app=site', '-o', 'jsonpath={.items[0].metadata.name}')).trim();
    assert.match(await run('get', '--raw', `/api/v1/namespaces/proxied/pods/${pod}/proxy/`), /Welcome to nginx!/);
    // The pod's own 404, an unknown Service, and a Service without ready endpoints.
    assert.match((await kubectl(cluster, ['get', '--raw', '/api/v1/namespaces/proxied/services/site/proxy/missing'])).stderr, /NotFound/);
    assert.match((await kubectl(cluster, ['get', '--raw', '/api/v1/namespaces/proxied/services/nope/proxy/'])).stderr, /services "nope" not found/);
    await run('scale', 'deployment/site', '-n', 'proxied', '--replicas=0');
    await run('wait', '-n', 'proxied', '--for=delete', 'pod', '-l', 'app=site', '--timeout=40s');
    assert.match((await kubectl(cluster, ['get', '--raw', '/api/v1/namespaces/proxied/services/site/proxy/'])).stderr, /Error from server \(ServiceUnavailable\): no endpoints available for service "site"/);
    // Like any subresource, under RBAC.
    assert.match((await kubectl(cluster, ['get', '--raw', '/api/v1/namespaces/proxied/services/site/proxy/', '--as=jane'])).stderr, /cannot get resource "services\/proxy"/);
  });

  it("the proxy subresource of nodes: the kubelet's API (health, pods, summary, its log) through the API server, under RBAC", async () => {
    assert.equal(await run('get', '--raw', '/api/v1/nodes/worker-2/proxy/healthz'), 'ok');
    const pods = JSON.parse(await run('get', '--raw', '/api/v1/nodes/worker-2/proxy/pods'));
    const bound = JSON.parse(await run('get', 'pods', '-A', '--field-selector=spec.nodeName=worker-2', '-o', 'json'));
    assert.deepEqual(pods.items.map((p: { metadata: { uid: string } }) => p.metadata.uid).sort(), bound.items.map((p: { metadata: { uid: string } }) => p.metadata.uid).sort());
    assert.equal(JSON.parse(await run('get', '--raw', '/api/v1/nodes/worker-2:10250/proxy/stats/summary')).node.nodeName, 'worker-2');
    assert.match(await run('get', '--raw', '/api/v1/nodes/worker-2/proxy/logs/?query=kubelet&tailLines=100'), /^\w{3} \d\d [\d:]{8} worker-2 kubelet\[1\]: I\d{4} [\d:.]+ +1 kubelet_node_status\.go:78\] "Successfully registered node" node="worker-2"$/m);
    assert.match((await kubectl(cluster, ['get', '--raw', '/api/v1/nodes/nope/proxy/healthz'])).stderr, /nodes "nope" not found/);
    assert.match((await kubectl(cluster, ['get', '--raw', '/api/v1/nodes/worker-2/proxy/healthz', '--as=jane'])).stderr, /nodes "worker-2" is forbidden: User "jane" cannot get resource "nodes\/proxy" in API group "" at the cluster scope/);
    assert.match((await kubectl(cluster, ['get', '--raw', '/api/v1/nodes/worker-2:10255/proxy/healthz'])).stderr, /Error from server \(ServiceUnavailable\): error trying to reach service: dial tcp 172\.18\.0\.\d+:10255: connect: connection refused/);
  });

  it('admission webhooks: a ValidatingWebhookConfiguration applied with kubectl guards a namespace through its server, whose answers the proxy also reaches', async () => {
    await run('create', 'namespace', 'policy');
    await run('create', 'namespace', 'guarded');
    await run('create', 'deployment', 'webhook', '-n', 'policy', '--image=registry.example.com/policy-webhook:1.4', '--port=8443');
    await run('expose', 'deployment', 'webhook', '-n', 'policy', '--port=443', '--target-port=8443');
    await run('rollout', 'status', 'deployment/webhook', '-n', 'policy', '--timeout=20s');
    const config = path.join(cluster.stateDir, 'guard.yaml');
    writeFileSync(config, [
      'apiVersion: admissionregistration.k8s.io/v1',
      'kind: ValidatingWebhookConfiguration',
      'metadata:',
      '  name: guard',
      'webhooks:',
      '- name: configmaps.policy.example.com',
      '  clientConfig:',
      '    service: {namespace: policy, name: webhook, path: /validate}',
      '  rules:',
      '  - {operations: [CREATE], apiGroups: [""], apiVersions: [v1], resources: [configmaps]}',
      '  namespaceSelector:',
      '    matchLabels: {kubernetes.io/metadata.name: guarded}',
      '  admissionReviewVersions: [v1]',
      '  sideEffects: None',
      '',
    ].join('\n'));
    assert.match(await run('apply', '-f', config), /^validatingwebhookconfiguration\.admissionregistration\.k8s\.io\/guard created$/m);
    assert.match(await run('get', 'validatingwebhookconfigurations'), /^guard\s+1\s+\d+s$/m);
    await run('create', 'configmap', 'allowed', '-n', 'guarded');
    // A request's body goes through the proxy to the pod: the server answers the review it was sent.
    const review = path.join(cluster.stateDir, 'review.json');
    writeFileSync(review, JSON.stringify({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request: { uid: 'c0ffee00-0000-4000-8000-000000000001' } }));
    const answer = JSON.parse(await run('create', '--raw', '/api/v1/namespaces/policy/services/webhook:443/proxy/validate', '-f', review));
    assert.deepEqual(answer.response, { uid: 'c0ffee00-0000-4000-8000-000000000001', allowed: true });
    // The server refuses from now on: a write it guards fails, one elsewhere does not.
    await run('patch', 'deployment', 'webhook', '-n', 'policy', '-p', '{"spec":{"template":{"metadata":{"annotations":{"kubeside.dev/behavior":"deny-admission"}}}}}');
    await run('rollout', 'status', 'deployment/webhook', '-n', 'policy', '--timeout=30s');
    const refused = await kubectl(cluster, ['create', 'configmap', 'refused', '-n', 'guarded']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /configmaps "refused" is forbidden: admission webhook "configmaps\.policy\.example\.com" denied the request: denied by a simulated webhook server/);
    await run('create', 'configmap', 'elsewhere', '-n', 'policy');
    await run('delete', 'validatingwebhookconfiguration', 'guard');
  });

  it('ValidatingAdmissionPolicy: a policy and its binding applied with kubectl refuse a Deployment over the limit, in kubectl\'s words', async () => {
    const file = path.join(cluster.stateDir, 'replica-policy.yaml');
    writeFileSync(file, [
      'apiVersion: admissionregistration.k8s.io/v1',
      'kind: ValidatingAdmissionPolicy',
      'metadata:',
      '  name: replica-limit',
      'spec:',
      '  matchConstraints:',
      '    resourceRules:',
      '    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}',
      '  validations:',
      '  - expression: object.spec.replicas <= 5',
      '    messageExpression: "\'replicas must be at most 5, not \' + string(object.spec.replicas)"',
      '---',
      'apiVersion: admissionregistration.k8s.io/v1',
      'kind: ValidatingAdmissionPolicyBinding',
      'metadata:',
      '  name: replica-limit',
      'spec:',
      '  policyName: replica-limit',
      '  validationActions: [Deny]',
      '  matchResources:',
      '    namespaceSelector:',
      '      matchLabels: {kubernetes.io/metadata.name: capped}',
      '',
    ].join('\n'));
    const applied = await run('apply', '-f', file);
    assert.match(applied, /^validatingadmissionpolicy\.admissionregistration\.k8s\.io\/replica-limit created$/m);
    assert.match(applied, /^validatingadmissionpolicybinding\.admissionregistration\.k8s\.io\/replica-limit created$/m);
    assert.match(await run('get', 'validatingadmissionpolicies'), /^replica-limit\s+1\s+<unset>\s+\d+s$/m);
    assert.match(await run('get', 'validatingadmissionpolicybindings'), /^replica-limit\s+replica-limit\s+<unset>\s+\d+s$/m);
    await run('create', 'namespace', 'capped');
    const refused = await kubectl(cluster, ['create', 'deployment', 'big', '-n', 'capped', '--image=nginx:1.27', '--replicas=9']);
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.trim(), 'error: failed to create deployment: deployments.apps "big" is forbidden: ValidatingAdmissionPolicy \'replica-limit\' with binding \'replica-limit\' denied request: replicas must be at most 5, not 9');
    await run('create', 'deployment', 'big', '-n', 'default', '--image=nginx:1.27', '--replicas=9');
    await run('delete', '-f', file);
    await run('delete', 'deployment', 'big', '-n', 'default');
  });

  it('RuntimeClass: a pod naming a missing one is refused; one that exists gives the pod its overhead and scheduling', async () => {
    await run('create', 'namespace', 'sandboxes');
    const podFile = path.join(cluster.stateDir, 'sandboxed.yaml');
    writeFileSync(podFile, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: sandboxed\n  namespace: sandboxes\nspec:\n  runtimeClassName: gvisor\n  containers:\n  - name: app\n    image: nginx:1.27\n');
    const refused = await kubectl(cluster, ['apply', '-f', podFile]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /pods "sandboxed" is forbidden: pod rejected: RuntimeClass "gvisor" not found/);
    const rcFile = path.join(cluster.stateDir, 'gvisor.yaml');
    writeFileSync(rcFile, 'apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata:\n  name: gvisor\nhandler: runsc\noverhead:\n  podFixed:\n    cpu: 250m\n    memory: 120Mi\nscheduling:\n  nodeSelector:\n    runtime: gvisor\n  tolerations:\n  - key: sandbox\n    operator: Exists\n    effect: NoSchedule\n');
    assert.match(await run('apply', '-f', rcFile), /^runtimeclass\.node\.k8s\.io\/gvisor created$/m);
    assert.match(await run('get', 'runtimeclass'), /^gvisor\s+runsc\s+\d+s$/m);
    await run('apply', '-f', podFile);
    const pod = JSON.parse(await run('get', 'pod', 'sandboxed', '-n', 'sandboxes', '-o', 'json'));
    assert.deepEqual(pod.spec.overhead, { cpu: '250m', memory: '120Mi' });
    assert.deepEqual(pod.spec.nodeSelector, { runtime: 'gvisor' });
    assert.ok(pod.spec.tolerations.some((t: { key?: string }) => t.key === 'sandbox'));
    // The handler never changes.
    const changed = await kubectl(cluster, ['patch', 'runtimeclass', 'gvisor', '--type=merge', '-p', '{"handler":"kata"}']);
    assert.match(changed.stderr, /The RuntimeClass "gvisor" is invalid: handler: Invalid value: "kata": field is immutable/);
  });

  it('ReplicationController and PodTemplate: an old manifest runs its pods, prints, scales, exposes and goes with its pods', async () => {
    await run('create', 'namespace', 'legacy');
    const file = path.join(cluster.stateDir, 'legacy.yaml');
    // As the manifests of Kubernetes' first years write it: no selector, which comes from the template's labels.
    writeFileSync(file, 'apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: frontend\n  namespace: legacy\nspec:\n  replicas: 2\n  template:\n    metadata:\n      labels:\n        app: guestbook\n        tier: frontend\n    spec:\n      containers:\n      - name: php-redis\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n---\napiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: worker\n  namespace: legacy\ntemplate:\n  metadata:\n    labels:\n      app: worker\n  spec:\n    containers:\n    - name: worker\n      image: busybox:1.36\n');
    assert.match(await run('apply', '-f', file), /^replicationcontroller\/frontend created\npodtemplate\/worker created$/m);
    await run('wait', '--for=jsonpath={.status.readyReplicas}=2', 'rc/frontend', '-n', 'legacy', '--timeout=20s');
    assert.match(await run('get', 'rc', '-n', 'legacy'), /^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE\nfrontend\s+2\s+2\s+2\s+\d+s$/m);
    assert.match(await run('get', 'rc', '-n', 'legacy', '-o', 'wide'), /^frontend\s+2\s+2\s+2\s+\d+s\s+php-redis\s+nginx:1\.27\s+app=guestbook,tier=frontend$/m);
    assert.match(await run('get', 'podtemplates', '-n', 'legacy'), /^NAME\s+CONTAINERS\s+IMAGES\s+POD LABELS\nworker\s+worker\s+busybox:1\.36\s+app=worker$/m);
    const pods = JSON.parse(await run('get', 'pods', '-n', 'legacy', '-l', 'tier=frontend', '-o', 'json')).items;
    assert.deepEqual(pods.map((p: { metadata: { ownerReferences: { kind: string; name: string }[] } }) => p.metadata.ownerReferences.map((r) => `${r.kind}/${r.name}`).join()), ['ReplicationController/frontend', 'ReplicationController/frontend']);
    assert.match(await run('scale', 'rc', 'frontend', '-n', 'legacy', '--replicas=3'), /^replicationcontroller\/frontend scaled$/m);
    await run('wait', '--for=jsonpath={.status.readyReplicas}=3', 'rc/frontend', '-n', 'legacy', '--timeout=20s');
    // expose reads the controller's selector, a label map, and makes a Service of it.
    assert.match(await run('expose', 'rc', 'frontend', '-n', 'legacy', '--port=80'), /^service\/frontend exposed$/m);
    assert.equal(await jsonpath('svc/frontend', 'legacy', '{.spec.selector}'), '{"app":"guestbook","tier":"frontend"}');
    assert.match(await run('describe', 'rc', 'frontend', '-n', 'legacy'), /Pods Status:\s+3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed[\s\S]*SuccessfulCreate/);
    // Deleting it takes its pods (the garbage collector follows their owner references).
    assert.match(await run('delete', 'rc', 'frontend', '-n', 'legacy', '--wait=true'), /^replicationcontroller "frontend" deleted/m);
    await run('wait', '--for=delete', 'pods', '-l', 'tier=frontend', '-n', 'legacy', '--timeout=20s');
    assert.equal(await run('get', 'pods', '-n', 'legacy', '-l', 'tier=frontend', '-o', 'name'), '');
  });

  it('get cs: the control plane\'s components, healthy, with the deprecation warning', async () => {
    const cs = await kubectl(cluster, ['get', 'cs']);
    assert.equal(cs.code, 0, cs.stderr);
    assert.deepEqual(cs.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)), [['NAME', 'STATUS', 'MESSAGE', 'ERROR'], ['controller-manager', 'Healthy', 'ok'], ['etcd-0', 'Healthy', 'ok'], ['scheduler', 'Healthy', 'ok']]);
    assert.match(cs.stderr, /^Warning: v1 ComponentStatus is deprecated in v1\.19\+$/m);
    const one = JSON.parse(await run('get', 'componentstatus', 'scheduler', '-o', 'json'));
    assert.deepEqual(one.conditions, [{ type: 'Healthy', status: 'True', message: 'ok' }]);
    assert.match((await kubectl(cluster, ['get', 'cs', 'nope'])).stderr, /componentstatuses "nope" not found/);
  });

  it('create token: a signed service account token that authenticates as the account, under RBAC, until the account is gone', async () => {
    await run('create', 'namespace', 'tokens');
    await run('create', 'serviceaccount', 'ci', '-n', 'tokens');
    const token = (await run('create', 'token', 'ci', '-n', 'tokens', '--duration=20m')).trim();
    const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
    assert.equal(header.alg, 'ES256');
    const uid = await jsonpath('serviceaccount/ci', 'tokens', '{.metadata.uid}');
    assert.equal(payload.sub, 'system:serviceaccount:tokens:ci');
    assert.deepEqual(payload.aud, ['https://kubernetes.default.svc.cluster.local']);
    assert.equal(payload.exp - payload.iat, 20 * 60);
    assert.deepEqual(payload['kubernetes.io'], { namespace: 'tokens', serviceaccount: { name: 'ci', uid } });
    const as = (...args: string[]) => kubectl(cluster, [`--token=${token}`, ...args]);
    const whoami = await as('auth', 'whoami');
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.match(whoami.stdout, /^Username\s+system:serviceaccount:tokens:ci$/m);
    assert.match(whoami.stdout, /^UID\s+/m);
    assert.match(whoami.stdout, /^Groups\s+\[system:serviceaccounts system:serviceaccounts:tokens system:authenticated\]$/m);
    // RBAC decides what the account may do, as for any user.
    const denied = await as('get', 'pods', '-n', 'tokens');
    assert.equal(denied.code, 1);
    assert.match(denied.stderr, /pods is forbidden: User "system:serviceaccount:tokens:ci" cannot list resource "pods" in API group "" in the namespace "tokens"/);
    await run('create', 'rolebinding', 'ci-view', '-n', 'tokens', '--clusterrole=view', '--serviceaccount=tokens:ci');
    assert.equal((await as('get', 'pods', '-n', 'tokens', '-o', 'name')).code, 0);
    // Too short a token is refused; the account's deletion ends its tokens.
    const short = await kubectl(cluster, ['create', 'token', 'ci', '-n', 'tokens', '--duration=5m']);
    assert.match(short.stderr, /spec\.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes/);
    await run('delete', 'serviceaccount', 'ci', '-n', 'tokens');
    const gone = await as('get', 'pods', '-n', 'tokens');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /You must be logged in to the server \(Unauthorized\)/);
  });

  it('a long-lived token in a Secret: the tokens controller fills it, it logs in as the account, and goes with the Secret', async () => {
    // The documentation's "manually create a long-lived API token for a ServiceAccount".
    await run('create', 'namespace', 'robots');
    await run('create', 'serviceaccount', 'build-robot', '-n', 'robots');
    const file = path.join(cluster.stateDir, 'robot-secret.yaml');
    writeFileSync(file, 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: build-robot-secret\n  namespace: robots\n  annotations:\n    kubernetes.io/service-account.name: build-robot\ntype: kubernetes.io/service-account-token\n');
    assert.match(await run('apply', '-f', file), /^secret\/build-robot-secret created$/m);
    await run('wait', '--for=jsonpath={.data.token}', 'secret/build-robot-secret', '-n', 'robots', '--timeout=20s');
    const described = await run('describe', 'secret', 'build-robot-secret', '-n', 'robots');
    assert.match(described, /^Annotations:\s+kubernetes\.io\/service-account\.name: build-robot\n\s+kubernetes\.io\/service-account\.uid: [0-9a-f-]{36}$/m);
    assert.match(described, /^Type:\s+kubernetes\.io\/service-account-token$/m);
    assert.match(described, /^namespace:\s+6 bytes$/m);
    const token = Buffer.from(await jsonpath('secret/build-robot-secret', 'robots', '{.data.token}'), 'base64').toString('utf8');
    const as = (...args: string[]) => kubectl(cluster, [`--token=${token}`, ...args]);
    const whoami = await as('auth', 'whoami');
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.match(whoami.stdout, /^Username\s+system:serviceaccount:robots:build-robot$/m);
    assert.match(whoami.stdout, /^Groups\s+\[system:serviceaccounts system:serviceaccounts:robots system:authenticated\]$/m);
    // Deleting the Secret is how such a token is revoked.
    await run('delete', 'secret', 'build-robot-secret', '-n', 'robots');
    assert.match((await as('auth', 'whoami')).stderr, /You must be logged in to the server \(Unauthorized\)/);
  });

  it('create secret generic and configmap --from-file: typed clients send protobuf bodies', async () => {
    assert.match(await run('create', 'secret', 'generic', 'tls-pass', '-n', 'shop', '--from-literal=password=s3cret'), /^secret\/tls-pass created$/m);
    assert.equal(Buffer.from(await jsonpath('secret/tls-pass', 'shop', '{.data.password}'), 'base64').toString(), 's3cret');
    const file = path.join(cluster.stateDir, 'nginx.conf');
    writeFileSync(file, 'worker_processes 1;\n');
    assert.match(await run('create', 'configmap', 'nginx', '-n', 'shop', `--from-file=${file}`), /^configmap\/nginx created$/m);
    assert.equal(await jsonpath('configmap/nginx', 'shop', '{.data.nginx\\.conf}'), 'worker_processes 1;\n');
  });

  it('create deployment, job, cronjob, service, quota, pdb, ingress, role and rolebinding: the generators\' protobuf objects arrive whole', async () => {
    await run('create', 'deployment', 'hello', '-n', 'shop', '--image=nginx:1.27', '--replicas=3', '--port=8080', '--', 'nginx', '-g', 'daemon off;');
    assert.equal(await jsonpath('deploy/hello', 'shop', '{.spec.replicas} {.spec.selector.matchLabels.app} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort} {.spec.template.spec.containers[0].command}'), '3 hello nginx:1.27 8080 ["nginx","-g","daemon off;"]');
    await run('create', 'job', 'once', '-n', 'shop', '--image=busybox', '--', 'echo', 'hi');
    assert.equal(await jsonpath('job/once', 'shop', '{.spec.template.spec.restartPolicy} {.spec.template.spec.containers[0].command}'), 'Never ["echo","hi"]');
    await run('create', 'cronjob', 'nightly', '-n', 'shop', '--image=busybox', '--schedule=0 3 * * *', '--', 'date');
    assert.equal(await jsonpath('cronjob/nightly', 'shop', '{.spec.schedule} {.spec.jobTemplate.spec.template.spec.restartPolicy}'), '0 3 * * * OnFailure');
    await run('create', 'service', 'nodeport', 'edge', '-n', 'shop', '--tcp=81:web');
    assert.equal(await jsonpath('svc/edge', 'shop', '{.spec.type} {.spec.ports[0].port} {.spec.ports[0].targetPort}'), 'NodePort 81 web');
    // In a namespace of its own: a quota on requests.cpu would refuse later pods without requests.
    await run('create', 'namespace', 'limited');
    await run('create', 'quota', 'small', '-n', 'limited', '--hard=pods=10,requests.cpu=500m');
    assert.equal(await jsonpath('quota/small', 'limited', '{.spec.hard.pods} {.spec.hard.requests\\.cpu}'), '10 500m');
    await run('create', 'pdb', 'keep-one', '-n', 'shop', '--selector=app=hello', '--min-available=0');
    assert.equal(await jsonpath('pdb/keep-one', 'shop', '{.spec.minAvailable}'), '0');
    await run('create', 'ingress', 'front', '-n', 'shop', '--class=nginx', '--rule=shop.example.com/api*=api:http,tls=shop-tls');
    assert.equal(await jsonpath('ingress/front', 'shop', '{.spec.ingressClassName} {.spec.rules[0].host} {.spec.rules[0].http.paths[0].pathType} {.spec.rules[0].http.paths[0].backend.service.port.name} {.spec.tls[0].secretName}'), 'nginx shop.example.com Prefix http shop-tls');
        await run('create', 'role', 'reader', '-n', 'shop', '--verb=get,list', '--resource=pods,deployments.apps');
    await run('create', 'rolebinding', 'jane-reads', '-n', 'shop', '--role=reader', '--user=jane');
    assert.equal((await run('auth', 'can-i', 'list', 'deployments', '-n', 'shop', '--as=jane')).trim(), 'yes');
    assert.equal((await kubectl(cluster, ['auth', 'can-i', 'delete', 'deployments', '-n', 'shop', '--as=jane'])).stdout.trim(), 'no');
  });

  it('a CRD: its kind appears in discovery and OpenAPI at once, is served, validated and printed, and goes with the CRD', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'], categories: ['all'] },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } },
            additionalPrinterColumns: [
              { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
              { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
            ],
          },
        ],
      },
    };
    await kubectlOk(cluster, ['apply', '-f', '-'], JSON.stringify(crd));
    assert.match(await run('api-resources', '--api-group=example.com'), /^widgets\s+wd\s+example\.com\/v1\s+true\s+Widget$/m);
    const explained = await run('explain', 'widgets.spec');
    assert.match(explained, /^GROUP:\s+example\.com$/m);
    assert.match(explained, /^ {2}size\t<integer>$/m, 'the CRD\'s schema is published in OpenAPI v3');
    await kubectlOk(cluster, ['apply', '-n', 'shop', '-f', '-'], JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'small' }, spec: { size: 3 } }));
    const table = await run('get', 'wd', '-n', 'shop');
    assert.match(table, /^NAME\s+SIZE\s+AGE$/m, 'the columns the CRD declares');
    assert.match(table, /^small\s+3\s+\d+s$/m);
    const invalid = await kubectl(cluster, ['apply', '-n', 'shop', '-f', '-'], JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'odd' }, spec: { size: 'big' } }));
    assert.equal(invalid.code, 1);
    assert.match(invalid.stderr, /spec\.size: Invalid value: "string": spec\.size in body must be of type integer: "string"/);
    await run('delete', 'crd', 'widgets.example.com');
    const gone = await kubectl(cluster, ['get', 'widgets.example.com', '-n', 'shop']);
    assert.equal(gone.code, 1);
  });

  it('cordon and uncordon: mark a node unschedulable and back', async () => {
    assert.match(await run('get', 'nodes'), /^worker-1\s+Ready\s+<none>\s+\d+[sm]\s+v1\.36\.\d+/m);
    assert.match(await run('cordon', 'worker-1'), /^node\/worker-1 cordoned$/m);
    assert.match(await run('get', 'nodes'), /^worker-1\s+Ready,SchedulingDisabled\s+<none>\s+\d+[sm]\s+v1\.36\.\d+/m);
    assert.match(await run('uncordon', 'worker-1'), /^node\/worker-1 uncordoned$/m);
    assert.equal(await run('get', 'node', 'worker-1', '-o', 'jsonpath={.spec.unschedulable}'), '');
  });

  it('drain: cordons the node and evicts its pods through the eviction subresource, leaving the kube-proxy DaemonSet pod', async () => {
    await kubectlOk(cluster, ['create', '-n', 'shop', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'on-worker' }, spec: { nodeName: 'worker-1', containers: [{ name: 'c', image: 'busybox' }] } }));
    const proxy = await run('get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-proxy', '--field-selector', 'spec.nodeName=worker-1', '-o', 'name');
    assert.match(proxy, /^pod\/kube-proxy-[a-z0-9]{5}$/m);
    // kubectl refuses to drain a node running DaemonSet pods unless told to leave them.
    const refused = await kubectl(cluster, ['drain', 'worker-1', '--force', '--grace-period=0', '--timeout=15s']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /cannot delete DaemonSet-managed Pods \(use --ignore-daemonsets to ignore\): kube-system\/kube-proxy-/);
    const out = await run('drain', 'worker-1', '--ignore-daemonsets', '--force', '--grace-period=0', '--timeout=15s');
    assert.match(out, /^pod\/on-worker evicted$/m);
    assert.match(out, /^node\/worker-1 drained$/m);
    const gone = await kubectl(cluster, ['get', 'pod', 'on-worker', '-n', 'shop']);
    assert.equal(gone.code, 1);
    assert.equal(await run('get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-proxy', '--field-selector', 'spec.nodeName=worker-1', '-o', 'name'), proxy);
  });

  it('set image, rollout history and rollout undo: a new revision rolls out, and undo brings the previous template back', async function () {
    this.timeout(90_000);
    // Earlier steps made each new pod wait 7 s before it counts as available: roll at full speed.
    await run('patch', 'deploy', 'web', '-n', 'shop', '--type=merge', '-p', '{"spec":{"minReadySeconds":0}}');
    await run('rollout', 'status', 'deploy/web', '-n', 'shop', '--timeout=15s');
    const before = await jsonpath('deploy/web', 'shop', '{.spec.template.spec.containers[0].image}');
    assert.match(await run('set', 'image', 'deploy/web', 'web=nginx:1.29.0', '-n', 'shop'), /^deployment\.apps\/web image updated$/m);
    assert.match(await run('rollout', 'status', 'deploy/web', '-n', 'shop', '--timeout=15s'), /deployment "web" successfully rolled out/);
    const history = await run('rollout', 'history', 'deploy/web', '-n', 'shop');
    assert.match(history, /^REVISION\s+CHANGE-CAUSE$/m);
    const revisions = [...history.matchAll(/^(\d+)\s+<none>$/gm)].map((m) => Number(m[1]));
    assert.ok(revisions.length >= 2, history);
    assert.match(await run('rollout', 'undo', 'deploy/web', '-n', 'shop'), /^deployment\.apps\/web rolled back$/m);
    assert.equal(await jsonpath('deploy/web', 'shop', '{.spec.template.spec.containers[0].image}'), before);
    assert.match(await run('rollout', 'status', 'deploy/web', '-n', 'shop', '--timeout=15s'), /successfully rolled out/);
  });

  it('edit: the change the editor makes is applied, and an edit that breaks the object is refused with the reason', async () => {
    const editor = path.join(cluster.stateDir, 'edit.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/^  LOG_LEVEL: .*/  LOG_LEVEL: warn/" "$1"\n');
    chmodSync(editor, 0o755);
    const edited = await kubectl(cluster, ['edit', 'configmap', 'api-config', '-n', 'shop'], undefined, { EDITOR: editor });
    assert.equal(edited.code, 0, edited.stderr);
    assert.match(edited.stdout, /^configmap\/api-config edited$/m);
    assert.equal(await jsonpath('configmap/api-config', 'shop', '{.data.LOG_LEVEL}'), 'warn');

    const breaker = path.join(cluster.stateDir, 'break.sh');
    writeFileSync(breaker, '#!/bin/sh\nsed -i "s/^  replicas: .*/  replicas: -1/" "$1"\n');
    chmodSync(breaker, 0o755);
    const refused = await kubectl(cluster, ['edit', 'deploy', 'web', '-n', 'shop'], undefined, { EDITOR: breaker });
    // kubectl puts the API server's reasons in the file it reopens; an unchanged reopened file cancels the edit.
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error: deployments\.apps "web" is invalid$/m);
    assert.match(refused.stderr, /^error: Edit cancelled, no valid changes were saved\.$/m);
    assert.notEqual(await jsonpath('deploy/web', 'shop', '{.spec.replicas}'), '-1');
  });

  it('delete -f: removes what the manifest names, and get says so', async () => {
    const out = await run('delete', '-f', path.join(shop, '10-web.yaml'));
    assert.match(out, /^deployment\.apps "web" deleted/m);
    assert.match(out, /^service "web" deleted/m);
    assert.match(out, /^ingress\.networking\.k8s\.io "shop" deleted/m);
    const gone = await kubectl(cluster, ['get', 'deploy', 'web', '-n', 'shop']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /Error from server \(NotFound\): deployments\.apps "web" not found/);
  });
});
