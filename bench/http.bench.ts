// `npm run bench http`: what the REST layer costs over the in-process API server it fronts — the
// same get, create, patch and list through HTTPS (keep-alive) and in process, get with 1, 8 and 32
// concurrent clients, a list as a Table, watch delivery from a write to the HTTP client, fan-out to
// 100 HTTP watchers, and the wall time of real kubectl calls.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import * as https from 'node:https';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startServer } from '../engine/http/index';

const core = { group: '', version: 'v1' };
const configmaps = { ...core, resource: 'configmaps' };
const n = 2_000;
const listSize = 1_000;
const concurrency = 8;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Row {
  name: string;
  ops: number;
  ms: number;
  lat: number[];
}

async function timed(name: string, count: number, op: (i: number) => Promise<unknown> | unknown, parallel = concurrency): Promise<Row> {
  const lat: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const t = performance.now();
        await op(i);
        lat.push(performance.now() - t);
      }
    }),
  );
  return { name, ops: count, ms: performance.now() - start, lat: lat.sort((a, b) => a - b) };
}

async function main(): Promise<void> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'kubeside-bench-http-'));
  const served = await startServer({ stateDir, seed: 1 });
  const url = new URL(served.url);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 32, ca: Buffer.from(served.caData, 'base64') });
  const call = (method: string, p: string, body?: string, accept = 'application/json') =>
    new Promise<string>((resolve, reject) => {
      const req = https.request({ host: url.hostname, port: url.port, method, path: p, agent, headers: { Authorization: `Bearer ${served.token}`, Accept: accept, ...(body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => (res.statusCode! < 300 ? resolve(text) : reject(new Error(`${method} ${p}: ${res.statusCode} ${text}`))));
      });
      req.on('error', reject);
      req.end(body);
    });

  const callPatch = (p: string, body: string) =>
    new Promise<string>((resolve, reject) => {
      const req = https.request({ host: url.hostname, port: url.port, method: 'PATCH', path: p, agent, headers: { Authorization: `Bearer ${served.token}`, Accept: 'application/json', 'Content-Type': 'application/merge-patch+json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => (res.statusCode! < 300 ? resolve(text) : reject(new Error(`PATCH ${p}: ${res.statusCode} ${text}`))));
      });
      req.on('error', reject);
      req.end(body);
    });

  const client = served.client;
  await client.create({ ...core, resource: 'namespaces' }, undefined, { metadata: { name: 'bench' } });
  const rows: Row[] = [];
  const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { key: 'value' } });

  rows.push(await timed('create (in process)', n, (i) => client.create(configmaps, 'bench', cm(`local-${i}`))));
  rows.push(await timed('create (HTTPS)', n, (i) => call('POST', '/api/v1/namespaces/bench/configmaps', JSON.stringify(cm(`http-${i}`)))));
  rows.push(await timed('get (in process)', n, (i) => client.get(configmaps, 'bench', `local-${i % n}`)));
  rows.push(await timed('get (HTTPS)', n, (i) => call('GET', `/api/v1/namespaces/bench/configmaps/http-${i % n}`)));
  for (const clients of [1, 32]) rows.push(await timed(`get (HTTPS, ${clients} client${clients === 1 ? '' : 's'})`, n, (i) => call('GET', `/api/v1/namespaces/bench/configmaps/http-${i % n}`), clients));
  const labelPatch = (i: number) => JSON.stringify({ metadata: { labels: { round: String(i) } } });
  rows.push(await timed('patch, merge (in process)', n, (i) => client.patch(configmaps, 'bench', `local-${i}`, 'merge', JSON.parse(labelPatch(i)))));
  rows.push(await timed('patch, merge (HTTPS)', n, (i) => callPatch(`/api/v1/namespaces/bench/configmaps/http-${i}`, labelPatch(i))));
  rows.push(await timed(`list ${listSize} (in process)`, 50, () => client.list(configmaps, 'bench', { limit: listSize }), 1));
  rows.push(await timed(`list ${listSize} (HTTPS)`, 50, () => call('GET', `/api/v1/namespaces/bench/configmaps?limit=${listSize}`), 1));
  rows.push(await timed(`list ${listSize} as Table (HTTPS)`, 50, () => call('GET', `/api/v1/namespaces/bench/configmaps?limit=${listSize}`, undefined, 'application/json;as=Table;v=v1;g=meta.k8s.io'), 1));

  // Watch delivery: a write in process, until its event arrives at an HTTPS watch client.
  const writes = 500;
  const delivery: number[] = [];
  const sentAt = new Map<string, number>();
  const watchDone = new Promise<void>((resolve, reject) => {
    const req = https.get({ host: url.hostname, port: url.port, path: '/api/v1/namespaces/bench/configmaps?watch=true&resourceVersion=' + client.list(configmaps, 'bench', { limit: 1 }).metadata.resourceVersion, ca: Buffer.from(served.caData, 'base64'), headers: { Authorization: `Bearer ${served.token}` } }, (res) => {
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buffered += d;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const e = JSON.parse(buffered.slice(0, nl));
          buffered = buffered.slice(nl + 1);
          const t = sentAt.get(e.object.metadata.name);
          if (t !== undefined) delivery.push(performance.now() - t);
          if (delivery.length === writes) {
            req.destroy();
            resolve();
          }
        }
      });
    });
    req.on('error', (err) => (delivery.length === writes ? undefined : reject(err)));
  });
  await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < writes; i++) {
    sentAt.set(`watched-${i}`, performance.now());
    await client.create(configmaps, 'bench', cm(`watched-${i}`));
  }
  await watchDone;
  delivery.sort((a, b) => a - b);

  // Fan-out: 100 HTTPS watch streams of the namespace, 200 writes; events delivered per second over all.
  const watchers = 100;
  const fanWrites = 200;
  let delivered = 0;
  let lastAt = 0;
  const fromVersion = client.list(configmaps, 'bench', { limit: 1 }).metadata.resourceVersion;
  const streams: ReturnType<typeof https.get>[] = [];
  const allDelivered = new Promise<void>((resolve) => {
    for (let w = 0; w < watchers; w++) {
      const req = https.get({ host: url.hostname, port: url.port, agent: false, path: `/api/v1/namespaces/bench/configmaps?watch=true&resourceVersion=${fromVersion}`, ca: Buffer.from(served.caData, 'base64'), headers: { Authorization: `Bearer ${served.token}` } }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          for (let i = d.indexOf('\n'); i >= 0; i = d.indexOf('\n', i + 1)) delivered++;
          lastAt = performance.now();
          if (delivered >= watchers * fanWrites) resolve();
        });
      });
      req.on('error', () => undefined);
      streams.push(req);
    }
  });
  await new Promise((r) => setTimeout(r, 500));
  const fanStart = performance.now();
  for (let i = 0; i < fanWrites; i++) await client.create(configmaps, 'bench', cm(`fan-${i}`));
  await Promise.race([allDelivered, new Promise((r) => setTimeout(r, 60_000))]);
  for (const req of streams) req.destroy();
  const fanSeconds = (lastAt - fanStart) / 1000;

  // kubectl's own wall time: process start, TLS, discovery (cached after the first call), request, printing.
  let kubectlRow: Row | undefined;
  try {
    // @ts-ignore -- a plain JavaScript module of the repository's scripts
    const { kubectlPath } = (await import('../scripts/kubectl.mjs')) as { kubectlPath(): string };
    const bin = kubectlPath();
    const env = { PATH: process.env.PATH, HOME: stateDir, KUBECONFIG: served.kubeconfigPath };
    // Asynchronously: the server answering kubectl runs in this process.
    const run = promisify(execFile);
    await run(bin, ['get', 'ns'], { env });
    kubectlRow = await timed('kubectl get cm (one of 4,500)', 10, () => run(bin, ['get', 'cm', 'watched-1', '-n', 'bench'], { env }), 1);
  } catch (err) {
    console.log(`(kubectl not run: ${err instanceof Error ? err.message : String(err)})`);
  }

  const pad = (s: string, w: number) => s.padEnd(w);
  console.log(`REST API over HTTPS vs the in-process API server it fronts (Node ${process.version}, ${concurrency} concurrent requests)\n`);
  console.log(`${pad('operation', 40)}${pad('ops/s', 12)}${pad('p50 ms', 10)}${pad('p99 ms', 10)}`);
  for (const r of [...rows, ...(kubectlRow ? [kubectlRow] : [])]) {
    console.log(`${pad(r.name, 40)}${pad(Math.round((r.ops / r.ms) * 1000).toLocaleString(), 12)}${pad(percentile(r.lat, 50).toFixed(3), 10)}${pad(percentile(r.lat, 99).toFixed(3), 10)}`);
  }
  console.log(`${pad(`watch: write → HTTPS client (${writes})`, 40)}${pad('', 12)}${pad(percentile(delivery, 50).toFixed(3), 10)}${pad(percentile(delivery, 99).toFixed(3), 10)}`);
  console.log(`${pad(`watch fan-out to ${watchers} HTTPS watchers`, 40)}${pad(Math.round(delivered / fanSeconds).toLocaleString(), 12)}events/s delivered (${delivered.toLocaleString()} of ${(watchers * fanWrites).toLocaleString()})`);
  agent.destroy();
  await served.close();
  rmSync(stateDir, { recursive: true, force: true });
}

void main();
