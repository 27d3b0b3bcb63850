// Diagnostics as the API server would judge each object, placed on the exact key or value.
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, memoryUri, messageText } from './lspClient';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: two
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      contaners: []
      containers:
        - image: nginx
          imagePullPolicy: Alwayz
`;

/** Validation's diagnostics only: these tests are about what the API server would say, not lint rules. */
const validation = (ds: Diagnostic[]) => ds.filter((d) => d.source === 'kubeside');
const brief = (d: Diagnostic) => ({ code: d.code, range: `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`, message: messageText(d.message) });

describe('language server: diagnostics', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
  });
  after(async () => {
    await client.stop();
  });

  // A list item without a key to point at (a container missing its name) is marked on its first line.
  it('places each field error of a Deployment on its key or value, in the API server words', async () => {
    const published = await client.open(memoryUri('web.yaml'), deployment);
    assert.deepEqual(validation(published.diagnostics).map(brief), [
      { code: 'TypeInvalid', range: '5:12-5:15', message: 'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"' },
      { code: 'UnknownField', range: '14:6-14:15', message: 'unknown field "spec.template.spec.contaners"' },
      { code: 'Required', range: '16:10-16:22', message: 'spec.template.spec.containers[0].name: Required value' },
      {
        code: 'NotSupported',
        range: '17:27-17:33',
        message: 'spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Alwayz": supported values: "Always", "IfNotPresent", "Never"',
      },
    ]);
    assert.ok(validation(published.diagnostics).every((d) => d.severity === 1));
  });

  it('reports a missing required field on the key of the object that lacks it', async () => {
    const published = await client.open(memoryUri('no-selector.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n');
    const required = published.diagnostics.filter((d) => d.code === 'Required').map(brief);
    assert.deepEqual(required, [
      { code: 'Required', range: '4:0-4:4', message: 'spec.selector: Required value' },
      { code: 'Required', range: '4:0-4:4', message: 'spec.template: Required value' },
    ]);
  });

  it("places a converted kind's errors on the served version's fields, in the API server's words for the stored one", async () => {
    const event = [
      'apiVersion: events.k8s.io/v1',
      'kind: Event',
      'metadata:',
      '  name: ev-1',
      '  namespace: default',
      'eventTime: "2026-01-01T00:00:00.000000Z"',
      'reportingController: kubeside.dev/x',
      'reportingInstance: me',
      'action: Do',
      'reason: Because',
      'type: Normal',
      'regarding: {kind: Pod, name: web}',
      'deprecatedCount: 3',
      'deprecatedSource: {component: kubelet}',
      '',
    ].join('\n');
    const events = await client.open(memoryUri('event.yaml'), event);
    assert.deepEqual(validation(events.diagnostics).map(brief), [
      { code: 'Invalid', range: '12:17-12:18', message: 'count: Invalid value: "": needs to be unset' },
      { code: 'Invalid', range: '13:18-13:38', message: 'source: Invalid value: "": needs to be unset' },
    ]);
    const hpa = 'apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 3\n  targetCPUUtilizationPercentage: 0\n';
    const hpas = await client.open(memoryUri('hpa.yaml'), hpa);
    assert.deepEqual(validation(hpas.diagnostics).map(brief), [
      { code: 'Invalid', range: '7:34-7:35', message: 'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0' },
    ]);
  });

  it('reports an unknown kind on the kind, suggesting the nearest real one', async () => {
    const published = await client.open(memoryUri('typo.yaml'), 'apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: web\n');
    assert.deepEqual(published.diagnostics.map(brief), [
      {
        code: 'Invalid',
        range: '1:6-1:16',
        message: 'kind: Invalid value: "Deploymnet": no matches for kind "Deploymnet" in version "apps/v1"; did you mean "apps/v1 Deployment"?',
      },
    ]);
  });

  it('reports a kind in a version that does not serve it on the apiVersion', async () => {
    const published = await client.open(memoryUri('old.yaml'), 'apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: web\n');
    assert.equal(published.diagnostics.length, 1);
    assert.equal(brief(published.diagnostics[0]!).range, '0:12-0:30');
    assert.match(messageText(published.diagnostics[0]!.message), /did you mean "apps\/v1 Deployment"\?$/);
  });

  it('checks every document of a stream and clears a diagnostic once the typo is fixed', async () => {
    const uri = memoryUri('fix.yaml');
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\nspec:\n  typ: ClusterIP\n  ports:\n    - port: 80\n';
    const first = await client.open(uri, text);
    assert.deepEqual(first.diagnostics.map(brief), [{ code: 'UnknownField', range: '10:2-10:5', message: 'unknown field "spec.typ"' }]);
    const fixed = await client.change(uri, [{ range: { start: { line: 10, character: 5 }, end: { line: 10, character: 5 } }, text: 'e' }]);
    assert.deepEqual(fixed.diagnostics, []);
  });

  it('leaves YAML that is no Kubernetes object alone, but reports a missing kind on one that has an apiVersion', async () => {
    const workflow = await client.open(memoryUri('workflow.yaml'), 'name: CI\non:\n  push:\njobs:\n  test:\n    runs-on: ubuntu-latest\n');
    assert.deepEqual(workflow.diagnostics, []);
    const half = await client.open(memoryUri('half.yaml'), 'apiVersion: v1\nmetadata:\n  name: x\n');
    assert.deepEqual(half.diagnostics.map(brief), [{ code: 'Required', range: '0:0-0:14', message: 'kind: Required value: kind not set' }]);
  });

  // rest.BeforeCreate drops a cluster-scoped object's namespace and generates a missing name before
  // validation; a generated name is still judged (here, from a generateName with capitals).
  it('judges an object as the API server creates it: generateName for a name, a namespace on a cluster-scoped kind ignored', async () => {
    const text = [
      'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: busybox}]\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n  namespace: kube-system\nrules: []\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: Cfg-\n',
    ].join('---\n');
    const published = await client.open(memoryUri('created.yaml'), text);
    assert.deepEqual(validation(published.diagnostics).map((d) => messageText(d.message)), [
      'metadata.generateName: Invalid value: "Cfg-": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
      'metadata.name: Invalid value: "Cfg-b2d4f": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
    ]);
  });

  it('does not judge an object whose YAML does not parse', async () => {
    const published = await client.open(memoryUri('broken.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: [1\n');
    assert.ok(published.diagnostics.length > 0);
    assert.ok(published.diagnostics.every((d) => typeof d.code === 'string' && /^[a-z-]+$/.test(d.code)), JSON.stringify(published.diagnostics.map(brief)));
  });

  it('offers quick fixes for a misspelt field, enum value, and kind in the wrong version', async () => {
    const uri = memoryUri('fixes.yaml');
    const published = await client.open(uri, 'apiVersion: v1\nkind: Deploymnet\nmetadata:\n  name: web\n---\n' + deployment);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } },
      context: { diagnostics: validation(published.diagnostics) },
    });
    assert.deepEqual(actions.map((a) => a.title).sort(), ['Change to Always', 'Change to apps/v1 Deployment', 'Change to containers']);
    const kindFix = actions.find((a) => a.title === 'Change to apps/v1 Deployment')!;
    assert.deepEqual(kindFix.edit?.changes?.[uri], [
      { range: { start: { line: 0, character: 12 }, end: { line: 0, character: 14 } }, newText: 'apps/v1' },
      { range: { start: { line: 1, character: 6 }, end: { line: 1, character: 16 } }, newText: 'Deployment' },
    ]);
    const fieldFix = actions.find((a) => a.title === 'Change to containers')!;
    assert.equal(fieldFix.kind, 'quickfix');
    assert.deepEqual(fieldFix.edit?.changes?.[uri], [{ range: { start: { line: 19, character: 6 }, end: { line: 19, character: 15 } }, newText: 'containers' }]);
    assert.equal(fieldFix.diagnostics?.[0]?.code, 'UnknownField');
    const enumFix = actions.find((a) => a.title === 'Change to Always')!;
    assert.deepEqual(enumFix.edit?.changes?.[uri], [{ range: { start: { line: 22, character: 27 }, end: { line: 22, character: 33 } }, newText: 'Always' }]);
  });
});
