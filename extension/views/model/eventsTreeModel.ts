// The Events tree (`kubeside.events`): the cluster's newest events first, as `kubectl events` lists
// them (reason, the object involved, message), warnings marked; only the newest are drawn.
import type { KubeObj } from '../../backend/clusterBackend';
import type { CacheChange } from '../../cache/clusterCache';
import { code, compareNames, md, PagedTreeModel, refOf, type TreeNode } from './treeModel';

/** How many events the tree draws; older ones are counted in a last item. */
export const eventsShown = 200;
const hiddenId = 'events/hidden';
const messageChars = 120;

/** When the event last happened: a series' last time, or the single occurrence's. */
function lastSeen(e: KubeObj): number {
  const t = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp;
  return t ? Date.parse(t) || 0 : 0;
}

/** Newest first; events of the same second in the order the API server stored them. */
function newestFirst(events: KubeObj[]): KubeObj[] {
  // Keys are computed once per event, not once per comparison: a busy cluster keeps tens of thousands.
  const keyed = events.map((e) => ({ e, seen: lastSeen(e), revision: Number(e.metadata?.resourceVersion ?? 0) || 0 }));
  keyed.sort((a, b) => b.seen - a.seen || b.revision - a.revision || compareNames(a.e.metadata?.name ?? '', b.e.metadata?.name ?? ''));
  return keyed.map((k) => k.e);
}

export class EventsTreeModel extends PagedTreeModel {
  roots(): TreeNode[] {
    const events = newestFirst(this.cache.list('events'));
    const roots = events.slice(0, eventsShown).map(eventNode);
    const hidden = events.length - eventsShown;
    if (hidden > 0) {
      roots.push({ id: hiddenId, label: `${hidden} older event${hidden === 1 ? '' : 's'} not shown`, description: `newest ${eventsShown} of ${events.length}`, icon: { id: 'ellipsis' }, contextValue: 'kubeside.eventsHidden', collapsible: 'none' });
    }
    return roots;
  }

  protected expand(): undefined {
    return undefined;
  }

  protected rebuild(node: TreeNode): TreeNode | undefined {
    if (!node.ref) return undefined;
    const e = this.cache.get('events', node.ref.namespace, node.ref.name);
    return e && eventNode(e);
  }

  /** Any event changes the order of the list, and the list is the whole tree. */
  affected(changes: readonly CacheChange[]): { roots: boolean; ids: ReadonlySet<string> } {
    return { roots: changes.some((c) => c.kind === 'events'), ids: new Set() };
  }
}

function eventNode(e: KubeObj): TreeNode {
  const involved = e.involvedObject ?? e.regarding ?? {};
  const object = `${involved.kind ?? ''}/${involved.name ?? ''}`;
  const message: string = e.message ?? e.note ?? '';
  const short = message.length > messageChars ? `${message.slice(0, messageChars)}…` : message;
  const warning = e.type === 'Warning';
  const count: number = e.series?.count ?? e.count ?? 1;
  const source = e.source?.component ?? e.reportingController ?? e.reportingComponent ?? '';
  return {
    id: `event/${e.metadata.namespace ?? ''}/${e.metadata.name}`,
    label: e.reason ?? '',
    description: `${object} · ${short.replace(/\s+/g, ' ')}`,
    tooltip: [
      `**${warning ? 'Warning' : 'Normal'}** ${md(e.reason ?? '')} on ${code(`${involved.namespace ? `${involved.namespace}/` : ''}${object}`)}`,
      '',
      md(message),
      '',
      `Seen ${count} time${count === 1 ? '' : 's'}${e.firstTimestamp ? `, first at ${e.firstTimestamp}` : ''}, last at ${new Date(lastSeen(e)).toISOString()}${source ? ` · from ${code(source)}` : ''}`,
    ].join('\n'),
    icon: warning ? { id: 'warning', color: 'list.warningForeground' } : { id: 'info' },
    contextValue: warning ? 'kubeside.event.warning' : 'kubeside.event',
    collapsible: 'none',
    ref: refOf('events', e),
  };
}
