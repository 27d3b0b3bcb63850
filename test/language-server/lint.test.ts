// Lint rules through the real server over stdio: each rule on a manifest that breaks only it, the
// findings on the shop example, settings (severity, off, disabled; pushed or pulled), suppression by
// kube-linter's annotation and by a comment, and every quick fix applied to the text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  type CodeAction,
  type Diagnostic,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';
import { lintRules } from '../../language-server/rules/index';
import { LspClient, memoryUri, messageText } from './lspClient';

/** A Deployment that passes validation and every rule, default-off ones included. */
const clean = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    owner: shop-team
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      securityContext:
        runAsNonRoot: true
      serviceAccountName: runner
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              app: web
      containers:
        - name: web
          image: nginx:1.27.3
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
          resources:
            requests:
              cpu: 100m
              memory: 64Mi
              ephemeral-storage: 1Gi
            limits:
              memory: 128Mi
              ephemeral-storage: 2Gi
          readinessProbe:
            httpGet:
              path: /
              port: 80
          livenessProbe:
            httpGet:
              path: /
              port: 80
            failureThreshold: 5
`;

const podSecurity = '      securityContext:\n        runAsNonRoot: true\n';
const account = '      serviceAccountName: runner\n';
const owner = '  labels:\n    owner: shop-team\n';
const volume = (hostPath: string) => `      volumes:\n        - name: host\n          hostPath:\n            path: ${hostPath}\n      containers:\n`;
const image = '          image: nginx:1.27.3\n';
/** From the pod's securityContext to the container's image: edits that need a volume and its mount replace it whole. */
const podToImage = /      securityContext:\n        runAsNonRoot: true\n[\s\S]*?          image: nginx:1.27.3\n/.exec(clean)![0];
const readiness = '          readinessProbe:\n            httpGet:\n              path: /\n              port: 80\n';
const liveness = '          livenessProbe:\n            httpGet:\n              path: /\n              port: 80\n';
const ports = (list: string) => `          ports:\n${list}          resources:\n`;

/** Objects of other kinds that pass validation and every rule (the PodDisruptionBudget selects no pod of the tests). */
const cleanBudget = `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: budget
  namespace: shop
${owner}spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      app: budgeted
`;
/** An autoscaler and the Deployment it scales, which leaves its replica count to it. */
const cleanAutoscaler = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: scaled
  namespace: shop
${owner}spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: scaled
  minReplicas: 3
  maxReplicas: 10
---
${clean.replace(/web/g, 'scaled').replace('  replicas: 3\n', '')}`;
const cleanJob = `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: shop
${owner}spec:
  ttlSecondsAfterFinished: 600
  template:
    spec:
      restartPolicy: Never
${clean.slice(clean.indexOf(podSecurity))}`;
const cleanRole = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
  namespace: shop
${owner}rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list]
`;
const cleanBinding = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader
  namespace: shop
${owner}subjects:
  - kind: ServiceAccount
    name: runner
    namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: reader
`;
const cleanService = `apiVersion: v1
kind: Service
metadata:
  name: web-clean
  namespace: shop
${owner}spec:
  selector:
    app: web
  ports:
    - port: 80
`;

/**
 * Each rule, broken alone (or with the rules that necessarily break with it, `also`): the edit to the
 * clean Deployment, the text the finding marks, its message, and the title of its remedy if it has one.
 */
const broken: readonly { rule: string; base?: string; from: string; to: string; marks: string; message: string; also?: readonly string[]; fix?: string }[] = [
  { rule: 'latest-tag', from: 'nginx:1.27.3', to: 'nginx', marks: 'nginx', message: 'container "web" uses image "nginx" without a tag: it runs whatever `latest` is when the pod starts' },
  { rule: 'latest-tag', from: 'nginx:1.27.3', to: 'nginx:latest', marks: 'nginx:latest', message: 'container "web" uses the tag "latest": pin a version so every replica runs the same image' },
  { rule: 'run-as-non-root', from: podSecurity, to: '', marks: 'securityContext', message: 'container "web" is not set to runAsNonRoot', fix: 'Set runAsNonRoot: true' },
  // The API server refuses privileged with allowPrivilegeEscalation false: a privileged container can always escalate.
  {
    rule: 'privileged-container',
    from: 'allowPrivilegeEscalation: false\n',
    to: 'privileged: true\n',
    marks: 'true',
    message: 'container "web" is privileged',
    also: ['privilege-escalation-container'],
  },
  {
    rule: 'privilege-escalation-container',
    from: 'allowPrivilegeEscalation: false',
    to: 'allowPrivilegeEscalation: true',
    marks: 'true',
    message: 'container "web" allows privilege escalation',
    fix: 'Set allowPrivilegeEscalation: false',
  },
  {
    rule: 'no-read-only-root-fs',
    from: 'readOnlyRootFilesystem: true',
    to: 'readOnlyRootFilesystem: false',
    marks: 'false',
    message: 'container "web" does not have a read-only root file system',
    fix: 'Set readOnlyRootFilesystem: true',
  },
  { rule: 'host-network', from: podSecurity, to: `      hostNetwork: true\n${podSecurity}`, marks: 'true', message: "the pod uses the node's network namespace (hostNetwork: true)" },
  { rule: 'host-pid', from: podSecurity, to: `      hostPID: true\n${podSecurity}`, marks: 'true', message: "the pod uses the node's PID namespace (hostPID: true)" },
  { rule: 'host-ipc', from: podSecurity, to: `      hostIPC: true\n${podSecurity}`, marks: 'true', message: "the pod uses the node's IPC namespace (hostIPC: true)" },
  { rule: 'docker-sock', from: '      containers:\n', to: volume('/var/run/docker.sock'), marks: '/var/run/docker.sock', message: 'volume "host" mounts the Docker socket /var/run/docker.sock from the node' },
  { rule: 'sensitive-host-mounts', from: '      containers:\n', to: volume('/etc/'), marks: '/etc/', message: `volume "host" mounts the node's sensitive directory /etc` },
  {
    rule: 'env-var-secret',
    from: '          resources:\n',
    to: '          env:\n            - name: DB_PASSWORD\n              value: hunter2\n            - name: CACHE_KEY_PREFIX\n              value: web\n          resources:\n',
    marks: 'hunter2',
    message: 'container "web" sets the environment variable DB_PASSWORD to a literal value: use valueFrom.secretKeyRef',
  },
  { rule: 'unset-cpu-requirements', from: '              cpu: 100m\n', to: '', marks: 'requests', message: 'container "web" has no CPU request' },
  { rule: 'unset-memory-requirements', from: '              memory: 128Mi\n', to: '', marks: 'limits', message: 'container "web" has no memory limit' },
  { rule: 'no-liveness-probe', from: /          livenessProbe:\n(.*\n)*/.exec(clean)![0], to: '', marks: 'name: web', message: 'container "web" does not specify a liveness probe' },
  { rule: 'no-readiness-probe', from: '          readinessProbe:\n            httpGet:\n              path: /\n              port: 80\n', to: '', marks: 'name: web', message: 'container "web" does not specify a readiness probe' },
  {
    rule: 'no-anti-affinity',
    from: /      topologySpreadConstraints:\n(.*\n)*?(?=      containers:)/.exec(clean)![0],
    to: '',
    marks: '3',
    message: '3 replicas with no pod anti-affinity or topology spread constraints: they may all land on one node',
  },
  {
    rule: 'deprecated-service-account-field',
    from: account,
    to: '      serviceAccount: runner\n',
    marks: 'serviceAccount',
    message: 'serviceAccount is deprecated: use serviceAccountName',
    fix: 'Rename to serviceAccountName',
  },
  {
    rule: 'deprecated-service-account-field',
    from: account,
    to: `${account}      serviceAccount: runner\n`,
    marks: 'serviceAccount',
    message: 'serviceAccount is deprecated: use serviceAccountName',
    fix: 'Remove serviceAccount',
  },
  { rule: 'minimum-three-replicas', from: 'replicas: 3', to: 'replicas: 2', marks: '2', message: '2 replicas: fewer than three do not survive a node failure during a rollout' },
  { rule: 'drop-net-raw-capability', from: '            capabilities:\n              drop: [ALL]\n', to: '', marks: 'securityContext', message: 'container "web" keeps the NET_RAW capability: drop it (or ALL)' },
  { rule: 'drop-net-raw-capability', from: 'drop: [ALL]\n', to: 'drop: [ALL]\n              add: [NET_RAW]\n', marks: '[NET_RAW]', message: 'container "web" adds the NET_RAW capability' },
  {
    rule: 'unsafe-proc-mount',
    from: 'readOnlyRootFilesystem: true\n',
    to: 'readOnlyRootFilesystem: true\n            procMount: Unmasked\n',
    marks: 'Unmasked',
    message: 'container "web" has an unmasked /proc',
    fix: 'Remove procMount',
  },
  {
    rule: 'unsafe-sysctls',
    from: podSecurity,
    to: `${podSecurity}        sysctls:\n          - name: net.ipv4.tcp_syncookies\n            value: "1"\n          - name: kernel.msgmax\n            value: "65536"\n`,
    marks: 'kernel.msgmax',
    message: 'the sysctl kernel.msgmax is unsafe: the kubelet will not start the pod unless the node allows it',
  },
  {
    rule: 'writable-host-mount',
    from: podToImage,
    to: podToImage.replace(podSecurity, `${podSecurity}      volumes:\n        - name: data\n          hostPath:\n            path: /srv/data\n`).replace(image, `${image}          volumeMounts:\n            - name: data\n              mountPath: /data\n`),
    marks: 'name: data',
    message: `container "web" can write to the node's /srv/data (volume "data")`,
    fix: 'Set readOnly: true',
  },
  { rule: 'ssh-port', from: '          resources:\n', to: ports('            - containerPort: 80\n            - containerPort: 22\n'), marks: '22', message: 'container "web" declares port 22, the port of SSH', also: ['privileged-ports', 'privileged-ports'] },
  { rule: 'privileged-ports', from: '          resources:\n', to: ports('            - containerPort: 80\n'), marks: '80', message: 'container "web" declares the privileged port 80' },
  {
    rule: 'container-ephemeral-storage-request-and-limit',
    from: '              ephemeral-storage: 2Gi\n',
    to: '',
    marks: 'limits',
    message: 'container "web" has no ephemeral-storage limit',
  },
  {
    rule: 'liveness-port',
    from: liveness,
    to: liveness.replace('port: 80', 'port: http'),
    marks: 'http',
    message: 'container "web" has no port named "http" for its liveness probe: it always fails and the kubelet restarts the container over and over',
  },
  {
    rule: 'readiness-port',
    from: readiness,
    to: readiness.replace('port: 80', 'port: http'),
    marks: 'http',
    message: 'container "web" has no port named "http" for its readiness probe: it always fails and the pod never receives Service traffic',
  },
  {
    rule: 'startup-port',
    from: readiness,
    to: `          startupProbe:\n            tcpSocket:\n              port: admin\n${readiness}`,
    marks: 'admin',
    message: 'container "web" has no port named "admin" for its startup probe: it always fails and the kubelet kills the container before it ever starts',
  },
  { rule: 'pod-probes-identical', from: '            failureThreshold: 5\n', to: '', marks: 'livenessProbe', message: 'container "web" has the same liveness and readiness probe: an overloaded container gets restarted' },
  {
    rule: 'no-rolling-update-strategy',
    from: '  replicas: 3\n',
    to: '  replicas: 3\n  strategy:\n    type: Recreate\n',
    marks: 'Recreate',
    message: 'the Recreate strategy stops every pod before starting the new ones',
    fix: 'Set type: RollingUpdate',
  },
  { rule: 'non-existent-service-account', from: account, to: '      serviceAccountName: ghost\n', marks: 'ghost', message: 'no ServiceAccount "ghost" in the workspace: the pods could not be created' },
  {
    rule: 'pdb-max-unavailable',
    base: cleanBudget,
    from: 'maxUnavailable: 1',
    to: 'maxUnavailable: 0',
    marks: '0',
    message: 'maxUnavailable 0 allows no eviction: node drains would wait forever',
    fix: 'Set maxUnavailable: 1',
  },
  {
    rule: 'poddisruptionbudget-has-policy',
    base: cleanBudget,
    from: '  maxUnavailable: 1\n',
    to: '',
    marks: 'spec',
    message: 'neither minAvailable nor maxUnavailable: the budget allows every eviction',
    fix: 'Set maxUnavailable: 1',
  },
  { rule: 'pdb-min-available', base: cleanBudget, from: 'maxUnavailable: 1', to: 'minAvailable: 100%', marks: '100%', message: 'minAvailable 100% allows no eviction: node drains would wait forever' },
  {
    rule: 'pdb-unhealthy-pod-eviction-policy',
    base: cleanBudget,
    from: '  unhealthyPodEvictionPolicy: AlwaysAllow\n',
    to: '',
    marks: 'spec',
    message: 'no unhealthyPodEvictionPolicy: pods that are not ready may block node drains',
    fix: 'Set unhealthyPodEvictionPolicy: AlwaysAllow',
  },
  {
    rule: 'hpa-minimum-three-replicas',
    base: cleanAutoscaler,
    from: 'minReplicas: 3',
    to: 'minReplicas: 2',
    marks: '2',
    message: 'minReplicas 2: the autoscaler may leave fewer than three replicas',
    fix: 'Set minReplicas: 3',
  },
  { rule: 'job-ttl-seconds-after-finished', base: cleanJob, from: '  ttlSecondsAfterFinished: 600\n', to: '', marks: 'spec', message: 'no ttlSecondsAfterFinished: the finished Job and its pods stay until deleted by hand' },
  { rule: 'dangling-horizontalpodautoscaler', base: cleanAutoscaler, from: '    name: scaled\n', to: '    name: scald\n', marks: 'scald', message: 'no Deployment "scald" in the workspace: the autoscaler has nothing to scale' },
  {
    rule: 'replicas-with-autoscaler',
    base: cleanAutoscaler,
    from: `${owner}spec:\n  selector:\n`,
    to: `${owner}spec:\n  replicas: 3\n  selector:\n`,
    marks: 'replicas',
    message: 'a HorizontalPodAutoscaler scales this Deployment: each apply resets its replica count',
    fix: 'Remove replicas',
  },
  {
    rule: 'duplicate-env-var',
    from: '          resources:\n',
    to: '          env:\n            - name: MODE\n              value: a\n            - name: MODE\n              value: b\n          resources:\n',
    marks: 'MODE',
    message: 'container "web" defines the environment variable MODE again: only the last definition counts',
  },
  { rule: 'default-service-account', from: account, to: '', marks: 'spec', message: "the pods run as the namespace's default ServiceAccount" },
  { rule: 'default-service-account', from: account, to: '      serviceAccountName: default\n', marks: 'default', message: "the pods run as the namespace's default ServiceAccount" },
  {
    rule: 'read-secret-from-env-var',
    from: '          resources:\n',
    to: '          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: db\n                  key: password\n          resources:\n',
    marks: 'secretKeyRef',
    message: 'container "web" reads the Secret "db" into the environment variable DB_PASSWORD',
  },
  { rule: 'required-label-owner', from: owner, to: '', marks: 'metadata', message: 'no owner label' },
  { rule: 'wildcard-in-rules', base: cleanRole, from: 'apiGroups: [""]', to: 'apiGroups: ["", "*"]', marks: '"*"', message: 'rule 1 grants every API group ("*")' },
  // A wildcard verb on pods grants creating them too.
  { rule: 'wildcard-in-rules', base: cleanRole, from: 'verbs: [get, list]', to: 'verbs: [get, "*"]', marks: '"*"', message: 'rule 1 grants every verb ("*")', also: ['access-to-create-pods'] },
  {
    rule: 'non-isolated-pod',
    from: '  namespace: shop\n',
    to: '  namespace: open\n',
    marks: 'labels',
    message: 'no NetworkPolicy selects these pods: they accept traffic from every pod of the cluster',
    also: ['non-existent-service-account'],
  },
  { rule: 'access-to-secrets', base: cleanRole, from: 'resources: [pods]', to: 'resources: [pods, secrets]', marks: '[pods, secrets]', message: 'rule 1 grants get, list on Secrets' },
  {
    rule: 'access-to-create-pods',
    base: cleanRole,
    from: 'verbs: [get, list]',
    to: 'verbs: [get, list, create]',
    marks: '[pods]',
    message: 'rule 1 grants creating pods, and so running pods as any ServiceAccount of the namespace',
  },
  {
    rule: 'cluster-admin-role-binding',
    base: cleanBinding,
    from: '  kind: Role\n  name: reader\n',
    to: '  kind: ClusterRole\n  name: cluster-admin\n',
    marks: 'cluster-admin',
    message: 'the binding grants cluster-admin: its subjects may do anything',
  },
  { rule: 'exposed-services', base: cleanService, from: '  ports:\n', to: '  type: NodePort\n  ports:\n', marks: 'NodePort', message: 'a NodePort Service is reachable from outside the cluster' },
  {
    rule: 'default-namespace',
    from: '  namespace: shop\n',
    to: '',
    marks: 'metadata',
    message: 'no metadata.namespace: kubectl puts the object in the default namespace unless told otherwise',
    // The ServiceAccount the pods name, and the policy that isolates them, are in shop.
    also: ['non-existent-service-account', 'non-isolated-pod'],
  },
];

const service = (selector: string) => `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
${owner}spec:
  selector:
    app: ${selector}
  ports:
    - port: 80
`;

/** The account the manifests name, so non-existent-service-account finds it. */
const serviceAccount = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n  namespace: shop\n';
/** A default-deny NetworkPolicy for every pod of shop, so non-isolated-pod finds them isolated. */
const denyAll = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all\n  namespace: shop\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n';

/** Every rule on, at its own default severity. */
const allRulesOn = { enabled: true, rules: Object.fromEntries(lintRules.map((r) => [r.id, r.severity])) };

const lint = (p: PublishDiagnosticsParams) => p.diagnostics.filter((d) => d.source === 'kubeside-lint');
const marked = (text: string, d: Diagnostic) => TextDocument.create('x', 'yaml', 1, text).getText(d.range);

async function configure(client: LspClient, lintSettings: unknown): Promise<void> {
  await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { kubeside: { lint: lintSettings } } });
}

/** Every open document's next publication after `cause`, once the server has taken it in. */
async function republished(client: LspClient, uri: string, cause: () => Promise<void>): Promise<PublishDiagnosticsParams> {
  const next = client.nextPublication(uri);
  await cause();
  return next;
}

async function codeActions(client: LspClient, uri: string, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
  return client.request<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 999, character: 0 } },
    context: { diagnostics },
  });
}

function applied(text: string, uri: string, action: CodeAction): string {
  return TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 1, text), action.edit!.changes![uri]!);
}

describe('language server: lint rules', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
    // Settings pushed with the notification: this client cannot be asked for them.
    await configure(client, allRulesOn);
    await client.open(memoryUri('service-account.yaml'), serviceAccount);
    await client.open(memoryUri('deny-all.yaml'), denyAll);
  });
  after(async () => {
    await client.stop();
  });

  it('finds nothing in a Deployment that follows every rule', async () => {
    const published = await client.open(memoryUri('clean.yaml'), clean);
    assert.deepEqual(published.diagnostics, []);
  });

  it('finds nothing in the other kinds the rules judge, nor in probes of port numbers the container does not list', async () => {
    const undeclaredProbePort = clean.replace('          resources:\n', ports('            - containerPort: 8080\n'));
    for (const [i, text] of [cleanBudget, cleanAutoscaler, cleanJob, cleanRole, cleanBinding, cleanService, undeclaredProbePort].entries()) {
      assert.deepEqual((await client.open(memoryUri(`clean-${i}.yaml`), text)).diagnostics, [], text);
    }
  });

  for (const [i, { rule, base = clean, from, to, marks, message, also = [] }] of broken.entries()) {
    it(`${rule} flags ${JSON.stringify(to.trim().split('\n')[0] || `no ${from.trim().split('\n')[0]}`)}`, async () => {
      assert.ok(base.includes(from), `the clean manifest has ${JSON.stringify(from)}`);
      const text = base.replace(from, to);
      const uri = memoryUri(`${rule}-${i}.yaml`);
      const published = await client.open(uri, text);
      const rule_ = lintRules.find((r) => r.id === rule)!;
      assert.deepEqual(published.diagnostics.map((d) => d.code).sort(), [rule, ...also].sort());
      assert.deepEqual(
        published.diagnostics.filter((d) => d.code === rule).map((d) => ({ source: d.source, marks: marked(text, d), message: messageText(d.message), href: d.codeDescription?.href })),
        [{ source: 'kubeside-lint', marks, message, href: rule_.docs }],
      );
    });
  }

  it('flags a Service whose selector matches no pod template, until one is opened', async () => {
    const uri = memoryUri('service.yaml');
    const dangling = await client.open(uri, service('wbe'));
    assert.deepEqual(
      dangling.diagnostics.map((d) => [d.code, marked(service('wbe'), d), messageText(d.message)]),
      [['dangling-service', 'selector', 'no pod template in the workspace has the labels app=wbe: the Service would have no endpoints']],
    );
    const fixed = await client.change(uri, [{ text: service('web') }]);
    assert.deepEqual(fixed.diagnostics, []);
    // Another file declaring the pods the selector asks for makes an open Service's finding stale.
    await client.change(uri, [{ text: service('api') }]);
    const rechecked = await republished(client, uri, async () => {
      await client.open(memoryUri('api.yaml'), clean.replace(/app: web/g, 'app: api'));
    });
    assert.deepEqual(rechecked.diagnostics, []);
  });

  it('uses the severity the settings give a rule, and none for a rule turned off or lint disabled', async () => {
    const uri = memoryUri('settings.yaml');
    const text = clean.replace('nginx:1.27.3', 'nginx').replace('replicas: 3', 'replicas: 1');
    const before = await client.open(uri, text);
    assert.deepEqual(lint(before).map((d) => [d.code, d.severity]), [['latest-tag', 2], ['minimum-three-replicas', 3]]);
    const raised = await republished(client, uri, () => configure(client, { rules: { 'latest-tag': 'error', 'minimum-three-replicas': 'hint' } }));
    // minimum-three-replicas is off by default: naming it turns it on.
    assert.deepEqual(lint(raised).map((d) => [d.code, d.severity]), [['latest-tag', 1], ['minimum-three-replicas', 4]]);
    const off = await republished(client, uri, () => configure(client, { rules: { 'latest-tag': 'off' } }));
    assert.deepEqual(lint(off), []);
    const disabled = await republished(client, uri, () => configure(client, { ...allRulesOn, enabled: false }));
    assert.deepEqual(disabled.diagnostics, []);
    await republished(client, uri, () => configure(client, allRulesOn));
    await client.close(uri);
  });

  it("skips a rule named in the object's ignore-check.kube-linter.io annotation, or in a kubeside-ignore comment on the line above", async () => {
    const text = clean.replace('nginx:1.27.3', 'nginx').replace(podSecurity, '');
    const annotated = await client.open(memoryUri('annotated.yaml'), text.replace('  namespace: shop\n', '  namespace: shop\n  annotations:\n    ignore-check.kube-linter.io/latest-tag: "pinned by the registry"\n'));
    assert.deepEqual(lint(annotated).map((d) => d.code), ['run-as-non-root']);
    // The finding is on the container's securityContext, which lacks runAsNonRoot.
    const commented = await client.open(memoryUri('commented.yaml'), text.replace('          securityContext:\n', '          # kubeside-ignore run-as-non-root\n          securityContext:\n'));
    assert.deepEqual(lint(commented).map((d) => d.code), ['latest-tag']);
    const otherRule = await client.open(memoryUri('other-rule.yaml'), text.replace('          image: nginx\n', '          # kubeside-ignore no-liveness-probe\n          image: nginx\n'));
    assert.deepEqual(lint(otherRule).map((d) => d.code).sort(), ['latest-tag', 'run-as-non-root']);
    const everyRule = await client.open(memoryUri('every-rule.yaml'), text.replace('          image: nginx\n', '          # kubeside-ignore\n          image: nginx\n'));
    assert.deepEqual(lint(everyRule).map((d) => d.code), ['run-as-non-root']);
    // default-namespace is kube-linter's use-namespace: its annotation counts too.
    const useNamespace = await client.open(
      memoryUri('use-namespace.yaml'),
      clean.replace('  namespace: shop\n', '  annotations:\n    ignore-check.kube-linter.io/use-namespace: ""\n'),
    );
    // (The ServiceAccount the pods name, and the policy that isolates them, are in shop.)
    assert.deepEqual(lint(useNamespace).map((d) => d.code).sort(), ['non-existent-service-account', 'non-isolated-pod']);
    const ignoreAll = await client.open(memoryUri('ignore-all.yaml'), text.replace('  namespace: shop\n', '  namespace: shop\n  annotations:\n    kube-linter.io/ignore-all: "a vendor chart"\n'));
    assert.deepEqual(ignoreAll.diagnostics, []);
  });

  // The clean Deployment has no diagnostics at all: after a fix, none must be left, syntax errors included.
  for (const [i, { rule, base = clean, from, to, fix }] of broken.entries()) {
    if (!fix) continue;
    it(`${fix} (${rule}) leaves valid YAML the rule no longer flags`, async () => {
      const uri = memoryUri(`fix-${i}.yaml`);
      const text = base.replace(from, to);
      const published = await client.open(uri, text);
      const actions = await codeActions(client, uri, published.diagnostics);
      assert.deepEqual(
        actions.map((a) => [a.title, a.isPreferred]),
        [
          [fix, true],
          [`Ignore ${rule} for this object`, false],
        ],
      );
      const fixed = applied(text, uri, actions[0]!);
      const after = await client.change(uri, [{ text: fixed }]);
      assert.deepEqual(after.diagnostics, [], fixed);
    });
  }

  it('each rule offers "Ignore <id> for this object", which adds the annotation and leaves valid YAML', async () => {
    for (const [i, { rule, base = clean, from, to, also = [] }] of broken.entries()) {
      const uri = memoryUri(`ignore-${i}.yaml`);
      const text = base.replace(from, to);
      const published = await client.open(uri, text);
      const ignore = (await codeActions(client, uri, published.diagnostics)).find((a) => a.title === `Ignore ${rule} for this object`);
      assert.ok(ignore, rule);
      const after = await client.change(uri, [{ text: applied(text, uri, ignore) }]);
      assert.deepEqual(after.diagnostics.map((d) => d.code), also, rule);
      await client.close(uri);
    }
  });

  it('writes a fix in the layout around it: new lines at the indentation of their siblings, a flow map kept flow, an empty one made a block', async () => {
    const pod = (container: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - name: c\n    image: busybox:1.36\n${container}`;
    const cases: readonly [string, string][] = [
      // No securityContext: a new block under the container, at the indentation of `image`.
      ['    resources:\n      limits: {memory: 64Mi}\n', '    resources:\n      limits: {memory: 64Mi}\n    securityContext:\n      allowPrivilegeEscalation: false\n'],
      ['    securityContext: {readOnlyRootFilesystem: true}\n', '    securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}\n'],
      ['    securityContext: {}\n', '    securityContext:\n      allowPrivilegeEscalation: false\n'],
      ['    securityContext:\n', '    securityContext:\n      allowPrivilegeEscalation: false\n'],
    ];
    await republished(client, memoryUri('clean.yaml'), () => configure(client, { rules: { 'privilege-escalation-container': 'warning', 'no-read-only-root-fs': 'off' } }));
    for (const [i, [given, expected]] of cases.entries()) {
      const uri = memoryUri(`layout-${i}.yaml`);
      const text = pod(given);
      const published = await client.open(uri, text);
      const actions = await codeActions(client, uri, lint(published).filter((d) => d.code === 'privilege-escalation-container'));
      const fix = actions.find((a) => a.title === 'Set allowPrivilegeEscalation: false');
      assert.ok(fix, given);
      const fixed = applied(text, uri, fix);
      assert.equal(fixed, pod(expected));
      const after = await client.change(uri, [{ text: fixed }]);
      assert.deepEqual(after.diagnostics.filter((d) => d.code === 'privilege-escalation-container' || d.source === 'kubeside'), []);
    }
    await republished(client, memoryUri('clean.yaml'), () => configure(client, allRulesOn));
  });

  it('keeps a JSON manifest JSON: the new field quoted, in the container object', async () => {
    const uri = memoryUri('pod.json');
    const pod = (container: string) =>
      `{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "p", "namespace": "shop"},\n  "spec": {\n    "securityContext": {"runAsNonRoot": true},\n    "containers": [${container}]\n  }\n}\n`;
    const text = pod('{"name": "c", "image": "busybox:1.36"}');
    const published = await client.open(uri, text);
    const actions = await codeActions(client, uri, lint(published).filter((d) => d.code === 'no-read-only-root-fs'));
    const fixed = applied(text, uri, actions.find((a) => a.title === 'Set readOnlyRootFilesystem: true')!);
    assert.equal(fixed, pod('{"name": "c", "image": "busybox:1.36", "securityContext": {"readOnlyRootFilesystem": true}}'));
    assert.doesNotThrow(() => JSON.parse(fixed));
    const ignore = applied(text, uri, actions.find((a) => a.title === 'Ignore no-read-only-root-fs for this object')!);
    assert.equal(JSON.parse(ignore).metadata.annotations['ignore-check.kube-linter.io/no-read-only-root-fs'], '');
  });

  it('prints how long linting a 1,000-document file takes (parse and validation cached)', async () => {
    const uri = memoryUri('thousand.yaml');
    const text = Array.from({ length: 1000 }, (_, i) => clean.replace(/web/g, `web-${i}`).replace('nginx:1.27.3', i % 2 ? 'nginx' : 'nginx:1.27.3')).join('---\n');
    await configure(client, { enabled: false });
    const first = await client.open(uri, text);
    assert.deepEqual(first.diagnostics, []);
    const started = performance.now();
    const linted = await republished(client, uri, () => configure(client, allRulesOn));
    const elapsed = performance.now() - started;
    assert.equal(linted.diagnostics.length, 500);
    console.log(`      lint of 1,000 Deployments (every rule on, 500 findings with fixes): ${elapsed.toFixed(0)} ms round trip`);
    await client.close(uri);
  });
});

describe('language server: lint settings pulled with workspace/configuration', () => {
  let client: LspClient;
  let settings: unknown = { rules: { 'latest-tag': 'error' } };
  before(async () => {
    client = await LspClient.start({ capabilities: { workspace: { configuration: true } } });
    client.connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => (item.section === 'kubeside.lint' ? settings : null)));
    await client.open(memoryUri('service-account.yaml'), serviceAccount);
    // The server asked once it was initialized, maybe before the handler was there: ask again.
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  });
  after(async () => {
    await client.stop();
  });

  it('asks for kubeside.lint and again when told the configuration changed', async () => {
    const uri = memoryUri('pulled.yaml');
    const text = clean.replace('nginx:1.27.3', 'nginx');
    const published = await client.open(uri, text);
    assert.deepEqual(lint(published).map((d) => [d.code, d.severity]), [['latest-tag', 1]]);
    settings = { rules: { 'latest-tag': 'off' } };
    const changed = await republished(client, uri, () => client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null }));
    assert.deepEqual(changed.diagnostics, []);
  });
});

describe('language server: lint findings on the shop example', () => {
  const dir = path.resolve(__dirname, '..', '..', 'examples', 'shop');
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ workspaceFolders: [pathToFileURL(dir).toString()] });
    await client.workspaceScanned;
  });
  after(async () => {
    await client.stop();
  });

  // The true ones, with default settings: the containers run as root with a writable root file system,
  // may escalate privileges and keep NET_RAW, and the replicas of each workload may share a node.
  it('reports only what the manifests really lack', async () => {
    const found: string[] = [];
    for (const file of ['00-namespace.yaml', '10-web.yaml', '20-api.yaml', '30-db.yaml']) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const published = await client.open(pathToFileURL(path.join(dir, file)).toString(), text);
      for (const d of published.diagnostics) found.push(`${file}:${d.range.start.line + 1} ${String(d.code)} ${marked(text, d)}`);
    }
    assert.deepEqual(found, [
      '10-web.yaml:22 run-as-non-root name: web',
      '10-web.yaml:22 privilege-escalation-container name: web',
      '10-web.yaml:22 no-read-only-root-fs name: web',
      '10-web.yaml:22 drop-net-raw-capability name: web',
      '10-web.yaml:11 no-anti-affinity 2',
      '20-api.yaml:44 run-as-non-root name: api',
      '20-api.yaml:44 privilege-escalation-container name: api',
      '20-api.yaml:44 no-read-only-root-fs name: api',
      '20-api.yaml:44 drop-net-raw-capability name: api',
      '20-api.yaml:33 no-anti-affinity 2',
      '30-db.yaml:40 run-as-non-root name: postgres',
      '30-db.yaml:40 privilege-escalation-container name: postgres',
      '30-db.yaml:40 no-read-only-root-fs name: postgres',
      '30-db.yaml:40 drop-net-raw-capability name: postgres',
      '30-db.yaml:29 no-anti-affinity 3',
    ]);
  });
});
