// The REST layer's parts on their own: the PKI, protobuf request bodies, request paths, and the
// printers' columns and formats.
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { mergeKubeconfig } from '../../engine/http/kubeconfig';
import { ensureServingPKI } from '../../engine/http/pki';
import { decodeProtobuf } from '../../engine/http/protobuf';
import { deleteOptions, resourceRequestInfo } from '../../engine/http/requestInfo';
import { customResourcePrinter, humanDuration, selectJsonPath, toTable } from '../../engine/http/table';

// ---- a minimal protobuf writer, to build what client-go sends ----
/** A varint of an int64, negatives in two's complement (ten bytes), as Go writes them. */
const varint = (n: number): number[] => {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v > 127n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
};
const bytesField = (field: number, value: Buffer | string): Buffer => {
  const b = Buffer.isBuffer(value) ? value : Buffer.from(value);
  return Buffer.from([...varint(field * 8 + 2), ...varint(b.length), ...b]);
};
const varintField = (field: number, value: number) => Buffer.from([...varint(field * 8), ...varint(value)]);
const message = (...parts: Buffer[]) => Buffer.concat(parts);
const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([Buffer.from('k8s\0', 'latin1'), bytesField(1, message(bytesField(1, apiVersion), bytesField(2, kind))), bytesField(2, raw)]);

describe('REST layer parts', () => {
  describe('PKI', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'kubeside-pki-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('makes a CA and a serving certificate for 127.0.0.1 and localhost that the CA signed', async () => {
      const pki = await ensureServingPKI(dir, Date.UTC(2026, 10, 23));
      const ca = new X509Certificate(pki.caCert);
      const cert = new X509Certificate(pki.cert);
      assert.equal(ca.ca, true);
      assert.equal(cert.ca, false);
      assert.ok(cert.verify(ca.publicKey));
      assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
      assert.equal(cert.checkHost('localhost'), 'localhost');
      assert.ok(cert.checkPrivateKey(await import('node:crypto').then((c) => c.createPrivateKey(pki.key))));
      assert.equal(cert.validTo, 'Nov 23 00:00:00 2027 GMT');
    });

    it('keeps its CA and certificate on the next start, and renews a serving certificate near expiry under the same CA', async () => {
      const first = await ensureServingPKI(dir, Date.UTC(2026, 10, 23));
      const again = await ensureServingPKI(dir, Date.UTC(2026, 11, 1));
      assert.equal(again.caCert, first.caCert);
      assert.equal(again.cert, first.cert);
      const late = await ensureServingPKI(dir, Date.UTC(2027, 10, 1));
      assert.equal(late.caCert, first.caCert);
      assert.notEqual(late.cert, first.cert);
      assert.ok(new X509Certificate(late.cert).verify(new X509Certificate(first.caCert).publicKey));
    });
  });

  describe('kubeconfig merge', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'kubeside-kubeconfig-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));
    const entry = (server: string) => ({ name: 'kubeside', server, caCert: '-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n', token: 't'.repeat(64), user: 'kubeside-admin' });

    it('adds the kubeside cluster, user and context beside the others, keeping the current context', async () => {
      const file = path.join(dir, 'config');
      writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters:\n- name: prod\n  cluster: {server: "https://prod:6443"}\ncontexts:\n- name: prod\n  context: {cluster: prod, user: admin}\nusers:\n- name: admin\n  user: {token: x}\ncurrent-context: prod\n');
      await mergeKubeconfig(file, entry('https://127.0.0.1:1111'));
      await mergeKubeconfig(file, entry('https://127.0.0.1:2222'));
      const config = parseYaml(readFileSync(file, 'utf8'));
      assert.deepEqual(config.clusters.map((c: any) => `${c.name} ${c.cluster.server}`), ['prod https://prod:6443', 'kubeside https://127.0.0.1:2222']);
      assert.deepEqual(config.contexts.map((c: any) => c.name), ['prod', 'kubeside']);
      assert.deepEqual(config.users.map((u: any) => u.name), ['admin', 'kubeside-admin']);
      assert.equal(config['current-context'], 'prod');
      assert.equal(statSync(file).mode & 0o777, 0o600);
    });

    it('makes a new kubeconfig whose current context is kubeside when there was none', async () => {
      const file = path.join(dir, 'new', 'config');
      await mergeKubeconfig(file, entry('https://127.0.0.1:1111'));
      assert.equal(parseYaml(readFileSync(file, 'utf8'))['current-context'], 'kubeside');
    });
  });

  describe('protobuf bodies', () => {
    const objectMeta = (name: string, namespace = '') =>
      message(bytesField(1, name), bytesField(2, ''), bytesField(3, namespace), varintField(7, 0), bytesField(8, message(varintField(1, -62135596800))), bytesField(11, message(bytesField(1, 'app'), bytesField(2, 'web'))));

    it('decodes a Secret as client-go encodes it, dropping Go zero values', () => {
      const raw = message(bytesField(1, objectMeta('creds', 'shop')), bytesField(2, message(bytesField(1, 'password'), bytesField(2, 's3cret'))), bytesField(3, 'Opaque'));
      assert.deepEqual(decodeProtobuf(envelope('v1', 'Secret', raw)), {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds', namespace: 'shop', labels: { app: 'web' } },
        data: { password: Buffer.from('s3cret').toString('base64') },
        type: 'Opaque',
      });
    });

    it('keeps a pointer field set to false (immutable: false)', () => {
      const raw = message(bytesField(1, objectMeta('cm')), varintField(4, 0));
      assert.deepEqual(decodeProtobuf(envelope('v1', 'ConfigMap', raw)), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', labels: { app: 'web' } }, immutable: false });
    });

    it('decodes an autoscaling/v1 HorizontalPodAutoscaler as an older kubectl autoscale sends it', () => {
      const target = message(bytesField(1, 'Deployment'), bytesField(2, 'web'), bytesField(3, 'apps/v1'));
      const raw = message(bytesField(1, objectMeta('web', 'shop')), bytesField(2, message(bytesField(1, target), varintField(2, 2), varintField(3, 4), varintField(4, 50))));
      assert.deepEqual(decodeProtobuf(envelope('autoscaling/v1', 'HorizontalPodAutoscaler', raw)), {
        apiVersion: 'autoscaling/v1',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
        spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 50 },
      });
    });

    it('refuses, with 415, a kind or a field it cannot decode, rather than dropping it', () => {
      assert.throws(() => decodeProtobuf(envelope('apps/v1', 'StatefulSet', Buffer.alloc(0))), (e: any) => e.code === 415 && /HorizontalPodAutoscaler\.v1\.autoscaling, .* only, not StatefulSet\.v1\.apps: send it as JSON/.test(e.message));
      assert.throws(() => decodeProtobuf(envelope('batch/v1beta1', 'CronJob', Buffer.alloc(0))), (e: any) => e.code === 415 && /Pod\.v1, .* only, not CronJob\.v1beta1\.batch: send it as JSON/.test(e.message));
      assert.throws(() => decodeProtobuf(envelope('v1', 'ConfigMap', bytesField(9, 'x'))), (e: any) => e.code === 415 && /field 9 of ConfigMap/.test(e.message));
    });

    it('passes over fields it does not know when they hold Go zero values (a struct left unset)', () => {
      // ConfigMap has no field 9; here it is an empty string, then a message of zero fields.
      const raw = message(bytesField(1, objectMeta('cm')), bytesField(9, ''), bytesField(9, message(bytesField(1, ''), varintField(2, 0))));
      assert.deepEqual(decodeProtobuf(envelope('v1', 'ConfigMap', raw)), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', labels: { app: 'web' } } });
    });

    it('answers 400 for a truncated or unprefixed body', () => {
      assert.throws(() => decodeProtobuf(Buffer.from('{"kind":"Secret"}')), (e: any) => e.code === 400);
      assert.throws(() => decodeProtobuf(envelope('v1', 'Secret', Buffer.from([0x0a, 0x20, 0x01]))), (e: any) => e.code === 400);
    });
  });

  describe('request paths', () => {
    const q = new URLSearchParams();
    it('reads namespace, resource, name and subresource as kube-apiserver does', () => {
      assert.deepEqual(resourceRequestInfo('GET', '/apis/apps/v1/namespaces/shop/deployments/web/scale', q), { verb: 'get', ref: { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'shop', name: 'web', subresource: 'scale' } });
      assert.deepEqual(resourceRequestInfo('GET', '/api/v1/namespaces/shop', q), { verb: 'get', ref: { group: '', version: 'v1', resource: 'namespaces', name: 'shop' } });
      assert.deepEqual(resourceRequestInfo('PUT', '/api/v1/namespaces/shop/finalize', q), { verb: 'update', ref: { group: '', version: 'v1', resource: 'namespaces', name: 'shop', subresource: 'finalize' } });
      assert.deepEqual(resourceRequestInfo('GET', '/api/v1/watch/namespaces/shop/pods', q), { verb: 'watch', ref: { group: '', version: 'v1', resource: 'pods', namespace: 'shop' } });
      assert.deepEqual(resourceRequestInfo('GET', '/api/v1/pods', new URLSearchParams('watch=1')), { verb: 'watch', ref: { group: '', version: 'v1', resource: 'pods' } });
      assert.deepEqual(resourceRequestInfo('DELETE', '/api/v1/namespaces/shop/pods', q)?.verb, 'deletecollection');
      assert.equal(resourceRequestInfo('GET', '/api/v1/namespaces/shop/pods/web/log/extra', q), undefined);
      assert.throws(() => resourceRequestInfo('GET', '/api/v1/namespaces/%zz/pods', q), (e: any) => e.code === 400);
    });

    it('merges DeleteOptions from the body with the query, which wins', () => {
      assert.deepEqual(deleteOptions(new URLSearchParams('gracePeriodSeconds=0'), { kind: 'DeleteOptions', gracePeriodSeconds: 30, propagationPolicy: 'Foreground' }), { gracePeriodSeconds: 0, propagationPolicy: 'Foreground' });
      assert.throws(() => deleteOptions(new URLSearchParams('propagationPolicy=Sometimes'), undefined), (e: any) => e.code === 422);
      assert.throws(() => deleteOptions(new URLSearchParams('dryRun=Some'), undefined), (e: any) => e.code === 422);
    });
  });

  describe('printers', () => {
    it('formats ages as duration.HumanDuration does', () => {
      const s = 1000;
      const cases: [number, string][] = [[-5 * s, '<invalid>'], [0, '0s'], [119 * s, '119s'], [125 * s, '2m5s'], [180 * s, '3m'], [15 * 60 * s, '15m'], [3 * 3600 * s + 5 * 60 * s, '3h5m'], [10 * 3600 * s, '10h'], [3 * 86400 * s + 4 * 3600 * s, '3d4h'], [20 * 86400 * s, '20d'], [3 * 365 * 86400 * s, '3y'], [(3 * 365 + 10) * 86400 * s, '3y10d']];
      for (const [ms, text] of cases) assert.equal(humanDuration(ms), text, `${ms}ms`);
    });

    it('shows a pod waiting in a container by that reason, with restarts and readiness', () => {
      const now = Date.UTC(2026, 10, 23, 12, 0, 0);
      const pod = {
        metadata: { name: 'web-1', creationTimestamp: '2026-11-23T11:50:00Z' },
        spec: { nodeName: 'worker-1', containers: [{ name: 'a' }, { name: 'b' }] },
        status: {
          phase: 'Running',
          podIP: '10.244.1.5',
          containerStatuses: [
            { name: 'a', ready: true, restartCount: 0, state: { running: {} } },
            { name: 'b', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { finishedAt: '2026-11-23T11:58:00Z' } } },
          ],
        },
      };
      const table = toTable('', 'pods', [pod], { resourceVersion: '7' }, { include: 'None', now });
      assert.deepEqual(table.rows[0].cells, ['web-1', '1/2', 'CrashLoopBackOff', '3 (2m ago)', '10m', '10.244.1.5', 'worker-1', '<none>', '<none>']);
      const terminating = toTable('', 'pods', [{ ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2026-11-23T12:00:00Z' } }], {}, { include: 'None', now });
      assert.equal(terminating.rows[0].cells[2], 'Terminating');
    });

    it('prints a custom resource with its CRD\'s columns, selected by JSONPath', () => {
      const widget = { metadata: { name: 'w', creationTimestamp: '2026-11-23T11:00:00Z' }, spec: { size: 3, tags: ['a', 'b'] }, status: { conditions: [{ type: 'Synced', status: 'False' }, { type: 'Ready', status: 'True' }] } };
      assert.deepEqual(selectJsonPath(widget, '.status.conditions[?(@.type=="Ready")].status'), ['True']);
      assert.deepEqual(selectJsonPath(widget, '.spec.tags[1]'), ['b']);
      assert.deepEqual(selectJsonPath(widget, '.spec.missing'), []);
      const printer = customResourcePrinter([
        { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
        { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
        { name: 'Tags', type: 'string', jsonPath: '.spec.tags[*]', priority: 1 },
        { name: 'Count', type: 'integer', jsonPath: '.spec.tags' },
        { name: 'Owner', type: 'string', jsonPath: '.spec.owner' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ]);
      const table = toTable('example.com', 'widgets', [widget], {}, { include: 'None', now: Date.UTC(2026, 10, 23, 12), printer });
      assert.deepEqual(table.columnDefinitions.map((c: any) => `${c.name}:${c.type}:${c.priority}`), ['Name:string:0', 'Size:integer:0', 'Ready:string:0', 'Tags:string:1', 'Count:integer:0', 'Owner:string:0', 'Age:date:0']);
      // The first value selected, if it has the column's type; dates as an age.
      assert.deepEqual(table.rows[0].cells, ['w', 3, 'True', 'a', null, null, '60m']);
      assert.deepEqual(toTable('example.com', 'widgets', [widget], {}, { include: 'None', now: Date.UTC(2026, 10, 23, 12), printer: customResourcePrinter([]) }).rows[0].cells, ['w', '60m']);
    });

    it('prints jobs with their status, completions and duration, and cron jobs with their schedule', () => {
      const now = Date.UTC(2026, 10, 23, 12);
      const job = { metadata: { name: 'once', creationTimestamp: '2026-11-23T11:50:00Z' }, spec: { completions: 3, parallelism: 1, template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } }, status: { succeeded: 1, startTime: '2026-11-23T11:55:00Z' } };
      assert.deepEqual(toTable('batch', 'jobs', [job], {}, { include: 'None', now }).rows[0].cells, ['once', 'Running', '1/3', '5m', '10m', 'c', 'busybox', '<none>']);
      const done = { ...job, status: { succeeded: 3, startTime: '2026-11-23T11:55:00Z', completionTime: '2026-11-23T11:55:42Z', conditions: [{ type: 'Complete', status: 'True' }] } };
      assert.deepEqual(toTable('batch', 'jobs', [done], {}, { include: 'None', now }).rows[0].cells.slice(1, 4), ['Complete', '3/3', '42s']);
      const cron = { metadata: { name: 'nightly', creationTimestamp: '2026-11-23T11:00:00Z' }, spec: { schedule: '0 3 * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }] } } } } } };
      assert.deepEqual(toTable('batch', 'cronjobs', [cron], {}, { include: 'None', now }).rows[0].cells, ['nightly', '0 3 * * *', '<none>', 'False', 0, '<none>', '60m', 'c', 'busybox', '<none>']);
    });

    it('prints events.k8s.io Events with the core Event columns', () => {
      const now = Date.UTC(2026, 10, 23, 12);
      const event = { metadata: { name: 'web.1' }, eventTime: '2026-11-23T11:59:00.000000Z', type: 'Warning', reason: 'BackOff', regarding: { kind: 'Pod', name: 'web', fieldPath: 'spec.containers{web}' }, note: 'Back-off restarting failed container', reportingController: 'kubelet', reportingInstance: 'worker-1', series: { count: 4, lastObservedTime: '2026-11-23T11:59:30.000000Z' } };
      const table = toTable('events.k8s.io', 'events', [event], {}, { include: 'None', now });
      assert.deepEqual(table.columnDefinitions.map((c: any) => c.name), ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']);
      assert.deepEqual(table.rows[0].cells, ['30s', 'Warning', 'BackOff', 'pod/web', 'spec.containers{web}', 'kubelet, worker-1', 'Back-off restarting failed container', '60s', '4', 'web.1']);
    });

    it('uses the default table convertor (Name, Created At) for ClusterRoles, and Name, Age for resources without a printer', () => {
      const role = { metadata: { name: 'view', creationTimestamp: '2026-11-23T11:00:00Z' } };
      const roles = toTable('rbac.authorization.k8s.io', 'clusterroles', [role], {}, { include: 'None', now: 0 });
      assert.deepEqual(roles.columnDefinitions.map((c: any) => c.name), ['Name', 'Created At']);
      assert.deepEqual(roles.rows[0].cells, ['view', '2026-11-23T11:00:00Z']);
      const leases = toTable('coordination.k8s.io', 'leases', [role], {}, { include: 'None', now: Date.UTC(2026, 10, 23, 12) });
      assert.deepEqual(leases.rows[0].cells, ['view', '60m']);
    });
  });
});
