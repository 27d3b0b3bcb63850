// Runs the lint rules (rules/index.ts) over one YAML document: each enabled rule on each object of a
// kind it judges, its findings placed by the same field-path locations validation uses, minus those
// the object's kube-linter annotation or a `# kubeside-ignore` comment suppresses, with fixes as edits
// that keep the user's YAML layout. A pure function of (document, settings, workspace answers).
import { FieldPath } from '../engine/api/errors';
import { parseFieldPath, type ParsedManifest } from '../engine/api/manifest/index';
import { isRecord, scalarString, valueAt, type ParsedDocument, type PathSegment, type Span } from './parsedDocument';
import { lintRules, lintRulesById } from './rules/index';
import type { FieldFix, FixValue, KubeObject, LintRule, LintSeverity, RuleLevel, WorkspaceQueries } from './rules/types';
import type { QuickFix } from './validation';
import { WorkspaceIndex } from './workspaceIndex';

/** The `kubeside.lint` settings section. */
export interface LintSettings {
  readonly enabled: boolean;
  /** Rule id → its level, overriding the rule's default. */
  readonly rules: Readonly<Record<string, RuleLevel>>;
}

export const defaultLintSettings: LintSettings = { enabled: true, rules: {} };

const levels = new Set<string>(['off', 'hint', 'information', 'warning', 'error']);

/** Reads the settings a client sent, keeping what is well-formed: unknown rules and levels are ignored. */
export function lintSettings(raw: unknown): LintSettings {
  if (!isRecord(raw)) return defaultLintSettings;
  const rules: Record<string, RuleLevel> = {};
  if (isRecord(raw['rules'])) {
    for (const [id, level] of Object.entries(raw['rules'])) if (lintRulesById.has(id) && typeof level === 'string' && levels.has(level)) rules[id] = level as RuleLevel;
  }
  return { enabled: raw['enabled'] !== false, rules };
}

/** A rule's level under `settings`. */
export function levelOf(rule: LintRule, settings: LintSettings): RuleLevel {
  return settings.rules[rule.id] ?? (rule.enabledByDefault ? rule.severity : 'off');
}

/** A finding placed in its document. */
export interface LintDiagnostic {
  readonly span: Span;
  readonly severity: LintSeverity;
  readonly message: string;
  /** The rule id. */
  readonly code: string;
  /** The rule's documentation. */
  readonly href: string;
  readonly fixes: readonly QuickFix[];
}

/**
 * A question a rule asked the workspace index, and its answer as JSON; when the index answers it
 * differently, the lint is stale. Answers are small, sorted data, so comparing them is cheap and an
 * edit that only moves things around does not count as a change. `topics` are what the answer depends
 * on: while their versions are those in `versions`, the question need not be asked again.
 */
export interface WorkspaceLookup {
  readonly topics: readonly string[];
  /** Moved forward when the question is asked again and answered alike. */
  readonly versions: number[];
  readonly ask: (index: WorkspaceIndex) => unknown;
  readonly answer: string;
}

export interface LintResult {
  readonly diagnostics: readonly LintDiagnostic[];
  readonly lookups: readonly WorkspaceLookup[];
}

function holds(lookup: WorkspaceLookup, index: WorkspaceIndex): boolean {
  const { topics, versions } = lookup;
  if (topics.every((topic, i) => index.version(topic) === versions[i])) return true;
  if (JSON.stringify(lookup.ask(index)) !== lookup.answer) return false;
  topics.forEach((topic, i) => (versions[i] = index.version(topic)));
  return true;
}

/** Whether the index still answers every question `result` asked as it did. */
export function lintLookupsHold(result: LintResult, index: WorkspaceIndex): boolean {
  return result.lookups.every((l) => holds(l, index));
}

const byJson = <T>(items: T[]): T[] => items.map((item) => [JSON.stringify(item), item] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);

interface Question<T> {
  readonly topics: readonly string[];
  readonly ask: (index: WorkspaceIndex) => T;
}

const pods = [WorkspaceIndex.pods];

/** The questions rules may ask, answered from the index as plain data (rules/types.ts documents them). */
const questions = {
  selectsPods: (selector: Readonly<Record<string, string>>, namespace: string) => ({ topics: pods, ask: (index: WorkspaceIndex) => index.selectedBy(selector, namespace).length > 0 }),
  podPorts: (selector: Readonly<Record<string, string>>, namespace: string) => ({
    topics: pods,
    ask: (index: WorkspaceIndex) => byJson(index.selectedBy(selector, namespace).map((r) => r.podPorts ?? [])),
  }),
  services: (name: string, namespace: string) => ({
    topics: ['Service'],
    ask: (index: WorkspaceIndex) => byJson(index.find('Service', namespace, name).map((r) => ({ headless: r.headless === true, selector: r.selector ?? {}, ports: r.servicePorts ?? [] }))),
  }),
  disruptionBudgetsFor: (labels: Readonly<Record<string, string>>, namespace: string) => ({
    topics: ['PodDisruptionBudget'],
    ask: (index: WorkspaceIndex) =>
      byJson(
        index.selecting('PodDisruptionBudget', labels, namespace).map((r) => {
          const { minAvailable, maxUnavailable } = r.disruptionBudget!;
          return { name: r.name, ...(minAvailable !== undefined ? { minAvailable } : {}), ...(maxUnavailable !== undefined ? { maxUnavailable } : {}) };
        }),
      ),
  }),
  isolated: (labels: Readonly<Record<string, string>>, namespace: string) => ({
    topics: ['NetworkPolicy'],
    ask: (index: WorkspaceIndex) => index.selecting('NetworkPolicy', labels, namespace).length > 0,
  }),
  exists: (kind: string, namespace: string, name: string) => ({ topics: [kind], ask: (index: WorkspaceIndex) => index.find(kind, namespace, name).length > 0 }),
  referencedBy: (kind: string, namespace: string, name: string, fromKind: string) => ({
    topics: [fromKind],
    ask: (index: WorkspaceIndex) => index.referencesTo(kind, namespace, name).some((ref) => ref.from.kind === fromKind),
  }),
} satisfies { [Q in keyof WorkspaceQueries]: (...args: Parameters<WorkspaceQueries[Q]>) => Question<ReturnType<WorkspaceQueries[Q]>> };

/** Queries that answer from `index` and remember each question in `lookups`. */
function recordingQueries(index: WorkspaceIndex, lookups: WorkspaceLookup[]): WorkspaceQueries {
  const ask = <T>({ topics, ask }: Question<T>): T => {
    const answer = ask(index);
    lookups.push({ topics, versions: topics.map((t) => index.version(t)), ask, answer: JSON.stringify(answer) });
    return answer;
  };
  return {
    selectsPods: (selector, namespace) => ask(questions.selectsPods(selector, namespace)),
    podPorts: (selector, namespace) => ask(questions.podPorts(selector, namespace)),
    services: (name, namespace) => ask(questions.services(name, namespace)),
    disruptionBudgetsFor: (labels, namespace) => ask(questions.disruptionBudgetsFor(labels, namespace)),
    isolated: (labels, namespace) => ask(questions.isolated(labels, namespace)),
    exists: (kind, namespace, name) => ask(questions.exists(kind, namespace, name)),
    referencedBy: (kind, namespace, name, fromKind) => ask(questions.referencedBy(kind, namespace, name, fromKind)),
  };
}

/** kube-linter's annotations, so manifests already tuned for it need nothing more. */
export const ignoreAnnotation = (id: string) => `ignore-check.kube-linter.io/${id}`;
const ignoreAllAnnotation = 'kube-linter.io/ignore-all';

export function lintDocument(doc: ParsedDocument, settings: LintSettings, index: WorkspaceIndex): LintResult {
  const diagnostics: LintDiagnostic[] = [];
  const lookups: WorkspaceLookup[] = [];
  // As validation does: an object whose YAML did not parse is not judged.
  if (!settings.enabled || doc.syntaxErrors.some((e) => !e.warning)) return { diagnostics, lookups };
  const enabled = lintRules.map((rule) => [rule, levelOf(rule, settings)] as const).filter((r): r is readonly [LintRule, LintSeverity] => r[1] !== 'off');
  if (enabled.length === 0) return { diagnostics, lookups };
  const workspace = recordingQueries(index, lookups);
  for (const manifest of doc.manifests) {
    const object = manifest.object;
    const kind = scalarString(object, 'kind');
    if (!isRecord(object) || !kind || !scalarString(object, 'apiVersion')) continue;
    const annotations = valueAt(object, ['metadata', 'annotations']);
    const ignored = (rule: LintRule) =>
      isRecord(annotations) && (ignoreAnnotation(rule.id) in annotations || (rule.kubeLinterId !== undefined && ignoreAnnotation(rule.kubeLinterId) in annotations) || ignoreAllAnnotation in annotations);
    for (const [rule, severity] of enabled) {
      if ((rule.appliesTo !== '*' && !rule.appliesTo.includes(kind)) || ignored(rule)) continue;
      let findings;
      try {
        findings = rule.check(object as KubeObject, { kind, workspace });
      } catch (err) {
        // A bug in one rule must not hide the others' findings.
        diagnostics.push({ span: [0, 0], severity: 'warning', message: `kubeside could not run the rule ${rule.id}: ${(err as Error).message}`, code: rule.id, href: rule.docs, fixes: [] });
        continue;
      }
      for (const finding of findings) {
        const span = spanOf(manifest, finding.path, finding.onKey === true, doc.text);
        if (ignoredByComment(doc.text, span[0], rule.id)) continue;
        const fixes: QuickFix[] = [];
        const fix = finding.fix && editsFor(finding.fix, manifest, doc.text);
        if (fix) fixes.push(fix);
        const ignore = editsFor({ title: `Ignore ${rule.id} for this object`, set: ['metadata', 'annotations', ignoreAnnotation(rule.id)], value: '' }, manifest, doc.text);
        if (ignore) fixes.push(ignore);
        diagnostics.push({ span, severity, message: finding.message, code: rule.id, href: rule.docs, fixes });
      }
    }
  }
  return { diagnostics, lookups };
}

function fieldPath(path: readonly PathSegment[]): string {
  let p = FieldPath.root();
  for (const s of path) p = typeof s === 'number' ? p.index(s) : p.child(s);
  return p.toString();
}

/** A field that exists is marked on its value (or key); a missing one on the key (or first line) of its deepest existing ancestor. */
function spanOf(manifest: ParsedManifest, path: readonly PathSegment[], onKey: boolean, text: string): Span {
  const location = manifest.locate(fieldPath(path));
  const range = location && (onKey || !location.exact ? (location.key ?? location.value) : (location.value ?? location.key));
  if (!range) return [manifest.range.start.offset, manifest.range.start.offset];
  // A range over a whole block is too loud: keep its first line, without trailing blanks.
  const start = range.start.offset;
  let end = range.end.offset;
  const newline = text.indexOf('\n', start);
  if (newline >= 0 && newline < end) end = newline;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return [start, end];
}

const ignoreComment = /^\s*#\s*kubeside-ignore\b(.*)$/;

/** `# kubeside-ignore <id> [<id>…]` on the line above the finding; without ids, every rule there. */
function ignoredByComment(text: string, offset: number, id: string): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (lineStart === 0) return false;
  const previous = text.slice(text.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1);
  const match = ignoreComment.exec(previous.replace(/\r$/, ''));
  if (!match) return false;
  const ids = match[1]!.split(/[\s,]+/).filter(Boolean);
  return ids.length === 0 || ids.includes(id);
}

/** Indentation added per nesting level in the lines a fix writes. */
const indentStep = 2;

const columnOf = (text: string, offset: number) => offset - (text.lastIndexOf('\n', offset - 1) + 1);
/** Keys are written plain, or quoted where the manifest is JSON (or the key needs it). */
const renderKey = (key: string, quoted = false) => (!quoted && /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(key) ? key : JSON.stringify(key));
const renderValue = (value: FixValue) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(text[e - 1]!)) e--;
  return e;
}

/** Block lines for `keys` nested at `indent`, the last holding `value`. */
function blockLines(keys: readonly string[], indent: number, value: FixValue): string {
  return keys.map((k, i) => `${' '.repeat(indent + i * indentStep)}${renderKey(k)}:${i === keys.length - 1 ? ` ${renderValue(value)}` : ''}`).join('\n');
}

/** The same as flow YAML (`a: {b: true}`), or JSON (`"a": {"b": true}`). */
function flowText(keys: readonly string[], value: FixValue, json: boolean): string {
  return keys.reduceRight<string>((inner, k, i) => `${renderKey(k, json)}: ${i === keys.length - 1 ? inner : `{${inner}}`}`, renderValue(value));
}

/** A manifest written as JSON (a flow collection at the top): edits must keep it JSON. */
const isJson = (text: string) => /^\s*[{[]/.test(text);

/** The fix as text edits, or undefined when the YAML is shaped so that no clean edit exists. */
function editsFor(fix: FieldFix, manifest: ParsedManifest, text: string): QuickFix | undefined {
  const edits = 'set' in fix ? setEdits(fix.set, fix.value, manifest, text) : 'rename' in fix ? renameEdits(fix.rename, fix.to, manifest, text) : removeEdits(fix.remove, manifest, text);
  return edits && { title: fix.title, edits };
}

type Edits = { span: Span; newText: string }[];

function setEdits(path: readonly PathSegment[], value: FixValue, manifest: ParsedManifest, text: string): Edits | undefined {
  const location = manifest.locate(fieldPath(path));
  if (!location) return undefined;
  const object = manifest.object;
  if (location.exact) {
    // The field exists: replace a scalar value, never a map or list the user wrote.
    const current = valueAt(object, path);
    if (isRecord(current) || Array.isArray(current) || !location.key) return undefined;
    const end = location.value?.end.offset ?? location.key.end.offset;
    return [{ span: [location.key.end.offset, end], newText: `: ${renderValue(value)}` }];
  }
  const depth = location.path === '' ? 0 : parseFieldPath(location.path).length;
  const missing = path.slice(depth);
  if (missing.some((s) => typeof s !== 'string')) return undefined;
  const keys = missing as string[];
  const holder = valueAt(object, path.slice(0, depth));
  const key = location.key;
  const at = location.value;
  const json = isJson(text);
  if (holder === null || holder === undefined) {
    // `securityContext:` with no value: the new block goes under its key.
    if (!key) return undefined;
    const newText = json ? `: {${flowText(keys, value, true)}}` : `:\n${blockLines(keys, columnOf(text, key.start.offset) + indentStep, value)}`;
    return [{ span: [key.end.offset, at?.end.offset ?? key.end.offset], newText }];
  }
  if (!isRecord(holder) || !at) return undefined;
  const start = at.start.offset;
  if (text[start] === '{') {
    const close = trimEnd(text, start, at.end.offset) - 1;
    if (text[close] !== '}') return undefined;
    if (text.slice(start + 1, close).trim() === '') {
      if (json) return [{ span: [start + 1, close], newText: flowText(keys, value, true) }];
      // `securityContext: {}` becomes a block, as it would have been written by hand.
      if (!key) return undefined;
      return [{ span: [key.end.offset, at.end.offset], newText: `:\n${blockLines(keys, columnOf(text, key.start.offset) + indentStep, value)}` }];
    }
    const end = trimEnd(text, start, close);
    // Quoted keys in the map: the new one is quoted too.
    const quoted = json || /^\{\s*"/.test(text.slice(start, close));
    return [{ span: [end, end], newText: `, ${flowText(keys, value, quoted)}` }];
  }
  // A block map: a new last entry at the indentation of its first key, after its last line (and any comment on it).
  const last = trimEnd(text, start, at.end.offset);
  const newline = text.indexOf('\n', last);
  const lineEnd = newline < 0 ? text.length : newline;
  return [{ span: [lineEnd, lineEnd], newText: `\n${blockLines(keys, columnOf(text, start), value)}` }];
}

function renameEdits(path: readonly PathSegment[], to: string, manifest: ParsedManifest, text: string): Edits | undefined {
  const location = manifest.locate(fieldPath(path));
  if (!location?.exact || !location.key) return undefined;
  const { start, end } = location.key;
  return [{ span: [start.offset, end.offset], newText: renderKey(to, text[start.offset] === '"') }];
}

/** Removes the lines of a block map entry; an entry sharing its line with others has no clean removal. */
function removeEdits(path: readonly PathSegment[], manifest: ParsedManifest, text: string): Edits | undefined {
  const location = manifest.locate(fieldPath(path));
  // In JSON, removing a line would leave a comma behind.
  if (!location?.exact || !location.key || isJson(text)) return undefined;
  const keyStart = location.key.start.offset;
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  if (text.slice(lineStart, keyStart).trim() !== '') return undefined;
  const end = location.value ? trimEnd(text, keyStart, location.value.end.offset) : location.key.end.offset;
  const newline = text.indexOf('\n', end);
  return [{ span: [lineStart, newline < 0 ? text.length : newline + 1], newText: '' }];
}
