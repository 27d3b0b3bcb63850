// The language server's wiring: keeps the open documents (incremental sync) and the workspace index
// current, debounces diagnostics per document, and routes each LSP request to its feature module.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  DiagnosticSeverity,
  TextDocuments,
  TextDocumentSyncKind,
  FileChangeType,
  type Connection,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { RealClock, type Clock, type Timer } from '../engine/util/clock';
import { codeLenses } from './codeLens';
import { completion } from './completion';
import { hover } from './hover';
import { definition } from './definition';
import { documentSymbols } from './symbols';
import { foldingRanges } from './folding';
import { ManifestParser, type ManifestFile } from './manifestFile';
import { references } from './references';
import { validateDocument, type ManifestDiagnostic, type Severity } from './validation';
import { WorkspaceIndex } from './workspaceIndex';
import { scanWorkspace } from './workspaceScan';
import type { ParsedDocument } from './parsedDocument';

/** Custom request: counters that show how much work edits caused (tests and benchmarks read them). */
export const statsRequest = 'kubeside/stats';
/** Custom notification sent once the first scan of the workspace folders has indexed every file. */
export const workspaceScannedNotification = 'kubeside/workspaceScanned';

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

export interface LanguageServerOptions {
  readonly clock?: Clock;
  /** Quiet time after the last edit before a document is checked. */
  readonly debounceMs?: number;
}

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

export function startLanguageServer(connection: Connection, options: LanguageServerOptions = {}): void {
  const clock = options.clock ?? new RealClock();
  const debounceMs = options.debounceMs ?? 100;
  const stats: ServerStats = { parses: 0, checks: 0, publishes: 0, indexedFiles: 0 };
  const parser = new ManifestParser(stats);
  const index = new WorkspaceIndex();
  const documents = new TextDocuments(TextDocument);
  /** The parsed form of each open document (current or one version behind until asked for). */
  const openFiles = new Map<string, ManifestFile>();
  /** The parsed form of workspace files that are not open, from disk. */
  const diskFiles = new Map<string, ManifestFile>();
  const pending = new Map<string, Timer>();
  const checked = new WeakMap<ParsedDocument, ManifestDiagnostic[]>();
  let workspaceFolders: string[] = [];

  /** The open document at its current version, parsed (once per version) and indexed. */
  function current(uri: string): ManifestFile | undefined {
    const textDocument = documents.get(uri);
    if (!textDocument) return diskFiles.get(uri);
    const previous = openFiles.get(uri);
    const file = parser.parse(textDocument, previous);
    if (file !== previous) {
      openFiles.set(uri, file);
      index.update(file);
    }
    return file;
  }

  function diagnosticsOf(doc: ParsedDocument): ManifestDiagnostic[] {
    let found = checked.get(doc);
    if (!found) {
      found = validateDocument(doc);
      stats.checks++;
      checked.set(doc, found);
    }
    return found;
  }

  function publish(uri: string): void {
    const file = current(uri);
    if (!file || !documents.get(uri)) return;
    const diagnostics: Diagnostic[] = [];
    for (const doc of file.documents) {
      for (const d of diagnosticsOf(doc.parsed)) {
        diagnostics.push({ range: file.range(doc, d.span), severity: severities[d.severity], message: d.message, source: 'kubeside', code: d.code });
      }
    }
    stats.publishes++;
    void connection.sendDiagnostics({ uri, version: file.version, diagnostics });
  }

  /** Checks `uri` after `debounceMs` of quiet; an edit in the meantime replaces the stale run. */
  function schedule(uri: string): void {
    pending.get(uri)?.cancel();
    pending.set(
      uri,
      clock.setTimeout(() => {
        pending.delete(uri);
        publish(uri);
      }, debounceMs),
    );
  }

  async function reindexFromDisk(uri: string): Promise<void> {
    if (documents.get(uri)) return;
    try {
      const text = await readFile(fileURLToPath(uri), 'utf8');
      if (documents.get(uri)) return; // opened while we were reading: the editor's text wins
      const file = parser.parseText(uri, text, diskFiles.get(uri));
      diskFiles.set(uri, file);
      index.update(file);
    } catch {
      diskFiles.delete(uri);
      index.remove(uri);
    }
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    workspaceFolders = (params.workspaceFolders ?? []).map((f) => f.uri);
    if (workspaceFolders.length === 0 && params.rootUri) workspaceFolders = [params.rootUri];
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        codeLensProvider: { resolveProvider: false },
        definitionProvider: true,
        completionProvider: { triggerCharacters: [' '] },
        hoverProvider: true,
        referencesProvider: true,
      },
      serverInfo: { name: 'kubeside' },
    };
  });

  connection.onInitialized(() => {
    // Indexing the workspace must not hold back the first diagnostics: it runs file by file, in the
    // background, and never replaces a file that is open in the editor.
    void scanWorkspace(workspaceFolders, async (uri, text) => {
      if (documents.get(uri)) return;
      const file = parser.parseText(uri, text, diskFiles.get(uri));
      diskFiles.set(uri, file);
      index.update(file);
    }).then((files) => connection.sendNotification(workspaceScannedNotification, { files }));
  });

  documents.onDidOpen((e) => {
    diskFiles.delete(e.document.uri);
    current(e.document.uri);
    schedule(e.document.uri);
  });
  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    pending.get(uri)?.cancel();
    pending.delete(uri);
    openFiles.delete(uri);
    index.remove(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
    // The saved file still defines what it defines for the rest of the workspace.
    if (uri.startsWith('file:')) void reindexFromDisk(uri);
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      if (change.type === FileChangeType.Deleted) {
        diskFiles.delete(change.uri);
        if (!documents.get(change.uri)) index.remove(change.uri);
      } else {
        void reindexFromDisk(change.uri);
      }
    }
  });

  const withFile = <T>(uri: string, empty: T, fn: (file: ManifestFile) => T): T => {
    const file = current(uri);
    return file ? fn(file) : empty;
  };
  /** Cross-file answers must see edits other open files got within the debounce window. */
  const withWorkspace = <T>(uri: string, empty: T, fn: (file: ManifestFile) => T): T => {
    for (const d of documents.all()) current(d.uri);
    return withFile(uri, empty, fn);
  };
  connection.onDocumentSymbol(({ textDocument }) => withFile(textDocument.uri, [], documentSymbols));
  connection.onFoldingRanges(({ textDocument }) => withFile(textDocument.uri, [], foldingRanges));
  connection.onCodeLens(({ textDocument }) => withFile(textDocument.uri, [], codeLenses));
  connection.onDefinition(({ textDocument, position }) => withWorkspace(textDocument.uri, [], () => definition(index, textDocument.uri, position)));
  connection.onReferences(({ textDocument, position, context }) =>
    withWorkspace(textDocument.uri, [], () => references(index, textDocument.uri, position, context.includeDeclaration)),
  );
  connection.onCompletion(({ textDocument, position, context }) =>
    withWorkspace(textDocument.uri, [], (file) => {
      const at = file.locate(position);
      return at ? completion(file, at.doc, at.offset, index, context?.triggerCharacter) : [];
    }),
  );
  connection.onHover(({ textDocument, position }) =>
    withWorkspace(textDocument.uri, null, (file) => {
      const at = file.locate(position);
      return (at && hover(file, at.doc, at.offset, index)) ?? null;
    }),
  );
  connection.onRequest(statsRequest, (): ServerStats => ({ ...stats, indexedFiles: index.fileCount }));

  documents.listen(connection);
  connection.listen();
}
