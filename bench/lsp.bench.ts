// `npm run bench lsp`: the language server as an editor sees it, through a real LSP connection to the
// bundled server over Node IPC: start-up, first diagnostics of a 1,000-document file, the latency of
// a keystroke in it (with how many documents it re-parsed), completion and hover, and scanning a
// 2,000-file workspace while a document is checked. Debounce is 0 ms so figures are the server's work.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { LspClient } from '../test/language-server/lspClient';

const root = path.resolve(__dirname, '..');
const documentCount = 1000;
const edits = 50;
const workspaceFiles = 2000;

const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;

function deployment(i: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  labels:
    app: app-${i}
spec:
  replicas: ${i % 5}
  selector:
    matchLabels:
      app: app-${i}
  template:
    metadata:
      labels:
        app: app-${i}
    spec:
      containers:
        - name: app
          image: registry.example/app:${i}
          ${i % 50 === 0 ? 'imagePullPolicy: Sometimes' : 'imagePullPolicy: IfNotPresent'}
          envFrom:
            - configMapRef:
                name: config-${i}
          ports:
            - containerPort: 8080
          resources:
            requests:
              cpu: 100m
              memory: 128Mi`;
}

function service(i: number): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: app-${i}
spec:
  selector:
    app: app-${i}
  ports:
    - port: 80
      targetPort: 8080`;
}

function configMap(i: number): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: config-${i}
data:
  mode: fast`;
}

interface Stats {
  parses: number;
  checks: number;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeside-lsp-bench-'));
  try {
    const bundle = path.join(dir, 'server.js');
    await esbuild.build({ entryPoints: [path.join(root, 'language-server/server.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'error' });
    const rows: [string, string][] = [];

    // --- one big file ---
    let t = performance.now();
    const client = await LspClient.start({ ipcModule: bundle, debounceMs: 0 });
    rows.push(['start-up to initialize result (bundle, IPC)', `${fmt(performance.now() - t)} ms`]);
    const docs: string[] = [];
    for (let i = 0; i < documentCount / 2; i++) docs.push(deployment(i), service(i));
    const text = docs.join('\n---\n') + '\n';
    const uri = 'file:///bench/big.yaml';
    t = performance.now();
    const first = await client.open(uri, text);
    rows.push([`first diagnostics, ${documentCount} documents (${fmt(text.length / 1024, 0)} KiB)`, `${fmt(performance.now() - t)} ms, ${first.diagnostics.length} diagnostics`]);

    // Keystrokes in the middle document: change the replica count back and forth.
    const lines = text.split('\n');
    const middle = lines.findIndex((l, i) => i > lines.length / 2 && l.startsWith('  replicas: '));
    const latencies: number[] = [];
    const before = await client.request<Stats>('kubeside/stats', {});
    for (let e = 0; e < edits; e++) {
      t = performance.now();
      await client.change(uri, [{ range: { start: { line: middle, character: 12 }, end: { line: middle, character: 13 } }, text: String(e % 10) }]);
      latencies.push(performance.now() - t);
    }
    const after = await client.request<Stats>('kubeside/stats', {});
    rows.push([`keystroke → diagnostics (median / p95 of ${edits})`, `${fmt(quantile(latencies, 0.5))} / ${fmt(quantile(latencies, 0.95))} ms`]);
    rows.push(['documents re-parsed / re-checked per keystroke', `${fmt((after.parses - before.parses) / edits)} / ${fmt((after.checks - before.checks) / edits)}`]);

    // Completion of a container's fields and hover on a field, in the same file.
    const containerLine = lines.findIndex((l, i) => i > middle && l.startsWith('          image: '));
    const completionTimes: number[] = [];
    const hoverTimes: number[] = [];
    let itemCount = 0;
    for (let e = 0; e < edits; e++) {
      t = performance.now();
      const items = await client.request<unknown[]>('textDocument/completion', { textDocument: { uri }, position: { line: containerLine, character: 10 } });
      completionTimes.push(performance.now() - t);
      itemCount = items.length;
      t = performance.now();
      await client.request('textDocument/hover', { textDocument: { uri }, position: { line: containerLine, character: 12 } });
      hoverTimes.push(performance.now() - t);
    }
    rows.push([`completion of container fields (median, ${itemCount} items)`, `${fmt(quantile(completionTimes, 0.5))} ms`]);
    rows.push(['hover on a field (median)', `${fmt(quantile(hoverTimes, 0.5))} ms`]);
    await client.stop();

    // --- a large workspace, scanned while a document is being edited ---
    const ws = path.join(dir, 'workspace');
    for (let f = 0; f < workspaceFiles; f++) {
      const sub = path.join(ws, `team-${f % 20}`);
      fs.mkdirSync(sub, { recursive: true });
      fs.writeFileSync(path.join(sub, `app-${f}.yaml`), [configMap(f), deployment(f), service(f)].join('\n---\n'));
    }
    t = performance.now();
    const scanner = await LspClient.start({ ipcModule: bundle, debounceMs: 0, workspaceFolders: [pathToFileURL(ws).toString()] });
    const started = performance.now();
    const opened = scanner.open('file:///bench/editing.yaml', deployment(99999)).then(() => performance.now() - started);
    const scanned = scanner.workspaceScanned.then((files) => ({ files, ms: performance.now() - started }));
    const [firstDiagnostics, scan] = await Promise.all([opened, scanned]);
    rows.push([`workspace scan, ${scan.files} files / ${3 * scan.files} documents`, `${fmt(scan.ms)} ms`]);
    rows.push(['first diagnostics of an open file during that scan', `${fmt(firstDiagnostics)} ms`]);
    await scanner.stop();

    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
