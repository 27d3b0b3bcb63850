// `npm run bench patch`: throughput of the API machinery every write and list goes through —
// label selector matching (pods × selectors), field selectors, strategic merge patch and its
// two-way creation, JSON patch, and server-side apply with managedFields — on realistic
// Deployments against the vendored Kubernetes schemas.
import { apply, update } from '../engine/api/apply/fieldManager';
import { fieldSelectorPredicate } from '../engine/api/fields/selectableFields';
import { parseSelector } from '../engine/api/labels/selector';
import { applyJSONPatch } from '../engine/api/patch/jsonPatch';
import { createTwoWayMergePatch, strategicMergePatch } from '../engine/api/patch/strategicMergePatch';
import { openapi } from '../engine/api/schema/index';
import { Random } from '../engine/util/random';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Runs `fn` `n` times after a warm-up and returns operations per second. */
function rate(n: number, fn: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(n, 200); i++) fn(i);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  return (n / (performance.now() - t0)) * 1000;
}

const rnd = new Random(42);
const schema = openapi().forKind('apps', 'v1', 'Deployment')!;

function deployment(i: number, image = 'nginx:1.27'): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `web-${i}`, namespace: 'shop', labels: { app: `web-${i}`, tier: 'front' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: `web-${i}` } },
      template: {
        metadata: { labels: { app: `web-${i}`, tier: 'front' } },
        spec: {
          containers: [
            { name: 'web', image, ports: [{ containerPort: 8080, protocol: 'TCP' }], env: Array.from({ length: 6 }, (_, e) => ({ name: `VAR_${e}`, value: `v${e}` })), resources: { requests: { cpu: '100m', memory: '128Mi' } } },
            { name: 'log', image: 'fluentd:1', volumeMounts: [{ name: 'logs', mountPath: '/var/log' }] },
          ],
          volumes: [{ name: 'logs', emptyDir: {} }],
        },
      },
    },
  };
}

const rows: [string, string][] = [];

// Label selectors: 10k pods × 10 selectors per round.
const tiers = ['front', 'back', 'edge'];
const pods = Array.from({ length: 10_000 }, (_, i) => ({ app: `web-${i % 100}`, tier: tiers[rnd.int(3)]!, 'pod-template-hash': rnd.suffix(10) }));
const selectors = Array.from({ length: 10 }, (_, i) => parseSelector(`app=web-${i},tier in (front,edge),!canary`));
let matched = 0;
const labelRate = rate(20, () => {
  for (const s of selectors) for (const p of pods) if (s.matches(p)) matched++;
}) * pods.length * selectors.length;
rows.push(['label selector matches / s', fmt(labelRate)]);
rows.push(['label selector parses / s', fmt(rate(50_000, (i) => parseSelector(`app=web-${i % 50},tier in (a,b,c),!canary,env!=dev`)))]);

const podObjects = Array.from({ length: 10_000 }, (_, i) => ({ metadata: { name: `p${i}`, namespace: 'shop' }, spec: { nodeName: `node-${i % 50}` }, status: { phase: i % 7 ? 'Running' : 'Pending' } }));
const onNode = fieldSelectorPredicate('', 'Pod', 'spec.nodeName=node-3,status.phase=Running');
rows.push(['field selector matches / s', fmt(rate(20, () => podObjects.filter(onNode).length) * podObjects.length)]);

// Patches on one Deployment.
const live = deployment(1);
const smp = { spec: { replicas: 5, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] } } } };
rows.push(['strategic merge patches / s', fmt(rate(20_000, () => strategicMergePatch(live, smp, schema)))]);
const modified = deployment(1, 'nginx:1.28');
rows.push(['two-way patch creations / s', fmt(rate(20_000, () => createTwoWayMergePatch(live, modified, schema)))]);
rows.push(['JSON patches / s', fmt(rate(20_000, () => applyJSONPatch(live, [{ op: 'replace', path: '/spec/replicas', value: 4 }, { op: 'test', path: '/metadata/name', value: 'web-1' }])))]);

// Server-side apply: re-applying a configuration with a new image over an object two managers share.
const opts = { schema, manager: 'kubectl', apiVersion: 'apps/v1', time: '2026-01-01T00:00:00Z', ignoredFields: [['f:status']] };
let obj = apply<Record<string, any>>(undefined, deployment(1), opts);
obj = update(obj, { ...obj, spec: { ...obj.spec, replicas: 7 } }, { ...opts, manager: 'kube-controller-manager' });
const config = deployment(1, 'nginx:1.28');
delete config.spec.replicas;
rows.push(['server-side applies / s', fmt(rate(5_000, () => apply(obj, config, opts)))]);
rows.push(['managed-fields updates / s', fmt(rate(5_000, () => update(obj, modified, { ...opts, manager: 'editor' })))]);

const width = Math.max(...rows.map((r) => r[0].length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v.padStart(14)}`);
if (matched === 0) throw new Error('no pod matched: the label benchmark measured nothing');
