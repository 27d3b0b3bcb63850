// Read-only documents of the `kubeside:` scheme: an object's YAML and its `kubectl describe`, read
// from the cluster when opened and refreshed whenever the object changes. The URI names the object:
//   kubeside:/yaml/<group|core>/<version>/<resource>/<namespace|_>/<name>.yaml[?reveal]
//   kubeside:/describe/<group|core>/<version>/<resource>/<namespace|_>/<name>.describe?kind=<Kind>
// Secret values are masked in YAML unless the URI asks to reveal them (a user's explicit choice).
import * as vscode from 'vscode';
import { objectYaml } from '../actions/resourceActions';
import type { ObjectRef } from '../backend/clusterBackend';
import { loadBundle } from '../bundles';
import type { ClusterManager } from '../clusterManager';

export const resourceScheme = 'kubeside';

export type ResourceView = 'yaml' | 'describe';

export function resourceUri(view: ResourceView, ref: ObjectRef & { kind: string }, options: { reveal?: boolean } = {}): vscode.Uri {
  const { group, version, resource } = ref.type;
  const parts = [view, group || 'core', version, resource, ref.namespace || '_', `${ref.name}.${view === 'yaml' ? 'yaml' : 'describe'}`].map(encodeURIComponent);
  const query = new URLSearchParams({ kind: ref.kind, ...(options.reveal ? { reveal: '1' } : {}) }).toString();
  return vscode.Uri.from({ scheme: resourceScheme, path: `/${parts.join('/')}`, query });
}

export function parseResourceUri(uri: vscode.Uri): { view: ResourceView; ref: ObjectRef & { kind: string }; reveal: boolean } {
  const [view, group, version, resource, namespace, file] = uri.path.slice(1).split('/').map(decodeURIComponent);
  if ((view !== 'yaml' && view !== 'describe') || !group || !version || !resource || !namespace || !file) throw new Error(`not a Kubeside resource URI: ${uri.toString()}`);
  const query = new URLSearchParams(uri.query);
  const name = file.replace(/\.(yaml|describe)$/, '');
  return {
    view,
    ref: { type: { group: group === 'core' ? '' : group, version, resource }, ...(namespace !== '_' ? { namespace } : {}), name, kind: query.get('kind') ?? '' },
    reveal: query.has('reveal'),
  };
}

export class ResourceDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private cacheSubscription: { dispose(): void } | undefined;

  constructor(private readonly clusters: ClusterManager) {
    this.subscriptions.push(clusters.onDidChangeState(() => this.watchCache()));
    this.watchCache();
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const { view, ref, reveal } = parseResourceUri(uri);
    const { backend } = await this.clusters.ensureStarted();
    if (view === 'describe') {
      if (!backend.kubeconfigPath) return `# describe needs a kubeconfig for the cluster; ${backend.name} has none`;
      return loadBundle('describe').describeObject(backend.kubeconfigPath, ref.kind, ref.namespace, ref.name);
    }
    const obj = await backend.get(ref);
    if (!obj) return `# ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} does not exist (any more)\n`;
    return objectYaml(obj, { reveal });
  }

  dispose(): void {
    this.cacheSubscription?.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  /** Refreshes the open documents of the objects a batch of changes touched (and describe of their events). */
  private watchCache(): void {
    this.cacheSubscription?.dispose();
    const cache = this.clusters.connection?.cache;
    this.cacheSubscription = cache?.onDidChange((changes) => {
      const touched = new Set<string>();
      for (const c of changes) {
        const m = c.object.metadata ?? {};
        touched.add(`${m.namespace ?? ''}/${m.name}`);
        // An event changes the describe of the object it is about.
        if (c.kind === 'events' && c.object.involvedObject) touched.add(`${c.object.involvedObject.namespace ?? ''}/${c.object.involvedObject.name}`);
      }
      for (const doc of vscode.workspace.textDocuments) {
        if (doc.uri.scheme !== resourceScheme) continue;
        const { ref } = parseResourceUri(doc.uri);
        if (touched.has(`${ref.namespace ?? ''}/${ref.name}`)) this.changed.fire(doc.uri);
      }
    });
  }
}
