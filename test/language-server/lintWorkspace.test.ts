// Lint rules that read other manifests of the workspace, through the real server over stdio: each
// finding with the text it marks, none once the other file declares what was missing, and the finding
// back when that file changes again (the linter's lookups make the open document stale).
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DidChangeConfigurationNotification, type CodeAction, type Diagnostic, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LspClient, memoryUri, messageText } from './lspClient';

/** The findings of `rule` in a publication: the line (1-based), the text marked and the message. */
function findings(text: string, published: PublishDiagnosticsParams, rule: string): [number, string, string][] {
  const doc = TextDocument.create('x', 'yaml', 1, text);
  return published.diagnostics.filter((d) => d.code === rule).map((d) => [d.range.start.line + 1, doc.getText(d.range), messageText(d.message)]);
}

const deployment = (namespace: string, app: string, extra: { ports?: string } = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: ${namespace}
spec:
  selector:
    matchLabels:
      app: ${app}
  template:
    metadata:
      labels:
        app: ${app}
    spec:
      containers:
        - name: ${app}
          image: nginx:1.27.3
${extra.ports ?? ''}`;

const service = (namespace: string, name: string, ports: string, spec = '') => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${spec}  selector:
    app: ${name}
  ports:
${ports}`;

describe('language server: lint rules across the workspace', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
  });
  after(async () => {
    await client.stop();
  });

  /** The next publication for `uri` after `cause` (another file opened, changed or closed). */
  async function republished(uri: string, cause: () => Promise<unknown>): Promise<PublishDiagnosticsParams> {
    const next = client.nextPublication(uri);
    await cause();
    return next;
  }

  async function applyFix(uri: string, text: string, diagnostics: Diagnostic[], title: string): Promise<string> {
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 999, character: 0 } },
      context: { diagnostics },
    });
    const fix = actions.find((a) => a.title === title);
    assert.ok(fix, `${title} among ${actions.map((a) => a.title).join('; ')}`);
    return TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 1, text), fix.edit!.changes![uri]!);
  }

  it('dangling-ingress: flags backends whose Service, or port of it, no file declares', async () => {
    const ingress = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: ing
spec:
  defaultBackend:
    service:
      name: web
      port:
        number: 80
  rules:
    - http:
        paths:
          - path: /api
            pathType: Prefix
            backend:
              service:
                name: api
                port:
                  name: http
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 8080
`;
    const uri = memoryUri('ingress.yaml');
    const alone = await client.open(uri, ingress);
    assert.deepEqual(alone.diagnostics.filter((d) => d.code !== 'dangling-ingress'), []);
    assert.deepEqual(findings(ingress, alone, 'dangling-ingress'), [
      [9, 'web', 'no Service "web" in the workspace: requests for this backend would fail'],
      [19, 'api', 'no Service "api" in the workspace: requests for this backend would fail'],
      [26, 'web', 'no Service "web" in the workspace: requests for this backend would fail'],
    ]);
    const services = memoryUri('ingress-services.yaml');
    const servicesText = (apiPort: string) => `${service('ing', 'web', '    - name: http\n      port: 80\n')}---\n${service('ing', 'api', apiPort)}`;
    const ports = await republished(uri, () => client.open(services, servicesText('    - name: grpc\n      port: 9000\n')));
    assert.deepEqual(findings(ingress, ports, 'dangling-ingress'), [
      [21, 'http', 'the Service "api" has no port named "http"'],
      [28, '8080', 'the Service "web" has no port 8080'],
    ]);
    const fixed = await client.change(uri, [{ text: ingress.replace('number: 8080', 'number: 80') }]);
    assert.deepEqual(findings(ingress, fixed, 'dangling-ingress'), [[21, 'http', 'the Service "api" has no port named "http"']]);
    const named = await republished(uri, () => client.change(services, [{ text: servicesText('    - name: http\n      port: 9000\n') }]));
    assert.deepEqual(named.diagnostics, []);
    // The Services gone (their file closed, it exists nowhere on disk): every backend dangles again.
    const gone = await republished(uri, () => client.close(services));
    assert.equal(findings(ingress, gone, 'dangling-ingress').length, 3);
    await client.close(uri);
  });

  it('service-target-port: flags a targetPort no container of the selected pods declares, and sets the one they do', async () => {
    const ports = (list: string) => `          ports:\n${list}`;
    const workload = memoryUri('stp-deployment.yaml');
    await client.open(workload, deployment('stp', 'web', { ports: ports('            - name: http\n              containerPort: 8080\n') }));
    const uri = memoryUri('stp-service.yaml');
    const text = service(
      'stp',
      'web',
      '    - name: http\n      port: 80\n      targetPort: http\n    - name: metrics\n      port: 81\n      targetPort: metrics\n    - name: direct\n      port: 8080\n    - name: other\n      port: 82\n      targetPort: 9090\n',
    );
    const published = await client.open(uri, text);
    assert.deepEqual(findings(text, published, 'service-target-port'), [
      [15, 'metrics', 'no container of the selected pods has a port named "metrics": this Service port would have no endpoints'],
      [20, '9090', 'the selected pods declare the container port 8080, not 9090'],
    ]);
    const unset = service('stp', 'web', '    - port: 80\n');
    const implicit = await client.change(uri, [{ text: unset }]);
    assert.deepEqual(findings(unset, implicit, 'service-target-port'), [[10, '80', 'the selected pods declare the container port 8080, not 80 (targetPort unset: it is the port)']]);
    const fixedText = await applyFix(uri, unset, implicit.diagnostics, 'Set targetPort: 8080');
    assert.equal(fixedText, service('stp', 'web', '    - port: 80\n      targetPort: 8080\n'));
    assert.deepEqual((await client.change(uri, [{ text: fixedText }])).diagnostics, []);
    // Back to the ports the pods lack; declaring them in the Deployment's file clears the findings.
    await client.change(uri, [{ text }]);
    const declared = await republished(uri, () =>
      client.change(workload, [
        {
          text: deployment('stp', 'web', {
            ports: ports('            - name: http\n              containerPort: 8080\n            - name: metrics\n              containerPort: 9090\n'),
          }),
        },
      ]),
    );
    assert.deepEqual(declared.diagnostics, []);
    // Pods that list no ports may listen on any number: only the name is judged then.
    const undeclared = await republished(uri, () => client.change(workload, [{ text: deployment('stp', 'web') }]));
    assert.deepEqual(findings(text, undeclared, 'service-target-port').map(([line, marks]) => [line, marks]), [
      [12, 'http'],
      [15, 'metrics'],
    ]);
    await client.close(uri);
    await client.close(workload);
  });

  it('pdb-blocks-eviction: flags a workload whose PodDisruptionBudget allows no eviction at its replica count', async () => {
    const uri = memoryUri('pdb-deployment.yaml');
    const text = deployment('pdb', 'solo');
    const alone = await client.open(uri, text);
    assert.deepEqual(findings(text, alone, 'pdb-blocks-eviction'), []);
    const budgetUri = memoryUri('pdb.yaml');
    const budget = (spec: string) => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: solo
  namespace: pdb
spec:
${spec}  selector:
    matchExpressions:
      - {key: app, operator: In, values: [solo, other]}
`;
    const blocked = await republished(uri, () => client.open(budgetUri, budget('  minAvailable: 1\n')));
    // replicas unset: the finding sits on spec, where the fix writes replicas.
    assert.deepEqual(findings(text, blocked, 'pdb-blocks-eviction'), [[6, 'spec', 'the PodDisruptionBudget "solo" (minAvailable: 1) allows no eviction of the one replica: node drains would wait forever']]);
    const scaled = await applyFix(uri, text, blocked.diagnostics, 'Set replicas: 2');
    // A new last entry of spec, as the fixes write a missing field.
    assert.equal(scaled, `${text}  replicas: 2\n`);
    const two = await client.change(uri, [{ text: scaled }]);
    assert.deepEqual(findings(scaled, two, 'pdb-blocks-eviction'), []);
    const none = await republished(uri, () => client.change(budgetUri, [{ text: budget('  maxUnavailable: 0\n') }]));
    assert.deepEqual(findings(scaled, none, 'pdb-blocks-eviction'), [[18, '2', 'the PodDisruptionBudget "solo" (maxUnavailable: 0) allows no eviction of any of the 2 replicas: node drains would wait forever']]);
    const percent = await republished(uri, () => client.change(budgetUri, [{ text: budget('  minAvailable: 100%\n') }]));
    assert.equal(findings(scaled, percent, 'pdb-blocks-eviction').length, 1);
    const loose = await republished(uri, () => client.change(budgetUri, [{ text: budget('  maxUnavailable: 10%\n') }]));
    assert.deepEqual(findings(scaled, loose, 'pdb-blocks-eviction'), []);
    // A budget in another namespace, or selecting other pods, is not this workload's.
    const elsewhere = await republished(uri, () => client.change(budgetUri, [{ text: budget('  maxUnavailable: 0\n').replace('namespace: pdb', 'namespace: other') }]));
    assert.deepEqual(findings(scaled, elsewhere, 'pdb-blocks-eviction'), []);
    // Neither minAvailable nor maxUnavailable: the disruption controller allows every eviction.
    const unset = await republished(uri, () => client.change(budgetUri, [{ text: budget('') }]));
    assert.deepEqual(findings(scaled, unset, 'pdb-blocks-eviction'), []);
    await client.close(budgetUri);
    await client.close(uri);
  });

  it('statefulset-service-name: flags a serviceName with no headless Service selecting the pods', async () => {
    const uri = memoryUri('sts.yaml');
    const text = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: sts
spec:
  serviceName: db
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
        - name: db
          image: postgres:16.4
`;
    const alone = await client.open(uri, text);
    assert.deepEqual(findings(text, alone, 'statefulset-service-name'), [[7, 'db', `no Service "db" in the workspace: the pods' DNS names would not resolve`]]);
    const serviceUri = memoryUri('sts-service.yaml');
    const ports = '    - port: 5432\n';
    const clusterIP = await republished(uri, () => client.open(serviceUri, service('sts', 'db', ports)));
    assert.deepEqual(findings(text, clusterIP, 'statefulset-service-name'), [[7, 'db', 'the Service "db" is not headless (clusterIP: None): the pods get no DNS names of their own']]);
    const headless = service('sts', 'db', ports, '  clusterIP: None\n');
    const elsewhere = await republished(uri, () => client.change(serviceUri, [{ text: headless.replace('app: db', 'app: cache') }]));
    assert.deepEqual(findings(text, elsewhere, 'statefulset-service-name'), [[7, 'db', `the headless Service "db" does not select this StatefulSet's pods: they get no DNS names`]]);
    const fine = await republished(uri, () => client.change(serviceUri, [{ text: headless }]));
    assert.deepEqual(findings(text, fine, 'statefulset-service-name'), []);
    await client.close(serviceUri);
    await client.close(uri);
  });

  it('non-existent-service-account: flags a serviceAccountName no file declares, until one does', async () => {
    const uri = memoryUri('sa-deployment.yaml');
    const text = deployment('sa', 'web').replace('    spec:\n', '    spec:\n      serviceAccountName: runner\n');
    const missing = await client.open(uri, text);
    assert.deepEqual(findings(text, missing, 'non-existent-service-account'), [[15, 'runner', 'no ServiceAccount "runner" in the workspace: the pods could not be created']]);
    const accountUri = memoryUri('sa.yaml');
    const account = (namespace: string) => `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n  namespace: ${namespace}\n`;
    const declared = await republished(uri, () => client.open(accountUri, account('sa')));
    assert.deepEqual(findings(text, declared, 'non-existent-service-account'), []);
    const moved = await republished(uri, () => client.change(accountUri, [{ text: account('elsewhere') }]));
    assert.equal(findings(text, moved, 'non-existent-service-account').length, 1);
    // The default account always exists.
    const byDefault = await client.change(uri, [{ text: text.replace('runner', 'default') }]);
    assert.deepEqual(findings(text, byDefault, 'non-existent-service-account'), []);
    await client.close(accountUri);
    await client.close(uri);
  });

  it('dangling-networkpolicy: flags a podSelector that picks no pod template, until one is declared', async () => {
    const uri = memoryUri('netpol.yaml');
    const policy = (selector: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: netpol
spec:
  podSelector:
${selector}  policyTypes: [Ingress]
`;
    const text = policy('    matchLabels:\n      app: api\n');
    const none = await client.open(uri, text);
    assert.deepEqual(findings(text, none, 'dangling-networkpolicy'), [[7, 'podSelector', 'no pod template in the workspace has the labels app=api: the policy applies to no pod']]);
    const workload = memoryUri('netpol-deployment.yaml');
    const targeted = await republished(uri, () => client.open(workload, deployment('netpol', 'api')));
    assert.deepEqual(targeted.diagnostics, []);
    const renamed = await republished(uri, () => client.change(workload, [{ text: deployment('netpol', 'apii') }]));
    assert.equal(findings(text, renamed, 'dangling-networkpolicy').length, 1);
    // Every pod of the namespace, or a selector by expressions: not judged.
    const everyPod = policy('    {}\n').replace('  podSelector:\n    {}', '  podSelector: {}');
    assert.deepEqual((await client.change(uri, [{ text: everyPod }])).diagnostics, []);
    const expressions = policy('    matchExpressions:\n      - {key: app, operator: Exists}\n');
    assert.deepEqual((await client.change(uri, [{ text: expressions }])).diagnostics, []);
    await client.close(workload);
    await client.close(uri);
  });

  it('dangling-networkpolicypeer-podselector: flags a from/to peer of the same namespace that picks no pod template', async () => {
    const uri = memoryUri('netpol-peers.yaml');
    const text = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db
  namespace: peers
spec:
  podSelector: {}
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: api
        - namespaceSelector:
            matchLabels:
              team: ops
          podSelector:
            matchLabels:
              app: backup
  egress:
    - to:
        - podSelector:
            matchLabels:
              app: dns
`;
    const none = await client.open(uri, text);
    // The peer with a namespaceSelector picks pods of other namespaces: not judged.
    assert.deepEqual(findings(text, none, 'dangling-networkpolicypeer-podselector'), [
      [10, 'podSelector', 'no pod template in the namespace has the labels app=api: this peer matches no pod'],
      [21, 'podSelector', 'no pod template in the namespace has the labels app=dns: this peer matches no pod'],
    ]);
    const workload = memoryUri('peers-deployment.yaml');
    const api = await republished(uri, () => client.open(workload, deployment('peers', 'api')));
    assert.deepEqual(findings(text, api, 'dangling-networkpolicypeer-podselector').map(([line]) => line), [21]);
    const elsewhere = await republished(uri, () => client.change(workload, [{ text: deployment('other', 'api') }]));
    assert.deepEqual(findings(text, elsewhere, 'dangling-networkpolicypeer-podselector').map(([line]) => line), [10, 21]);
    await client.close(workload);
    await client.close(uri);
  });

  it('replicas-with-autoscaler and dangling-horizontalpodautoscaler: follow the autoscaler and its target across files', async () => {
    const uri = memoryUri('hpa-deployment.yaml');
    const text = deployment('hpa', 'web').replace('spec:\n  selector:', 'spec:\n  replicas: 2\n  selector:');
    const alone = await client.open(uri, text);
    assert.deepEqual(findings(text, alone, 'replicas-with-autoscaler'), []);
    const hpaUri = memoryUri('hpa.yaml');
    const hpa = (target: string) =>
      `apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  namespace: hpa\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: ${target}\n  maxReplicas: 5\n`;
    const scaled = await republished(uri, () => client.open(hpaUri, hpa('web')));
    assert.deepEqual(findings(text, scaled, 'replicas-with-autoscaler'), [[7, 'replicas', 'a HorizontalPodAutoscaler scales this Deployment: each apply resets its replica count']]);
    assert.deepEqual(findings(hpa('web'), await client.diagnostics(hpaUri, 1), 'dangling-horizontalpodautoscaler'), []);
    const retargeted = await republished(uri, () => client.change(hpaUri, [{ text: hpa('api') }]));
    assert.deepEqual(findings(text, retargeted, 'replicas-with-autoscaler'), []);
    assert.deepEqual(findings(hpa('api'), await client.diagnostics(hpaUri, 2), 'dangling-horizontalpodautoscaler'), [[10, 'api', 'no Deployment "api" in the workspace: the autoscaler has nothing to scale']]);
    // Renaming the Deployment to the target's name makes the autoscaler's finding stale.
    const found = await republished(hpaUri, () => client.change(uri, [{ text: text.replace(/web/g, 'api') }]));
    assert.deepEqual(findings(hpa('api'), found, 'dangling-horizontalpodautoscaler'), []);
    await client.close(hpaUri);
    await client.close(uri);
  });

  it('non-isolated-pod (when turned on): follows the NetworkPolicies of the namespace across files', async () => {
    const configure = (rules: Record<string, string>) => client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { kubeside: { lint: { rules } } } });
    const uri = memoryUri('isolated-deployment.yaml');
    const text = deployment('isolated', 'web');
    await client.open(uri, text);
    const open = await republished(uri, () => configure({ 'non-isolated-pod': 'information' }));
    assert.deepEqual(findings(text, open, 'non-isolated-pod'), [[12, 'labels', 'no NetworkPolicy selects these pods: they accept traffic from every pod of the cluster']]);
    const policyUri = memoryUri('isolating-policy.yaml');
    const policy = (selector: string) =>
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: isolated\nspec:\n  podSelector:\n${selector}  policyTypes: [Ingress]\n`;
    const isolated = await republished(uri, () => client.open(policyUri, policy('    matchExpressions:\n      - {key: app, operator: In, values: [web]}\n')));
    assert.deepEqual(findings(text, isolated, 'non-isolated-pod'), []);
    const other = await republished(uri, () => client.change(policyUri, [{ text: policy('    matchLabels:\n      app: api\n') }]));
    assert.equal(findings(text, other, 'non-isolated-pod').length, 1);
    await client.close(policyUri);
    await republished(uri, () => configure({}));
    await client.close(uri);
  });

  it('leaves Secret data that is not base64 to validation, which already reports it as an error', async () => {
    const text = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: shop\ndata:\n  password: hunter2!\n';
    const published = await client.open(memoryUri('secret.yaml'), text);
    assert.deepEqual(
      published.diagnostics.map((d) => [d.source, d.severity, TextDocument.create('x', 'yaml', 1, text).getText(d.range)]),
      [['kubeside', 1, 'hunter2!']],
    );
  });
});
