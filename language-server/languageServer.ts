// The language server's wiring: keeps the open documents in sync (incrementally), debounces
// diagnostics per document, scans the workspace in the background, and routes each LSP request to
// its feature module. Everything it answers comes from the ManifestWorkspace.
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { RealClock, type Clock, type Timer } from '../engine/util/clock';
import { clusterFactsNotification, isClusterFacts } from './clusterFacts';
import { codeActions } from './codeActions';
import { codeLenses } from './codeLens';
import { completion } from './completion';
import { definition } from './definition';
import { foldingRanges } from './folding';
import { hover } from './hover';
import { lintSettings } from './lint';
import type { ManifestFile } from './manifestFile';
import { ManifestWorkspace, type ServerStats } from './manifestWorkspace';
import { references } from './references';
import { prepareRename, rename } from './rename';
import { documentSymbols } from './symbols';
import { scanWorkspace } from './workspaceScan';

export type { ServerStats } from './manifestWorkspace';

/** Custom request: counters that show how much work edits caused (tests and benchmarks read them). */
export const statsRequest = 'kubeside/stats';
/** Custom notification sent once a scan of workspace folders (at start, or of added ones) has indexed every file. */
export const workspaceScannedNotification = 'kubeside/workspaceScanned';

export interface LanguageServerOptions {
  readonly clock?: Clock;
  /** Quiet time after the last edit before a document is checked. */
  readonly debounceMs?: number;
}

export function startLanguageServer(connection: Connection, options: LanguageServerOptions = {}): void {
  const clock = options.clock ?? new RealClock();
  let debounceMs = options.debounceMs ?? 100;
  const documents = new TextDocuments(TextDocument);
  // When the workspace's CRDs change, any open document may hold custom resources to check again.
  const workspace = new ManifestWorkspace(
    (uri) => documents.get(uri),
    () => {
      for (const d of documents.all()) schedule(d.uri);
    },
  );
  const pending = new Map<string, Timer>();
  let workspaceFolders: string[] = [];
  let canWatchFiles = false;
  let foldersChange = false;
  let canPullConfiguration = false;
  /** A `kubeside.lint` settings request in flight: publishing before its answer would show findings about to change. */
  let configuring: Promise<void> | undefined;

  function publish(uri: string): void {
    // The settings' arrival checks every open document again.
    if (configuring) return;
    const result = workspace.diagnostics(uri);
    if (result) void connection.sendDiagnostics({ uri, ...result });
    recheckStale();
  }

  /** Cluster checks look names up in the workspace index: documents whose answers it changed need checking again. */
  function recheckStale(): void {
    for (const uri of [...workspace.staleClusterChecks(), ...workspace.staleLint()]) schedule(uri);
  }

  /** Checks `uri` after `delay` ms of quiet; an edit in the meantime replaces the stale run. */
  function schedule(uri: string, delay = debounceMs): void {
    pending.get(uri)?.cancel();
    pending.set(
      uri,
      clock.setTimeout(() => {
        pending.delete(uri);
        publish(uri);
      }, delay),
    );
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    workspaceFolders = (params.workspaceFolders ?? []).map((f) => f.uri);
    // The client may tune the quiet time (a setting of the extension; fast tests).
    const requested = (params.initializationOptions as { debounceMs?: unknown } | undefined)?.debounceMs;
    if (typeof requested === 'number' && requested >= 0) debounceMs = requested;
    if (workspaceFolders.length === 0 && params.rootUri) workspaceFolders = [params.rootUri];
    canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    foldersChange = params.capabilities.workspace?.workspaceFolders === true;
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        codeLensProvider: { resolveProvider: false },
        definitionProvider: true,
        referencesProvider: true,
        completionProvider: { triggerCharacters: [' '] },
        hoverProvider: true,
        renameProvider: { prepareProvider: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        ...(foldersChange ? { workspace: { workspaceFolders: { supported: true, changeNotifications: true } } } : {}),
      },
      serverInfo: { name: 'kubeside' },
    };
  });

  connection.onInitialized(() => {
    // Files changed outside the editor (git checkout, a generator) must reach the index too.
    if (canWatchFiles) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml,json}' }] });
    if (canPullConfiguration) pullLintSettings();
    scan(workspaceFolders);
    if (foldersChange) {
      connection.workspace.onDidChangeWorkspaceFolders(({ added, removed }) => {
        for (const folder of removed) workspace.forgetFolder(folder.uri);
        if (added.length) scan(added.map((f) => f.uri));
      });
    }
  });

  /** Lint settings changed: every open document is checked again under them. */
  function applyLintSettings(raw: unknown): void {
    workspace.setLintSettings(lintSettings(raw));
    for (const d of documents.all()) schedule(d.uri);
  }

  /** Asks the client for the `kubeside.lint` section (`workspace/configuration`); a client that cannot answer leaves the defaults. */
  function pullLintSettings(): void {
    const request: Promise<void> = connection.workspace.getConfiguration('kubeside.lint').then(
      (raw: unknown) => {
        if (configuring === request) configuring = undefined;
        applyLintSettings(raw);
      },
      () => {
        // Keep the settings there were; the documents held back meanwhile are due.
        if (configuring === request) configuring = undefined;
        for (const d of documents.all()) schedule(d.uri);
      },
    );
    configuring = request;
  }

  // A client that can be asked sends this as a signal (VS Code's, with `synchronize.configurationSection`);
  // one that cannot sends the settings themselves.
  connection.onDidChangeConfiguration(({ settings }) => {
    if (canPullConfiguration) pullLintSettings();
    else applyLintSettings((settings as { kubeside?: { lint?: unknown } } | null)?.kubeside?.lint);
  });

  /**
   * Indexing folders must not hold back diagnostics: it reads file by file, in the background, and
   * never replaces a file that is open in the editor.
   */
  function scan(folders: string[]): void {
    void scanWorkspace(folders, (uri, text) => workspace.indexFileText(uri, text)).then((files) => {
      recheckStale();
      return connection.sendNotification(workspaceScannedNotification, { files });
    });
  }

  // A document just opened is checked at once; edits wait for a pause in typing. TextDocuments reports
  // an open as a content change too, right after the open itself.
  const justOpened = new Set<string>();
  documents.onDidOpen((e) => {
    justOpened.add(e.document.uri);
    schedule(e.document.uri, 0);
  });
  documents.onDidChangeContent((e) => {
    if (!justOpened.delete(e.document.uri)) schedule(e.document.uri);
  });
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    pending.get(uri)?.cancel();
    pending.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
    void workspace.closed(uri).then(recheckStale);
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      if (change.type === FileChangeType.Deleted) workspace.deleted(change.uri);
      else void workspace.reindexFromDisk(change.uri).then(recheckStale);
    }
    recheckStale();
  });

  // The extension's facts about the running cluster: every open document is checked against them
  // again, after the usual quiet time, so a burst of updates costs one check per document.
  connection.onNotification(clusterFactsNotification, (params: unknown) => {
    if (params !== null && !isClusterFacts(params)) return;
    workspace.setClusterFacts(params);
    for (const d of documents.all()) schedule(d.uri);
  });

  /** Answers about one open document. */
  const withFile = <T>(uri: string, empty: T, fn: (file: ManifestFile) => T): T => {
    const file = workspace.file(uri);
    return file ? fn(file) : empty;
  };
  /**
   * Answers that cross files must see edits other open files got within the debounce window, and
   * the files that changed on disk before the request.
   */
  const acrossFiles = <T>(answer: () => T): T | Promise<T> => {
    const run = () => {
      for (const d of documents.all()) workspace.file(d.uri);
      return answer();
    };
    const settled = workspace.settled();
    return settled ? settled.then(run) : run();
  };

  connection.onDocumentSymbol(({ textDocument }) => withFile(textDocument.uri, [], documentSymbols));
  connection.onFoldingRanges(({ textDocument }) => withFile(textDocument.uri, [], foldingRanges));
  connection.onCodeLens(({ textDocument }) => withFile(textDocument.uri, [], codeLenses));
  // Navigation reads only the index, so it also answers for indexed files that are not open.
  connection.onDefinition(({ textDocument, position }) => acrossFiles(() => definition(workspace.index, textDocument.uri, position)));
  connection.onReferences(({ textDocument, position, context }) =>
    acrossFiles(() => references(workspace.index, textDocument.uri, position, context.includeDeclaration)),
  );
  connection.onCodeAction(({ textDocument, context }) => codeActions(textDocument.uri, context.diagnostics, (d) => workspace.fixes(textDocument.uri, d)));
  connection.onPrepareRename(({ textDocument, position }) => acrossFiles(() => prepareRename(workspace.index, textDocument.uri, position) ?? null));
  connection.onRenameRequest(({ textDocument, position, newName }) => acrossFiles(() => rename(workspace.index, textDocument.uri, position, newName) ?? null));
  connection.onCompletion(({ textDocument, position, context }) =>
    acrossFiles(() =>
      withFile(textDocument.uri, [], (file) => {
        const at = file.locate(position);
        return at ? completion(file, at.doc, at.offset, workspace.index, context?.triggerCharacter) : [];
      }),
    ),
  );
  connection.onHover(({ textDocument, position }) =>
    acrossFiles(() =>
      withFile(textDocument.uri, null, (file) => {
        const at = file.locate(position);
        return (at && hover(file, at.doc, at.offset, workspace.index)) ?? null;
      }),
    ),
  );
  connection.onRequest(statsRequest, (): ServerStats => workspace.stats);

  documents.listen(connection);
  connection.listen();
}
