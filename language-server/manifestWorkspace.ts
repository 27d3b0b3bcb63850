// The language server's model of the workspace: open documents parsed once per version (re-parsing
// only the YAML documents an edit touched), their diagnostics cached per parsed document, and the
// workspace index fed by open documents and by files on disk that are not open.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { kinds } from '../engine/api/kinds/index';
import { checkAgainstCluster, knownCluster, lookupsHold, type ClusterCheckResult, type KnownCluster } from './clusterChecks';
import type { ClusterFacts } from './clusterFacts';
import { WorkspaceCustomResources } from './customResources';
import { defaultLintSettings, lintDocument, lintLookupsHold, type LintDiagnostic, type LintResult, type LintSettings } from './lint';
import { ManifestParser, type ManifestFile, type PlacedDocument } from './manifestFile';
import { scalarString, type ParsedDocument, type Span } from './parsedDocument';
import type { LintSeverity } from './rules/types';
import { validateDocument, type ManifestDiagnostic, type Severity } from './validation';
import { WorkspaceIndex } from './workspaceIndex';

/** Counters the `kubeside/stats` request exposes, so tests and benchmarks see how much work edits caused. */
export interface ServerStats {
  /** YAML documents parsed. */
  parses: number;
  /** YAML documents validated. */
  checks: number;
  /** Diagnostics publications. */
  publishes: number;
  /** Files in the workspace index. */
  indexedFiles: number;
}

/** A document's diagnostics as last published, and the findings they were made from. */
interface PublishedDocument {
  readonly checked: readonly ManifestDiagnostic[];
  readonly cluster: readonly ManifestDiagnostic[];
  readonly linted: readonly LintDiagnostic[];
  /** Placed as if the document started on the file's first line. */
  readonly relative: readonly Diagnostic[];
  /** The line the document started on when `placed` was made. */
  startLine: number;
  placed: readonly Diagnostic[];
}

interface CheckedDocument {
  readonly diagnostics: ManifestDiagnostic[];
  /** Set when the result depends on the workspace's CRDs: the kinds generation it was computed in. */
  readonly generation?: number;
}

/** Whether an object of the document has a kind that is not built in (a custom one, or none found). */
function dependsOnCustomKinds(doc: ParsedDocument): boolean {
  const registry = kinds();
  return doc.manifests.some((m) => {
    const apiVersion = scalarString(m.object, 'apiVersion');
    const kind = scalarString(m.object, 'kind');
    if (!apiVersion || !kind) return false;
    const info = registry.lookup(apiVersion, kind);
    return !info || registry.isCustom(info);
  });
}

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

const lintSeverities: Record<LintSeverity, DiagnosticSeverity> = { ...severities, hint: DiagnosticSeverity.Hint };

/** One empty list for every "nothing to say", so cached results built from it are recognised as unchanged. */
const noDiagnostics: readonly ManifestDiagnostic[] = Object.freeze([]);

export class ManifestWorkspace {
  readonly index = new WorkspaceIndex();
  private readonly counters = { parses: 0, checks: 0, publishes: 0 };
  private readonly parser = new ManifestParser(this.counters);
  /** The parsed form of each open document, at the last version anyone asked for. */
  private readonly openFiles = new Map<string, ManifestFile>();
  private readonly checked = new WeakMap<ParsedDocument, CheckedDocument>();
  /** Bumped whenever the workspace's CRDs change the kinds registry. */
  private kindsGeneration = 0;
  private readonly customResources = new WorkspaceCustomResources();
  /** Disk reads still running for file events already received. */
  private readonly reading = new Set<Promise<void>>();
  /** The running cluster, from the extension's facts; undefined when none runs. */
  private cluster: KnownCluster | undefined;
  /** Cluster checks per document, valid for the facts they saw while the index answers their lookups alike. */
  private readonly clusterChecked = new WeakMap<ParsedDocument, { readonly cluster: KnownCluster; readonly result: ClusterCheckResult }>();
  /** The `kubeside.lint` settings; replaced as a whole when they change, so lint results remember which they saw. */
  private lintSettings: LintSettings = defaultLintSettings;
  /** Lint results per document, valid for the settings they saw while the index answers their lookups alike. */
  private readonly linted = new WeakMap<ParsedDocument, { readonly settings: LintSettings; readonly result: LintResult }>();
  /** Each document's diagnostics in LSP form, reused while its findings and its place in the file stay. */
  private readonly published = new WeakMap<ParsedDocument, PublishedDocument>();

  /**
   * `openDocument` gives the editor's current text of a document, if it is open. `kindsChanged` is
   * called when CRDs in the workspace added, changed or removed kinds: every open document's
   * diagnostics may have changed.
   */
  constructor(
    private readonly openDocument: (uri: string) => TextDocument | undefined,
    private readonly kindsChanged: () => void = () => {},
  ) {}

  get stats(): ServerStats {
    return { ...this.counters, indexedFiles: this.index.fileCount };
  }

  /** An open document at its current version, parsed (once per version) and indexed. */
  file(uri: string): ManifestFile | undefined {
    const textDocument = this.openDocument(uri);
    if (!textDocument) return undefined;
    const previous = this.openFiles.get(uri);
    const file = this.parser.parse(textDocument, previous);
    if (file !== previous) {
      this.openFiles.set(uri, file);
      this.index.update(file);
      this.syncKinds();
    }
    return file;
  }

  /** The diagnostics of an open document at its current version; documents unchanged since the last call cost nothing. */
  diagnostics(uri: string): { version: number; diagnostics: Diagnostic[] } | undefined {
    const file = this.file(uri);
    if (!file) return undefined;
    const diagnostics: Diagnostic[] = [];
    for (const doc of file.documents) {
      for (const d of this.placedDiagnostics(doc)) diagnostics.push(d);
    }
    this.counters.publishes++;
    return { version: file.version, diagnostics };
  }

  /**
   * One document's diagnostics in LSP form at its place in the file. A keystroke changes one
   * document: the others keep their findings (the same arrays, from cache) and usually their
   * first line, so their published objects are reused as they are; a document an edit above it
   * moved is only shifted, not placed again offset by offset.
   */
  private placedDiagnostics(doc: PlacedDocument): readonly Diagnostic[] {
    const checked = this.check(doc.parsed);
    const cluster = this.checkAgainstCluster(doc.parsed);
    const linted = this.lint(doc.parsed);
    let cached = this.published.get(doc.parsed);
    if (!cached || cached.checked !== checked || cached.cluster !== cluster || cached.linted !== linted) {
      const relative: Diagnostic[] = [];
      const range = (span: Span): Range => ({ start: doc.parsed.position(span[0]), end: doc.parsed.position(span[1]) });
      for (const list of [checked, cluster]) {
        for (const d of list) relative.push({ range: range(d.span), severity: severities[d.severity], message: d.message, source: 'kubeside', code: d.code });
      }
      for (const d of linted) {
        relative.push({ range: range(d.span), severity: lintSeverities[d.severity], message: d.message, source: 'kubeside-lint', code: d.code, codeDescription: { href: d.href } });
      }
      cached = { checked, cluster, linted, relative, startLine: 0, placed: relative };
      this.published.set(doc.parsed, cached);
    }
    if (cached.startLine !== doc.startLine) {
      const shift = doc.startLine;
      cached.placed = cached.relative.map((d) => ({ ...d, range: { start: { line: d.range.start.line + shift, character: d.range.start.character }, end: { line: d.range.end.line + shift, character: d.range.end.character } } }));
      cached.startLine = shift;
    }
    return cached.placed;
  }

  /**
   * The quick fixes of a diagnostic the client shows, placed in the file. Fixes do not travel with
   * the published diagnostics (on a file of 1,000 documents they were most of every publication):
   * they are found again here in the findings of the document at the diagnostic's place, which
   * are cached. A diagnostic from an older version of the text matches nothing and gets no fixes.
   */
  fixes(uri: string, diagnostic: Diagnostic): readonly { readonly title: string; readonly edits: readonly TextEdit[] }[] {
    const file = this.file(uri);
    const at = file?.locate(diagnostic.range.start);
    if (!file || !at) return [];
    const same = (a: Range, b: Range) => a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
    const findIn = (doc: PlacedDocument) => {
      const findings: readonly (ManifestDiagnostic | LintDiagnostic)[] =
        diagnostic.source === 'kubeside-lint' ? this.lint(doc.parsed) : [...this.check(doc.parsed), ...this.checkAgainstCluster(doc.parsed)];
      const finding = findings.find((d) => d.code === diagnostic.code && d.message === diagnostic.message && same(file.range(doc, d.span), diagnostic.range));
      return finding && { doc, finding };
    };
    // A document's last line is the next one's first: a finding at its very end locates in the next.
    const previous = file.documents[at.doc.index - 1];
    const found = findIn(at.doc) ?? (previous && findIn(previous));
    if (!found) return [];
    const { doc, finding } = found;
    return (finding.fixes ?? []).map((f) => ({ title: f.title, edits: f.edits.map((e) => ({ range: file.range(doc, e.span), newText: e.newText })) }));
  }

  /** The running cluster's facts, or null when none runs; the caller checks open documents again. */
  setClusterFacts(facts: ClusterFacts | null): void {
    this.cluster = facts ? knownCluster(facts) : undefined;
  }

  /** New `kubeside.lint` settings; the caller checks open documents again. */
  setLintSettings(settings: LintSettings): void {
    this.lintSettings = settings;
  }

  /** Open documents whose lint asked the index a question it now answers differently (a Service's pods were declared or removed). */
  staleLint(): string[] {
    const settings = this.lintSettings;
    const stale = (parsed: ParsedDocument) => {
      const linted = this.linted.get(parsed);
      return linted !== undefined && linted.settings === settings && !lintLookupsHold(linted.result, this.index);
    };
    return [...this.openFiles].filter(([, file]) => file.documents.some((d) => stale(d.parsed))).map(([uri]) => uri);
  }

  /**
   * Open documents whose cluster checks asked the index a question it now answers differently (a
   * ConfigMap they name was declared or removed elsewhere): their diagnostics are out of date.
   */
  staleClusterChecks(): string[] {
    const cluster = this.cluster;
    if (!cluster) return [];
    const stale = (parsed: ParsedDocument) => {
      const checked = this.clusterChecked.get(parsed);
      return checked !== undefined && checked.cluster === cluster && !lookupsHold(checked.result, this.index);
    };
    return [...this.openFiles].filter(([, file]) => file.documents.some((d) => stale(d.parsed))).map(([uri]) => uri);
  }

  /** The document was closed in the editor: what it defines is now what its file on disk defines. */
  closed(uri: string): Promise<void> {
    this.openFiles.delete(uri);
    this.index.remove(uri);
    this.syncKinds();
    return uri.startsWith('file:') ? this.reindexFromDisk(uri) : Promise.resolve();
  }

  /** Indexes a file that is not open (the editor's text wins over the disk's). */
  indexFileText(uri: string, text: string): void {
    if (this.openDocument(uri)) return;
    const file = this.parser.parseText(uri, text);
    this.index.update(file);
    this.syncKinds();
    // The index keeps what it needs; the objects and trees of a closed file would only hold memory.
    for (const doc of file.documents) doc.parsed.release();
  }

  /** Re-reads a file that is not open after it changed on disk; a file that is gone leaves the index. */
  reindexFromDisk(uri: string): Promise<void> {
    if (this.openDocument(uri)) return Promise.resolve();
    const read = readFile(fileURLToPath(uri), 'utf8').then(
      (text) => this.indexFileText(uri, text),
      () => this.deleted(uri),
    );
    this.reading.add(read);
    void read.finally(() => this.reading.delete(read));
    return read;
  }

  /**
   * Resolves once the file events received so far are in the index, so an answer never contradicts
   * an event that came before the request. Undefined when there is nothing to wait for.
   */
  settled(): Promise<void> | undefined {
    return this.reading.size ? Promise.all(this.reading).then(() => undefined) : undefined;
  }

  /** A workspace folder was removed: its files that are not open leave the index. */
  forgetFolder(folderUri: string): void {
    const prefix = folderUri.endsWith('/') ? folderUri : `${folderUri}/`;
    for (const uri of this.index.fileUris()) if (uri.startsWith(prefix) && !this.openDocument(uri)) this.index.remove(uri);
    this.syncKinds();
  }

  /** A file deleted on disk; if it is open, the editor's text still counts. */
  deleted(uri: string): void {
    if (this.openDocument(uri)) return;
    this.index.remove(uri);
    this.syncKinds();
  }

  /** Brings the kinds registry in line with the workspace's CRDs; if that changed it, custom resources need checking again. */
  private syncKinds(): void {
    if (!this.customResources.sync(this.index.ofKind('CustomResourceDefinition'))) return;
    this.kindsGeneration++;
    this.kindsChanged();
  }

  /**
   * A document's diagnostics, from cache while its text is unchanged. Documents of custom kinds (or of
   * kinds not found) are checked again once CRDs change; those of built-in kinds never need to be.
   */
  private check(doc: ParsedDocument): ManifestDiagnostic[] {
    const cached = this.checked.get(doc);
    if (cached && (cached.generation === undefined || cached.generation === this.kindsGeneration)) return cached.diagnostics;
    let diagnostics: ManifestDiagnostic[];
    try {
      diagnostics = validateDocument(doc);
    } catch (err) {
      // A bug in one check must not take the server (and every other document's diagnostics) down.
      diagnostics = [{ span: [0, 0], severity: 'warning', message: `kubeside could not check this document: ${(err as Error).message}`, code: 'internal-error' }];
    }
    this.counters.checks++;
    this.checked.set(doc, { diagnostics, ...(dependsOnCustomKinds(doc) ? { generation: this.kindsGeneration } : {}) });
    return diagnostics;
  }

  /** A document's lint findings, from cache while its text, the settings and the index's answers to its lookups hold. */
  private lint(doc: ParsedDocument): readonly LintDiagnostic[] {
    const settings = this.lintSettings;
    const cached = this.linted.get(doc);
    if (cached && cached.settings === settings && lintLookupsHold(cached.result, this.index)) return cached.result.diagnostics;
    const result = lintDocument(doc, settings, this.index);
    this.linted.set(doc, { settings, result });
    return result.diagnostics;
  }

  /** A document's checks against the running cluster; none while no cluster runs. */
  private checkAgainstCluster(doc: ParsedDocument): readonly ManifestDiagnostic[] {
    const cluster = this.cluster;
    if (!cluster) return noDiagnostics;
    const cached = this.clusterChecked.get(doc);
    if (cached && cached.cluster === cluster && lookupsHold(cached.result, this.index)) return cached.result.diagnostics;
    let result: ClusterCheckResult;
    try {
      result = checkAgainstCluster(doc, cluster, this.index);
    } catch (err) {
      result = { diagnostics: [{ span: [0, 0], severity: 'warning', message: `kubeside could not check this document against the cluster: ${(err as Error).message}`, code: 'internal-error' }], lookups: [] };
    }
    this.clusterChecked.set(doc, { cluster, result });
    return result.diagnostics;
  }
}
