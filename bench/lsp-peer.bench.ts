// `npm run bench lsp-peer`: this language server beside Red Hat's yaml-language-server (the peer, the
// Kubernetes support most editors use), through the same LSP client with the same capabilities and
// the same stdio transport, on generated manifests of 10, 100 and 1,000 documents: time to first
// diagnostics after opening the file, from a one-character edit to the next diagnostics, completion
// of a container's fields, and the server process's peak memory (a fresh process per file).
//
// Each file carries planted errors: an unknown field, a wrong type, a wrong `kind` (the one enum the
// peer's schema has) and an unsupported imagePullPolicy (which only this server knows of, as the
// upstream spec states those values in prose). A server missing one it should know fails the run.
//
// The peer is set up as its users have it by default online, without the network: the `kubernetes`
// schema association (Kubernetes mode), whose yannh/kubernetes-json-schema all.json it asks the
// client for over `vscode/content` as it does inside VS Code; the client answers with that schema
// rebuilt from the vendored spec (support/kubernetesJsonSchema.ts). Schema store and CRD catalog are
// off, and a request for any other URL fails the run.
//
// Delays: this server runs with debounceMs 0. yaml-language-server validates 200 ms after the last
// change (`validationDelayMs` of its SettingsState, fixed in its code, no setting); a preload sets it
// to 0 so that both columns are the servers' own work. In an editor each server adds its delay.
//
// The peer validates every document of a file against a `oneOf` of all 771 definitions on each
// change, which takes it tens of seconds at 1,000 documents: the run takes about five minutes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { CompletionItem, CompletionList, Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { LspClient } from '../test/language-server/lspClient';
import { writeKubernetesJsonSchema } from './support/kubernetesJsonSchema';

const root = path.resolve(__dirname, '..');
const sizes = [10, 100, 1000];
/**
 * Edits and completions measured per file. The peer re-validates every document of the file on each
 * edit, which takes it seconds on the big files, so it gets fewer there (p95 of 3 is their maximum).
 */
const samples: Record<'ours' | 'peer', Record<number, number>> = {
  ours: { 10: 20, 100: 20, 1000: 20 },
  peer: { 10: 20, 100: 10, 1000: 3 },
};
const warmUpDocuments = 10;
/** Longest wait for any one answer before the run is declared stuck. */
const timeoutMs = 180_000;

const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
/** A ratio, with two decimals near the 5× target so that the digits never look past it. */
const times = (ratio: number) => `${fmt(ratio, ratio < 10 ? 2 : 1)}×`;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;

// ---- the generated file ----

type Planted = 'unknown field' | 'wrong type' | 'bad kind' | 'bad enum';

interface Generated {
  text: string;
  documents: number;
  /** Line (0-based) of each planted error. */
  planted: Map<Planted, number>;
  /** The `replicas:` line of a clean Deployment, edited one digit at a time. */
  editLine: number;
  /** The `image:` line of that Deployment's container, where completion is asked for. */
  completionLine: number;
}

/** A document's lines, with the offsets of the lines a benchmark points at. */
interface Doc {
  lines: string[];
  marks: Partial<Record<Planted | 'replicas' | 'image', number>>;
}

function deployment(i: number, plant?: Planted): Doc {
  const lines = [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: app-${i}`,
    '  labels:',
    `    app: app-${i}`,
    'spec:',
    plant === 'wrong type' ? '  replicas: "two"' : `  replicas: ${1 + (i % 5)}`,
    '  selector:',
    '    matchLabels:',
    `      app: app-${i}`,
    '  template:',
    '    metadata:',
    '      labels:',
    `        app: app-${i}`,
    '    spec:',
    plant === 'unknown field' ? '      contaners:' : '      containers:',
    '        - name: app',
    `          image: registry.example/app:${i}`,
    // Upstream's spec states the allowed pull policies only in prose, so the peer's schema has no enum here.
    `          imagePullPolicy: ${plant === 'bad enum' ? 'Sometimes' : 'IfNotPresent'}`,
    '          envFrom:',
    '            - configMapRef:',
    `                name: config-${i}`,
    '          ports:',
    '            - containerPort: 8080',
    '          resources:',
    '            requests:',
    '              cpu: 100m',
    '              memory: 128Mi',
  ];
  const marks: Doc['marks'] = { replicas: 7, image: 18 };
  if (plant === 'wrong type') marks['wrong type'] = 7;
  if (plant === 'unknown field') marks['unknown field'] = 16;
  if (plant === 'bad enum') marks['bad enum'] = 19;
  return { lines, marks };
}

function service(i: number): Doc {
  const lines = ['apiVersion: v1', 'kind: Service', 'metadata:', `  name: app-${i}`, 'spec:', '  selector:', `    app: app-${i}`, '  ports:', '    - port: 80', '      targetPort: 8080'];
  return { lines, marks: {} };
}

function configMap(i: number, plant?: Planted): Doc {
  const lines = ['apiVersion: v1', `kind: ${plant === 'bad kind' ? 'ConfigMp' : 'ConfigMap'}`, 'metadata:', `  name: config-${i}`, 'data:', '  mode: fast'];
  return { lines, marks: plant === 'bad kind' ? { 'bad kind': 1 } : {} };
}

/**
 * `count` documents cycling Deployment, Service, ConfigMap, one app per three. The planted errors
 * sit in the first document and at about 25 %, 70 % and 90 % of the file, the edited Deployment at
 * half way (each in the first document of its kind from there, after the one before).
 */
function generate(count: number): Generated {
  const kindAt = (i: number) => i % 3; // 0 Deployment, 1 Service, 2 ConfigMap
  const roles = new Map<number, Planted | 'edit'>();
  let next = 0;
  for (const [fraction, kind, role] of [
    [0, 0, 'unknown field'],
    [0.25, 0, 'wrong type'],
    [0.5, 0, 'edit'],
    [0.7, 2, 'bad kind'],
    [0.9, 0, 'bad enum'],
  ] as const) {
    let i = Math.max(next, Math.floor(count * fraction));
    while (kindAt(i) !== kind) i++;
    if (i >= count) throw new Error(`${count} documents are too few to plant every error apart`);
    roles.set(i, role);
    next = i + 1;
  }
  const planted = new Map<Planted, number>();
  let editLine = -1;
  let completionLine = -1;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const role = roles.get(i);
    const plant = role === 'edit' ? undefined : role;
    const app = Math.floor(i / 3);
    const doc = kindAt(i) === 0 ? deployment(app, plant) : kindAt(i) === 1 ? service(app) : configMap(app, plant);
    if (i > 0) out.push('---');
    const start = out.length;
    out.push(...doc.lines);
    for (const [mark, offset] of Object.entries(doc.marks)) {
      if (mark === 'replicas' || mark === 'image') continue;
      planted.set(mark as Planted, start + offset);
    }
    if (role === 'edit') {
      editLine = start + doc.marks.replicas!;
      completionLine = start + doc.marks.image!;
    }
  }
  return { text: out.join('\n') + '\n', documents: count, planted, editLine, completionLine };
}

// ---- the servers ----

interface Server {
  readonly name: string;
  readonly command: readonly [string, ...string[]];
  /** Whether its diagnostics carry the document version (the peer's do not: wait for the next ones). */
  readonly awaiting: 'version' | 'next';
  /** Answers to `workspace/configuration`, by section. */
  readonly settings: Record<string, unknown>;
  readonly samples: Record<number, number>;
  /** Planted errors its schema cannot know of, so a miss is not a failure. */
  readonly outOfReach: ReadonlySet<Planted>;
  /** Called once the client is up, before any document is opened. */
  prepare?(client: LspClient): Promise<void>;
}

// yaml-language-server turns the `kubernetes` association into this URL for `yaml.kubernetesVersion`.
const kubernetesSchemaBase = 'https://raw.githubusercontent.com/yannh/kubernetes-json-schema/master/v1.36.0-standalone-strict/';

function peer(schemaDir: string, preload: string): Server {
  return {
    name: 'yaml-language-server',
    command: [process.execPath, '--require', preload, path.join(root, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server'), '--stdio'],
    awaiting: 'next',
    settings: {
      yaml: {
        schemas: { kubernetes: '*.yaml' },
        kubernetesVersion: '1.36.0',
        schemaStore: { enable: false },
        kubernetesCRDStore: { enable: false },
        validate: true,
        completion: true,
        hover: true,
      },
    },
    samples: samples.peer,
    outOfReach: new Set<Planted>(['bad enum']),
    async prepare(client) {
      // As the VS Code extension does: the server asks the client for http(s) schemas.
      client.connection.onRequest('vscode/content', (uri: string) => {
        const file = uri.startsWith(kubernetesSchemaBase) ? path.join(schemaDir, uri.slice(kubernetesSchemaBase.length)) : undefined;
        if (!file || !fs.existsSync(file)) throw new Error(`the benchmark is offline; the peer asked for ${uri}`);
        return fs.readFileSync(file, 'utf8');
      });
      await client.connection.sendNotification('yaml/registerContentRequest', {});
    },
  };
}

function ours(bundle: string): Server {
  return {
    name: 'kubeside',
    command: [process.execPath, bundle, '--stdio'],
    awaiting: 'version',
    settings: {},
    samples: samples.ours,
    outOfReach: new Set(),
  };
}

// ---- measuring ----

interface Measured {
  /** Fresh server to the diagnostics of a small file: start-up and loading the schemas. */
  coldMs: number;
  openMs: number;
  editMs: number[];
  completionMs: number[];
  completionLabels: string[];
  peakKiB: number;
  /** Planted error → reported on its line, after opening and after the last edit. */
  found: Map<Planted, { open: boolean; edited: boolean }>;
  /** Diagnostics on opening the file, and how many of them errors (kubeside's include lint findings). */
  diagnostics: number;
  errors: number;
}

function within<T>(what: string, wait: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs / 1000} s`)), timeoutMs)));
  return Promise.race([wait, timeout]).finally(() => clearTimeout(timer));
}

/** VmHWM: the most resident memory the process has had, in KiB. */
function peakKiB(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmHWM for process ${pid}`);
  return Number(m[1]);
}

const reportedOn = (diagnostics: Diagnostic[], line: number) => diagnostics.some((d) => d.range.start.line === line);

async function measure(server: Server, file: Generated): Promise<Measured> {
  const started = performance.now();
  const client = await LspClient.start({
    command: server.command,
    debounceMs: 0,
    capabilities: { workspace: { configuration: true } },
    configuration: (section) => (section !== undefined ? (server.settings[section] ?? null) : null),
  });
  try {
    await server.prepare?.(client);
    // A small file of the same kinds first: the schemas load, and the settings are known to be applied
    // once it shows its planted error; the measured file then meets a warm server, as in an editor.
    // Other names than the measured files', so that no server can answer from what it saw here.
    const warm = generate(warmUpDocuments);
    const warmUri = 'file:///bench/warm-up.yaml';
    const warmLine = warm.planted.get('unknown field')!;
    let published = await within('warm-up', client.open(warmUri, warm.text.replaceAll('app-', 'warm-up-'), server.awaiting));
    while (!reportedOn(published.diagnostics, warmLine)) published = await within('warm-up', client.nextPublication(warmUri));
    const coldMs = performance.now() - started;
    await client.close(warmUri);

    const uri = `file:///bench/manifests-${file.documents}.yaml`;
    let t = performance.now();
    const opened = await within('first diagnostics', client.open(uri, file.text, server.awaiting));
    const openMs = performance.now() - t;

    const n = server.samples[file.documents]!;
    const editMs: number[] = [];
    let edited: PublishDiagnosticsParams = opened;
    for (let e = 0; e < n; e++) {
      const digit = String(1 + (e % 9));
      t = performance.now();
      edited = await within('edit', client.change(uri, [{ range: { start: { line: file.editLine, character: 12 }, end: { line: file.editLine, character: 13 } }, text: digit }], server.awaiting));
      editMs.push(performance.now() - t);
    }

    const completionMs: number[] = [];
    let completionLabels: string[] = [];
    for (let e = 0; e < n; e++) {
      t = performance.now();
      const result = await within('completion', client.request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri }, position: { line: file.completionLine, character: 10 } }));
      completionMs.push(performance.now() - t);
      completionLabels = (Array.isArray(result) ? result : (result?.items ?? [])).map((i) => i.label);
    }

    const found = new Map<Planted, { open: boolean; edited: boolean }>();
    for (const [error, line] of file.planted) found.set(error, { open: reportedOn(opened.diagnostics, line), edited: reportedOn(edited.diagnostics, line) });
    return { coldMs, openMs, editMs, completionMs, completionLabels, peakKiB: peakKiB(client.pid!), found, diagnostics: opened.diagnostics.length, errors: opened.diagnostics.filter((d) => d.severity === 1).length };
  } finally {
    await client.stop();
  }
}

// ---- the report ----

async function main(): Promise<void> {
  const began = performance.now();
  const loadAtStart = os.loadavg()[0]!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeside-lsp-peer-bench-'));
  try {
    const bundle = path.join(dir, 'server.js');
    await esbuild.build({ entryPoints: [path.join(root, 'language-server/server.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'error' });
    const schemaDir = path.join(dir, 'kubernetes-json-schema');
    writeKubernetesJsonSchema(schemaDir);
    // The peer's validation delay is a field of the settings object its server module creates at load.
    const preload = path.join(dir, 'no-validation-delay.cjs');
    const settingsModule = path.join(root, 'node_modules', 'yaml-language-server', 'out', 'server', 'src', 'yamlSettings.js');
    fs.writeFileSync(
      preload,
      `const settings = require(${JSON.stringify(settingsModule)});
const SettingsState = settings.SettingsState;
if (new SettingsState().validationDelayMs !== 200) throw new Error('yaml-language-server no longer delays validation by 200 ms: revisit the peer benchmark');
settings.SettingsState = class extends SettingsState { constructor() { super(); this.validationDelayMs = 0; } };
`,
    );
    const servers = [ours(bundle), peer(schemaDir, preload)];
    const peerVersion = (JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'yaml-language-server', 'package.json'), 'utf8')) as { version: string }).version;

    const results = new Map<string, Map<number, Measured>>(servers.map((s) => [s.name, new Map()]));
    const files = new Map<number, Generated>();
    for (const size of sizes) {
      const file = generate(size);
      files.set(size, file);
      for (const server of servers) results.get(server.name)!.set(size, await measure(server, file));
    }

    const [a, b] = servers as [Server, Server];
    const rows: { metric: string; ours: number; peer: number; unit: string; timing: boolean }[] = [];
    const add = (metric: string, unit: string, timing: boolean, pick: (m: Measured) => number) => {
      for (const size of sizes) rows.push({ metric: `${metric}, ${size.toLocaleString('en-US')} docs`, ours: pick(results.get(a.name)!.get(size)!), peer: pick(results.get(b.name)!.get(size)!), unit, timing });
    };
    rows.push({ metric: `fresh server → first diagnostics, ${warmUpDocuments} docs (median of 3 starts)`, ours: median(sizes.map((s) => results.get(a.name)!.get(s)!.coldMs)), peer: median(sizes.map((s) => results.get(b.name)!.get(s)!.coldMs)), unit: 'ms', timing: true });
    add('open → first diagnostics', 'ms', true, (m) => m.openMs);
    add('edit → diagnostics, median', 'ms', true, (m) => quantile(m.editMs, 0.5));
    add('edit → diagnostics, p95', 'ms', true, (m) => quantile(m.editMs, 0.95));
    add('completion in a container, median', 'ms', true, (m) => quantile(m.completionMs, 0.5));
    add('peak memory (VmHWM)', 'MiB', false, (m) => m.peakKiB / 1024);

    const header = ['', a.name, `${b.name} ${peerVersion}`, 'peer/ours', '≥5×'];
    const table = rows.map((r) => [r.metric, `${fmt(r.ours)} ${r.unit}`, `${fmt(r.peer)} ${r.unit}`, times(r.peer / r.ours), r.peer / r.ours >= 5 ? '✓' : '✗']);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    console.log(line(header));
    for (const r of table) console.log(line(r));

    for (const server of servers) console.log(`${server.name}: ${sizes.map((s) => `${server.samples[s]} edits and completions at ${s} docs`).join(', ')}`);
    console.log("Both over stdio with debounce 0 (the peer's fixed 200 ms validation delay is zeroed by a preload: in an editor it waits that long on top of each edit row).");

    // ---- correctness ----
    console.log('\nPlanted errors (✓ reported on its line after opening and after the last edit):');
    let missed = 0;
    for (const size of sizes) {
      const file = files.get(size)!;
      for (const server of servers) {
        const m = results.get(server.name)!.get(size)!;
        const cells = [...file.planted.keys()].map((error) => {
          const f = m.found.get(error)!;
          const ok = f.open && f.edited;
          if (!ok && !server.outOfReach.has(error)) missed++;
          const mark = ok ? '✓' : server.outOfReach.has(error) ? '–' : '✗ MISSED';
          return `${error} (line ${file.planted.get(error)! + 1}) ${mark}`;
        });
        console.log(`  ${String(size).padStart(5)} docs  ${server.name.padEnd(20)} ${cells.join(', ')}  [${m.diagnostics} diagnostics, ${m.errors} errors]`);
      }
    }
    console.log('  – : not in that server\'s schema (upstream\'s spec gives imagePullPolicy\'s values only in prose, so the peer\'s users get no enum there)');
    for (const server of servers) {
      const labels = results.get(server.name)!.get(sizes[0]!)!.completionLabels;
      const ok = labels.includes('livenessProbe') && labels.includes('volumeMounts');
      if (!ok) missed++;
      console.log(`  completion offers container fields (livenessProbe, volumeMounts): ${server.name} ${ok ? '✓' : '✗ MISSING'} (${labels.length} items)`);
    }

    // ---- targets ----
    const edit1000 = quantile(results.get(a.name)!.get(1000)!.editMs, 0.5);
    const timing = rows.filter((r) => r.timing);
    const faster = timing.filter((r) => r.peer / r.ours >= 5).length;
    const memory = rows.filter((r) => !r.timing).map((r) => r.peer / r.ours);
    console.log(`\nTarget: edit → diagnostics at 1,000 docs ≤ 50 ms: ${edit1000 <= 50 ? '✓' : '✗'} (${fmt(edit1000)} ms median)`);
    console.log(`Target: ≥5× faster than the peer on every timing row: ${faster === timing.length ? '✓' : '✗'} (${faster} of ${timing.length} rows; peak memory, not counted, ${memory.map(times).join(' / ')} smaller)`);
    console.log(`\n${fmt((performance.now() - began) / 1000, 0)} s in all; 1-minute load average ${fmt(loadAtStart, 2)} at the start, ${fmt(os.loadavg()[0]!, 2)} at the end, on ${os.cpus().length} CPUs`);
    if (missed) {
      console.error(`\n${missed} expected result(s) missing: see above`);
      process.exitCode = 1;
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
