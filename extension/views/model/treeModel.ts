// What every sidebar tree is, without VS Code: nodes as plain data and a model that answers roots,
// children and "which nodes does this batch of cache changes touch", so views refresh single items.
// ModelTreeProvider adapts a TreeModel to a vscode.TreeDataProvider.
import type { KubeObj, ObjectRef } from '../../backend/clusterBackend';
import type { CacheChange, ClusterCache } from '../../cache/clusterCache';

export interface TreeNode {
  /** Stable and unique within its tree (`pod/default/web-abc`, `node/worker-1`). */
  readonly id: string;
  readonly label: string;
  /** The grey text after the label. */
  readonly description?: string;
  /** Markdown. */
  readonly tooltip?: string;
  /** A codicon id and a theme color id (`testing.iconPassed`, `charts.yellow`, `errorForeground`). */
  readonly icon?: { id: string; color?: string };
  /** Drives context menus (`kubeside.pod`, `kubeside.node.cordoned`…). */
  readonly contextValue?: string;
  readonly collapsible: 'none' | 'collapsed' | 'expanded';
  /** The object the node stands for. */
  readonly ref?: ObjectRef & { kind: string };
  /** For container nodes: the container's name (`ref` is then its pod). */
  readonly container?: string;
}

export interface TreeModel {
  roots(): TreeNode[];
  children(node: TreeNode): TreeNode[];
  /**
   * The node as it is now (same id), or undefined when it is gone: a view refreshing one item asks
   * for its new label and description with the element it was handed before.
   */
  resolve(node: TreeNode): TreeNode | undefined;
  /** The node's parent where that is cheap to know (VS Code's TreeView.reveal needs it). */
  parent?(node: TreeNode): TreeNode | undefined;
  /** Which nodes must be refreshed for a batch of cache changes: `roots` when the top level changed, and ids of nodes whose own item or children changed. */
  affected(changes: readonly CacheChange[]): { roots: boolean; ids: ReadonlySet<string> };
  /** Models that keep indexes of their own stop listening to the cache here. */
  dispose?(): void;
}

/** No tree level has more children than this: longer lists are split into pages (`pods 1–500`). */
export const pageSize = 500;
/** How many long child lists a model keeps the order of (the ones a user has open, in practice). */
const listsKept = 32;

export { kindOf, refOf } from '../../cache/clusterCache';

/** `kind/namespace/name` (or `kind/name`): the id of an object's node in any tree. */
export function objectId(prefix: string, namespace: string | undefined, name: string): string {
  return namespace ? `${prefix}/${namespace}/${name}` : `${prefix}/${name}`;
}

/** Name order, the order `kubectl get` lists objects in. */
export function byName(a: KubeObj, b: KubeObj): number {
  return compareNames(a.metadata?.name ?? '', b.metadata?.name ?? '');
}

/** Name order that puts `db-2` before `db-10`, as people read StatefulSet ordinals. */
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b);
}
const collator = new Intl.Collator('en', { numeric: true });

/** Inline code in a markdown tooltip, safe for any text. */
export function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text}${fence}`;
}

/** Escapes what markdown would read as emphasis, code, links, html or tables in free text (messages) shown in a tooltip. */
export function md(text: string): string {
  return text.replace(/[\\`*_[\]|<>]/g, '\\$&');
}

/** A list of children: the objects in display order and how to draw one, so only a page is ever drawn. */
export interface ChildList<T = KubeObj> {
  readonly items: readonly T[];
  readonly build: (item: T) => TreeNode;
  /** What the items are, for page labels (`pods 1–500`). */
  readonly noun: string;
}

/**
 * The shared shape of the cache-backed models: subclasses say what a node's children are
 * (`expand`), and long child lists are paged here, drawing nodes only for the page asked for.
 */
export abstract class PagedTreeModel implements TreeModel {
  /** Page nodes → the node they split, so a page knows its items without parsing ids. */
  private readonly pages = new WeakMap<TreeNode, { parent: TreeNode; index: number }>();
  /** The last order of each long child list, reused while the cache hands back the same objects. */
  private readonly lists = new Map<string, { input: readonly unknown[]; output: unknown[] }>();

  constructor(protected readonly cache: ClusterCache) {}

  abstract roots(): TreeNode[];
  abstract affected(changes: readonly CacheChange[]): { roots: boolean; ids: ReadonlySet<string> };
  /** The node of `node.id` drawn afresh from the cache, or undefined when its object is gone. */
  protected abstract rebuild(node: TreeNode): TreeNode | undefined;
  /** The node's children, or undefined for a leaf. */
  protected abstract expand(node: TreeNode): ChildList<any> | TreeNode[] | undefined;

  children(node: TreeNode): TreeNode[] {
    const page = this.pages.get(node);
    if (page) {
      const list = this.expand(page.parent);
      if (!list || Array.isArray(list)) return [];
      return list.items.slice(page.index * pageSize, (page.index + 1) * pageSize).map(list.build);
    }
    const list = this.expand(node);
    if (!list) return [];
    if (Array.isArray(list)) return list;
    return this.paged(node, list);
  }

  /** A page node stays what it was: its parent's refresh redraws the pages when their bounds move. */
  resolve(node: TreeNode): TreeNode | undefined {
    return this.pages.has(node) ? node : this.rebuild(node);
  }

  /** The children of `node` drawn from `list`: the nodes themselves, or pages of at most pageSize. */
  protected paged<T>(node: TreeNode, list: ChildList<T>): TreeNode[] {
    const { items, noun } = list;
    if (items.length <= pageSize) return items.map(list.build);
    const pages: TreeNode[] = [];
    for (let index = 0; index * pageSize < items.length; index++) {
      const first = index * pageSize + 1;
      const last = Math.min(items.length, (index + 1) * pageSize);
      const page: TreeNode = { id: `${node.id}/page/${index}`, label: `${noun} ${first}–${last}`, description: `of ${items.length}`, icon: { id: 'list-flat' }, contextValue: 'kubeside.page', collapsible: 'collapsed' };
      this.pages.set(page, { parent: node, index });
      pages.push(page);
    }
    return pages;
  }

  /**
   * The child list of the node `id`, computed from `input` (the cache's objects). Each page of a long
   * list asks for the whole list again, and sorting 10,000 names per page would cost more than
   * drawing it, so a long list is kept until one of its objects changes (the cache replaces an
   * object on change, so identity tells).
   */
  protected listOnce<I, O>(id: string, input: readonly I[], compute: () => O[]): O[] {
    const last = this.lists.get(id);
    if (last && last.input.length === input.length && input.every((item, i) => item === last.input[i])) return last.output as O[];
    const output = compute();
    this.lists.delete(id);
    if (output.length > pageSize) {
      // Maps iterate in insertion order: the first key is the list least recently computed.
      if (this.lists.size >= listsKept) this.lists.delete(this.lists.keys().next().value!);
      this.lists.set(id, { input, output });
    }
    return output;
  }

  /** `items` in `compare` order, for the children of the node `id`. */
  protected sortOnce<T>(id: string, items: T[], compare: (a: T, b: T) => number): T[] {
    return this.listOnce(id, items, () => [...items].sort(compare));
  }

  /** The node a page splits, for getParent. */
  protected pageParent(node: TreeNode): TreeNode | undefined {
    return this.pages.get(node)?.parent;
  }

  /** The page of `parent` that holds `item` (for reveal), or `parent` when it is not paged. */
  protected pageHolding<T>(parent: TreeNode, list: ChildList<T>, item: T): TreeNode {
    if (list.items.length <= pageSize) return parent;
    const index = Math.floor(list.items.indexOf(item) / pageSize);
    return this.paged(parent, list)[Math.max(0, index)] ?? parent;
  }
}
