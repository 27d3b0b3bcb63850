// A real LSP client for the language server tests: spawns the server as its own process over stdio and
// speaks the protocol to it, so every test exercises the same path an editor does.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  createProtocolConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  ConfigurationRequest,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  type ClientCapabilities,
  type Registration,
  ShutdownRequest,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';

const root = path.resolve(__dirname, '..', '..');

export class LspClient {
  private readonly versions = new Map<string, number>();
  private readonly published = new Map<string, PublishDiagnosticsParams[]>();
  /** Waiting for diagnostics of a version (or, with version undefined, for the next publication). */
  private readonly waiters: Array<{ uri: string; version?: number; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  private readonly notifications = new Map<string, Array<(params: unknown) => void>>();

  private readonly scans: number[] = [];
  private readonly scanWaiters: Array<{ count: number; resolve: (files: number) => void }> = [];
  /** Capabilities the server registered dynamically (`client/registerCapability`). */
  readonly registrations: Registration[] = [];
  private stopping = false;
  /** Rejects if the server process ends before `stop`: every wait fails at once instead of timing out. */
  private readonly died: Promise<never>;

  private constructor(
    private readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
  ) {
    this.died = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) => {
        if (!this.stopping) reject(new Error(`the language server exited unexpectedly (code ${code}, signal ${signal})`));
      }),
    );
    this.died.catch(() => {}); // observed through guard()
    connection.onNotification('kubeside/workspaceScanned', (p: { files: number }) => {
      this.scans.push(p.files);
      for (const w of this.scanWaiters.splice(0)) {
        if (this.scans.length >= w.count) w.resolve(this.scans[w.count - 1]!);
        else this.scanWaiters.push(w);
      }
    });
    connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations);
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const list = this.published.get(p.uri) ?? [];
      list.push(p);
      this.published.set(p.uri, list);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i]!;
        if (w.uri === p.uri && (w.version === undefined || p.version === w.version)) {
          this.waiters.splice(i, 1);
          w.resolve(p);
        }
      }
    });
  }

  /**
   * Starts a server process and completes the initialize handshake. `debounceMs`: the server's quiet
   * time before checking (default 10 ms, to keep tests fast). `command`: any other language server,
   * spawned as `[executable, ...args]` and spoken to over stdio (benchmarks compare servers this way).
   * `configuration`: answers the server's `workspace/configuration` requests from the start, before
   * `initialized` (a server may ask at once); give it with `capabilities.workspace.configuration`.
   */
  static async start(
    options: {
      workspaceFolders?: string[];
      serverArgs?: string[];
      ipcModule?: string;
      command?: readonly [string, ...string[]];
      debounceMs?: number;
      capabilities?: ClientCapabilities;
      configuration?: (section: string | undefined, scopeUri: string | undefined) => unknown;
    } = {},
  ): Promise<LspClient> {
    let child: ChildProcess;
    let connection: ProtocolConnection;
    if (options.command) {
      const [executable, ...args] = options.command;
      child = spawn(executable, args, { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
      connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    } else if (options.ipcModule) {
      // How the extension launches dist/server.js: a forked Node process speaking over its IPC channel.
      child = fork(options.ipcModule, ['--node-ipc'], { cwd: root, execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    } else {
      const serverArgs = options.serverArgs ?? [path.join(root, 'language-server', 'server.ts'), '--stdio'];
      child = spawn(process.execPath, ['--import', 'tsx', ...serverArgs], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
      connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    }
    const client = new LspClient(child, connection);
    const configuration = options.configuration;
    if (configuration) connection.onRequest(ConfigurationRequest.type, (params) => params.items.map((item) => configuration(item.section, item.scopeUri)));
    connection.listen();
    const folders = options.workspaceFolders ?? [];
    await client.guard(connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      capabilities: options.capabilities ?? {},
      initializationOptions: { debounceMs: options.debounceMs ?? 10 },
      workspaceFolders: folders.map((uri) => ({ uri, name: path.basename(uri) })),
    }));
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** The server's process id (to read its memory use from /proc, say); undefined if it failed to start. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Resolves with the number of files once the server has scanned the workspace folders. */
  get workspaceScanned(): Promise<number> {
    return this.scanReport(1);
  }

  /** Resolves with the file count of the server's `count`-th scan report (1 = the initial scan). */
  scanReport(count: number): Promise<number> {
    if (this.scans.length >= count) return Promise.resolve(this.scans[count - 1]!);
    return this.guard(new Promise((resolve) => this.scanWaiters.push({ count, resolve })));
  }

  /** Resolves with the params of the next notification `method`. Call before causing it. */
  nextNotification<T>(method: string): Promise<T> {
    if (!this.notifications.has(method)) {
      this.notifications.set(method, []);
      this.connection.onNotification(method, (params: unknown) => {
        const waiting = this.notifications.get(method)!.splice(0);
        for (const fn of waiting) fn(params);
      });
    }
    return this.guard(new Promise((resolve) => this.notifications.get(method)!.push(resolve as (params: unknown) => void)));
  }

  /**
   * Opens a document and resolves with the diagnostics published for it. `awaiting: 'next'` takes the
   * next publication for the uri whatever its version, for servers that publish none.
   */
  async open(uri: string, text: string, awaiting: 'version' | 'next' = 'version'): Promise<PublishDiagnosticsParams> {
    this.versions.set(uri, 1);
    const diagnostics = awaiting === 'version' ? this.diagnostics(uri, 1) : this.nextPublication(uri);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    return diagnostics;
  }

  /**
   * Sends an edit (incremental changes or a full text) and resolves with the diagnostics for the new
   * version (with `awaiting: 'next'`, the next publication for the uri whatever its version).
   */
  async change(uri: string, changes: TextDocumentContentChangeEvent[], awaiting: 'version' | 'next' = 'version'): Promise<PublishDiagnosticsParams> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    const diagnostics = awaiting === 'version' ? this.diagnostics(uri, version) : this.nextPublication(uri);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return diagnostics;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Diagnostics published for `version` of `uri` (already received, or the next to arrive). */
  diagnostics(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    const seen = this.published.get(uri)?.find((p) => p.version === version);
    if (seen) return Promise.resolve(seen);
    return this.guard(new Promise((resolve) => this.waiters.push({ uri, version, resolve })));
  }

  /** The next diagnostics publication for `uri`, whatever its version (e.g. re-checks caused by other files). */
  nextPublication(uri: string): Promise<PublishDiagnosticsParams> {
    return this.guard(new Promise((resolve) => this.waiters.push({ uri, resolve })));
  }

  /** Every diagnostics publication received for `uri`, oldest first. */
  publications(uri: string): readonly PublishDiagnosticsParams[] {
    return this.published.get(uri) ?? [];
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.guard(this.connection.sendRequest(method, params) as Promise<R>);
  }

  private guard<T>(wait: Promise<T>): Promise<T> {
    return Promise.race([wait, this.died]);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) resolve();
      else this.child.once('exit', () => resolve());
    });
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      this.child.kill();
    }
    await exited;
    this.connection.dispose();
  }
}

/** A diagnostic's message as plain text. */
export function messageText(message: string | { value: string }): string {
  return typeof message === 'string' ? message : message.value;
}

/** A file uri under a directory that does not exist, for documents that live only in the editor. */
export function memoryUri(name: string): string {
  return `file:///kubeside-test/${name}`;
}
