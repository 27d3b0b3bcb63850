// What the panels fed by a cluster model share on the VS Code side: the open panels by key (reveal,
// create, take over after a reload), and a panel's life with its page — a model only while the page
// is shown, rebound when the cluster changes, its messages checked before they are acted on.
import * as vscode from 'vscode';
import { type ClusterBackend, ClusterError, type ObjectRef } from '../backend/clusterBackend';
import type { ClusterCache } from '../cache/clusterCache';
import type { Guard } from './protocol/guards';
import { panelHtml, webviewOptions } from './webviewHtml';

export interface Connection {
  readonly cache: ClusterCache;
  readonly backend: ClusterBackend;
}

/** The cluster the panels show, as the extension's ClusterManager provides it. */
export interface ClusterDeps {
  /** The running cluster, if there is one now. */
  connection(): Connection | undefined;
  /** The running cluster, started first if it is not. */
  ensureStarted(): Promise<Connection>;
  /** Fires when the cluster starts, stops or is replaced: open panels rebind to the new cache. */
  readonly onDidChangeState: vscode.Event<unknown>;
}

/** What a tree item hands a command: the object it stands for, and for a container its name. */
export interface ItemArgument {
  readonly ref?: ObjectRef & { readonly kind: string };
  readonly container?: string;
}

/** What a panel keeps while its page is shown: a snapshot for the page, then the changes it sends. */
export interface PanelModel<HostMessage> extends vscode.Disposable {
  snapshot(): HostMessage;
  onDidChange(listener: (message: HostMessage) => void): { dispose(): void };
}

/** A ClusterError as kubectl prints it, anything else by its message. */
export function errorText(err: unknown): string {
  return ClusterError.is(err) ? err.display : messageOf(err);
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The Kubeside icon and the page of media/<page>/main.ts, as every panel starts. */
export function showPage(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, page: string, title: string): void {
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icons', 'kubeside.svg');
  panel.webview.html = panelHtml(panel.webview, extensionUri, page, title);
}

/** The open panels of one view type, one per key (an object, a log target; '' for a single panel). */
export class OpenPanels<P extends vscode.Disposable & { reveal(): void }> implements vscode.Disposable {
  private readonly open = new Map<string, P>();

  constructor(
    private readonly viewType: string,
    private readonly extensionUri: vscode.Uri,
  ) {}

  /** Reveals the panel of this key, creating it first if it is not open. */
  show(key: string, title: string, create: (panel: vscode.WebviewPanel) => P): P {
    const existing = this.open.get(key);
    if (existing) {
      existing.reveal();
      return existing;
    }
    return this.add(key, create(vscode.window.createWebviewPanel(this.viewType, title, vscode.ViewColumn.Active, webviewOptions(this.extensionUri))));
  }

  /** Takes over a panel VS Code restored after a reload, closing one already open for the key. */
  restore(key: string, panel: vscode.WebviewPanel, create: (panel: vscode.WebviewPanel) => P): P {
    this.open.get(key)?.dispose();
    panel.webview.options = webviewOptions(this.extensionUri);
    return this.add(key, create(panel));
  }

  /** Brings panels back after a window reload: `restore` takes over one whose page state it can reopen; one it cannot (it returns undefined) is closed. */
  serializer(restore: (panel: vscode.WebviewPanel, state: unknown) => P | undefined): vscode.Disposable {
    return vscode.window.registerWebviewPanelSerializer(this.viewType, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        if (!restore(panel, state)) panel.dispose();
      },
    });
  }

  /** Forgets a panel being disposed (not one that replaced it since). */
  delete(key: string, panel: P): void {
    if (this.open.get(key) === panel) this.open.delete(key);
  }

  /** Closes every panel (the extension deactivating). */
  dispose(): void {
    for (const panel of [...this.open.values()]) panel.dispose();
  }

  private add(key: string, panel: P): P {
    this.open.set(key, panel);
    return panel;
  }
}

export interface PageOptions<WebviewMessage> {
  /** media/<page>/main.ts */
  readonly page: string;
  readonly title: string;
  /** What the page may send; anything else is dropped with a warning, as the page is untrusted. */
  readonly isWebviewMessage: Guard<WebviewMessage>;
}

/**
 * A panel whose model lives only while its page does (from its `ready` to the panel being hidden or
 * closed): a hidden panel's page is discarded and asks again when shown. Subclasses say which model
 * to make of a connection and what the page shows with no cluster, and act on the page's intents.
 */
export abstract class ClusterPanel<HostMessage, WebviewMessage, Model extends PanelModel<HostMessage>> implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private modelSubscription: { dispose(): void } | undefined;
  protected model: Model | undefined;
  /** The cluster the model reads, while there is one. */
  protected connection: Connection | undefined;
  /** The page has said `ready` and not been discarded since. */
  protected live = false;

  protected constructor(
    protected readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    protected readonly deps: ClusterDeps,
    options: PageOptions<WebviewMessage>,
  ) {
    panel.title = options.title;
    showPage(panel, extensionUri, options.page, options.title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => {
        if (options.isWebviewMessage(message)) void this.receive(message);
        else console.warn(`kubeside: the ${options.page} page sent a message of unexpected shape`, message);
      }),
      panel.onDidChangeViewState(() => {
        // A hidden page is gone, and nobody reads what the model sends: stop it until the page is shown again.
        if (!panel.visible) this.unbind();
      }),
      panel.onDidDispose(() => this.dispose()),
      deps.onDidChangeState(() => {
        if (this.live) this.bind(deps.connection());
      }),
    );
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    this.unbind();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  protected abstract receive(message: WebviewMessage): Promise<void>;

  /** The model of what the page shows, over this cluster. */
  protected abstract createModel(connection: Connection): Model;

  /** What the page shows while no cluster runs. */
  protected abstract emptyPage(): HostMessage;

  /** The page is ready: start the cluster if it is not, then show it (unless hidden or closed meanwhile: the next `ready` binds). */
  protected async start(): Promise<void> {
    this.live = true;
    const connection = await this.deps.ensureStarted();
    if (this.live) this.bind(connection);
  }

  protected post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  /** Starts showing this cluster: a snapshot first, then its changes. */
  private bind(connection: Connection | undefined): void {
    this.unbind();
    this.live = true;
    if (!connection) {
      this.post(this.emptyPage());
      return;
    }
    this.connection = connection;
    this.model = this.createModel(connection);
    this.post(this.model.snapshot());
    this.modelSubscription = this.model.onDidChange((message) => this.post(message));
  }

  private unbind(): void {
    this.live = false;
    this.modelSubscription?.dispose();
    this.model?.dispose();
    this.model = this.modelSubscription = this.connection = undefined;
  }
}
