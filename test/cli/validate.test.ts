// Scenarios for `kubeside validate`, run in-process through the CLI's main() on manifest files
// written to a scratch directory.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../cli/main';

async function run(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await main(['validate', ...args], { stdout, stderr, cwd });
  return { code, stdout: out, stderr: err };
}

const valid = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: http
`;

const broken = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: three
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
        - name: web
          image: nginx
          imagePullPolicy: Alwayz
---
apiVersion: apps/v1beta1
kind: Deployment
metadata:
  name: old
`;

describe('kubeside validate', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'kubeside-validate-'));
    mkdirSync(path.join(dir, 'manifests', 'nested'), { recursive: true });
    writeFileSync(path.join(dir, 'manifests', 'service.yaml'), valid);
    writeFileSync(path.join(dir, 'manifests', 'nested', 'configmap.json'), JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } }));
    writeFileSync(path.join(dir, 'manifests', 'notes.txt'), 'not a manifest');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 and says so when every manifest of a directory tree is valid', async () => {
    const r = await run(dir, 'manifests');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '2 files, 2 objects: 0 errors, 0 warnings\n');
  });

  it('prints each problem at file:line:column with the object and exits 1', async () => {
    writeFileSync(path.join(dir, 'broken.yaml'), broken);
    const r = await run(dir, 'broken.yaml');
    assert.equal(r.code, 1);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [
      'broken.yaml:6:13: Deployment/web: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      'broken.yaml:15:7: Deployment/web: unknown field "spec.template.spec.contaners"',
      'broken.yaml:19:28: Deployment/web: spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Alwayz": supported values: "Always", "IfNotPresent", "Never"',
      'broken.yaml:21:13: Deployment/old: apiVersion: Invalid value: "apps/v1beta1": no matches for kind "Deployment" in version "apps/v1beta1"; did you mean "apps/v1 Deployment"?',
      '1 file, 2 objects: 4 errors, 0 warnings',
    ]);
  });

  it('turns unknown and duplicate fields into warnings with --field-validation=Warn, and passes', async () => {
    writeFileSync(path.join(dir, 'dup.yaml'), valid.replace('  name: web\n', '  name: web\n  nme: typo\n  name: web\n'));
    const r = await run(dir, '--field-validation=Warn', 'dup.yaml');
    assert.equal(r.code, 0);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [
      'dup.yaml:5:3: Service/web: Warning: unknown field "metadata.nme"',
      'dup.yaml:6:3: Service/web: Warning: duplicate field "metadata.name"',
      '1 file, 1 object: 0 errors, 2 warnings',
    ]);
  });

  it('ignores them with --field-validation Ignore, and rejects them by default', async () => {
    writeFileSync(path.join(dir, 'dup.yaml'), valid.replace('  name: web\n', '  name: web\n  name: web\n'));
    assert.equal((await run(dir, '--field-validation', 'Ignore', 'dup.yaml')).stdout, '1 file, 1 object: 0 errors, 0 warnings\n');
    const strict = await run(dir, 'dup.yaml');
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /^dup\.yaml:5:3: Service\/web: duplicate field "metadata\.name"$/m);
  });

  it('checks custom resources against the CRDs among the files given, in any order, and judges objects as the API server creates them', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'crontabs.stable.example.com' },
      spec: {
        group: 'stable.example.com',
        scope: 'Namespaced',
        names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', required: ['cronSpec'], properties: { cronSpec: { type: 'string' }, replicas: { type: 'integer' } } } } } },
          },
        ],
      },
    };
    // The custom resources come first in file order: the CRD in z-crd.json still defines their kind.
    writeFileSync(
      path.join(dir, 'a-crontabs.yaml'),
      'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: ok\nspec:\n  cronSpec: "* * * * */5"\n---\napiVersion: stable.example.com/v1\nkind: CronTab\nmetadata:\n  name: bad\nspec:\n  replicas: two\n',
    );
    writeFileSync(path.join(dir, 'z-crd.json'), JSON.stringify(crd));
    // A namespace on a cluster-scoped kind is dropped by the API server, and generateName stands for a name.
    writeFileSync(
      path.join(dir, 'b-created.yaml'),
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n  namespace: shop\nrules: []\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: m\n          image: busybox:1.36\n',
    );
    const r = await run(dir, 'a-crontabs.yaml', 'b-created.yaml', 'z-crd.json');
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [
      'a-crontabs.yaml:12:1: CronTab/bad: spec.cronSpec: Required value',
      'a-crontabs.yaml:13:13: CronTab/bad: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      '3 files, 5 objects: 2 errors, 0 warnings',
    ]);
    assert.equal(r.code, 1);
    // Without the CRD (and nothing left registered by the run before) the kind is unknown, as on a cluster without it.
    const alone = await run(dir, 'a-crontabs.yaml');
    assert.match(alone.stdout, /CronTab\/ok: kind: Invalid value: "CronTab": no matches for kind "CronTab" in version "stable.example.com\/v1"/);
  });

  it('finds no error in the manifest corpus and the examples (CRDs and their custom resources included)', async () => {
    const root = path.resolve(__dirname, '..', '..');
    const r = await run(root, 'test/corpus', 'examples');
    assert.deepEqual(r.stdout.split('\n').filter((line) => /^\S+:\d+:\d+: /.test(line) && !line.includes('Warning: ')), []);
    assert.match(r.stdout, /: 0 errors, \d+ warnings?\n$/);
    assert.equal(r.code, 0);
  });

  it('reports YAML syntax errors at their position', async () => {
    writeFileSync(path.join(dir, 'syntax.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [a\n');
    const r = await run(dir, 'syntax.yaml');
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^syntax\.yaml:5:1: yaml: Flow sequence in block collection must be sufficiently indented and end with a \]$/m);
  });

  it('warns about kinds the embedded cluster does not serve, and rejects them with --served-only', async () => {
    writeFileSync(path.join(dir, 'deviceclass.yaml'), 'apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata:\n  name: gpu\nspec:\n  selectors:\n  - cel:\n      expression: device.driver == "gpu.example.com"\n');
    const r = await run(dir, 'deviceclass.yaml');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^deviceclass\.yaml:2:7: DeviceClass\/gpu: Warning: resource\.k8s\.io\/v1 DeviceClass is part of Kubernetes but not served by the embedded cluster$/m);
    assert.equal((await run(dir, '--served-only', 'deviceclass.yaml')).code, 1);
  });

  it('prints machine-readable problems with -o json', async () => {
    writeFileSync(path.join(dir, 'broken.yaml'), broken);
    const r = await run(dir, '-o', 'json', 'broken.yaml');
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.errors, 4);
    assert.deepEqual(out.problems[0], {
      file: 'broken.yaml',
      line: 6,
      column: 13,
      endLine: 6,
      endColumn: 18,
      severity: 'error',
      object: 'Deployment/web',
      field: 'spec.replicas',
      reason: 'TypeInvalid',
      message: 'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    });
  });

  it('fails on a path that does not exist, and on bad usage with exit code 2', async () => {
    const missing = await run(dir, 'nope.yaml');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'error: the path "nope.yaml" does not exist\n');
    const usage = await run(dir, '--field-validation=Sometimes', 'x.yaml');
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /invalid --field-validation "Sometimes": must be one of Strict, Warn, Ignore/);
    assert.equal((await run(dir)).code, 2);
  });
});
