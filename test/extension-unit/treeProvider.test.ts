// ModelTreeProvider against the few vscode classes it uses (TreeItem, ThemeIcon, EventEmitter…), given
// as a minimal stand-in module: a batch of cache changes refreshes the exact element objects VS Code
// was handed, those elements draw their new state, and only a change of the top level refreshes all.
import assert from 'node:assert/strict';
import Module from 'node:module';
import type { KubeObj } from '../../extension/backend/clusterBackend';
import { VirtualClock } from '../../engine/util/clock';
import { ClusterCache } from '../../extension/cache/clusterCache';
import { nextRevision, SyntheticBackend } from './treeSyntheticBackend';
import { ClusterTreeModel } from '../../extension/views/model/clusterTreeModel';
import type { TreeNode } from '../../extension/views/model/treeModel';
import type { ModelTreeProvider as Provider } from '../../extension/views/modelTreeProvider';

/** The part of the vscode API the provider touches, with the same shapes. */
const vscodeStandIn = {
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  TreeItem: class {
    id?: string;
    description?: string;
    tooltip?: unknown;
    iconPath?: unknown;
    contextValue?: string;
    constructor(
      readonly label: string,
      readonly collapsibleState: number,
    ) {}
  },
  ThemeIcon: class {
    constructor(
      readonly id: string,
      readonly color?: unknown,
    ) {}
  },
  ThemeColor: class {
    constructor(readonly id: string) {}
  },
  MarkdownString: class {
    constructor(readonly value: string) {}
  },
  EventEmitter: class<T> {
    private readonly listeners = new Set<(e: T) => void>();
    readonly event = (listener: (e: T) => void) => {
      this.listeners.add(listener);
      return { dispose: () => this.listeners.delete(listener) };
    };
    fire(e: T): void {
      for (const l of this.listeners) l(e);
    }
    dispose(): void {
      this.listeners.clear();
    }
  },
};

const node = (name: string, ready: boolean): KubeObj => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, uid: `uid-${name}`, resourceVersion: nextRevision() },
  status: { allocatable: { cpu: '4', memory: '8Gi' }, conditions: [{ type: 'Ready', status: ready ? 'True' : 'Unknown', reason: ready ? 'KubeletReady' : 'NodeStatusUnknown' }] },
});
const pod = (name: string, nodeName: string): KubeObj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: nextRevision() },
  spec: { nodeName, containers: [{ name: 'app', image: 'nginx:1.27.3', resources: { requests: { cpu: '1' } } }] },
  status: { phase: 'Running', podIP: '10.244.1.2', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] },
});

describe('ModelTreeProvider', () => {
  type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
  const moduleInternals = Module as unknown as { _load: Load };
  const realLoad = moduleInternals._load;
  let ModelTreeProvider: typeof Provider;
  let source: SyntheticBackend;
  let cache: ClusterCache;
  let provider: Provider;
  let fired: (TreeNode | TreeNode[] | undefined)[];

  before(async () => {
    moduleInternals._load = (request, parent, isMain) => (request === 'vscode' ? vscodeStandIn : realLoad(request, parent, isMain));
    ({ ModelTreeProvider } = await import('../../extension/views/modelTreeProvider.js'));
  });

  after(() => {
    moduleInternals._load = realLoad;
  });

  beforeEach(async () => {
    const clock = new VirtualClock(Date.UTC(2026, 11, 4, 12));
    source = new SyntheticBackend({ nodes: [node('worker-1', true), node('worker-2', true)], pods: [pod('web-1', 'worker-1')] });
    cache = new ClusterCache(source.asBackend(), { clock, kinds: ['nodes', 'pods'] });
    await cache.start();
    cache.flush();
    provider = new ModelTreeProvider(new ClusterTreeModel(cache, { clock }), cache);
    fired = [];
    provider.onDidChangeTreeData((e) => fired.push(e as TreeNode | TreeNode[] | undefined));
  });

  afterEach(() => {
    provider.dispose();
    cache.dispose();
  });

  it('draws nodes as TreeItems with their id, codicon and theme color, markdown tooltip and context value', () => {
    const [worker1] = provider.getChildren();
    const item = provider.getTreeItem(worker1!) as unknown as InstanceType<typeof vscodeStandIn.TreeItem>;
    assert.equal(item.id, 'node/worker-1');
    assert.equal(item.label, 'worker-1');
    assert.equal(item.description, 'Ready · 1 pod · cpu 25% · mem 0%');
    assert.equal(item.collapsibleState, vscodeStandIn.TreeItemCollapsibleState.Collapsed);
    assert.deepEqual(item.iconPath, new vscodeStandIn.ThemeIcon('server', new vscodeStandIn.ThemeColor('testing.iconPassed')));
    assert.match((item.tooltip as InstanceType<typeof vscodeStandIn.MarkdownString>).value, /^\*\*Node\*\* `worker-1`/);
    assert.equal(item.contextValue, 'kubeside.node');
  });

  it('refreshes the very element it handed out, which then draws its new state', () => {
    const [worker1, worker2] = provider.getChildren();
    const [web] = provider.getChildren(worker1);
    source.push('nodes', 'MODIFIED', node('worker-2', false));
    cache.flush();
    assert.equal(fired.length, 1);
    assert.ok(Array.isArray(fired[0]) && fired[0].length === 1 && fired[0][0] === worker2, 'not the element VS Code holds');
    const item = provider.getTreeItem(worker2!);
    assert.match(String(item.description), /^NotReady · 0 pods/);
    assert.deepEqual(item.iconPath, new vscodeStandIn.ThemeIcon('server', new vscodeStandIn.ThemeColor('errorForeground')));

    // A pod that moves refreshes the pod and both nodes it left and joined (those VS Code was shown).
    source.push('pods', 'MODIFIED', { ...pod('web-1', 'worker-2') });
    cache.flush();
    const refreshed = fired[1] as TreeNode[];
    assert.deepEqual(new Set(refreshed), new Set([web, worker1, worker2]));
  });

  it('refreshes everything only when the top level changes (a node joins)', () => {
    provider.getChildren();
    source.push('nodes', 'ADDED', node('worker-3', true));
    cache.flush();
    assert.deepEqual(fired, [undefined]);
    assert.deepEqual(provider.getChildren().map((n) => n.id), ['node/worker-1', 'node/worker-2', 'node/worker-3']);
  });

  it('fires nothing for changes to items VS Code was never shown', () => {
    source.push('pods', 'MODIFIED', { ...pod('web-1', 'worker-1'), status: { phase: 'Running', podIP: '10.244.1.3' } });
    cache.flush();
    assert.deepEqual(fired, []);
  });

  it('gives the parent VS Code already holds, for reveal', () => {
    const [worker1] = provider.getChildren();
    const [web] = provider.getChildren(worker1);
    assert.equal(provider.getParent(web!), worker1);
    assert.equal(provider.getParent(worker1!), undefined);
  });
});
