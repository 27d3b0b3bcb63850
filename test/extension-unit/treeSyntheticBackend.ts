// A cluster that is only a list and a watch per resource, for the tree tests that need more objects
// than a real cluster would start quickly (or exact control of each watch event).
import type { ListerWatcher, WatchEvent } from '../../engine/client/types';
import type { ClusterBackend, KubeObj, ResourceType } from '../../extension/backend/clusterBackend';

let revision = 1;

/** The next resourceVersion, as a store would hand it out. */
export function nextRevision(): string {
  return String(revision++);
}

export class SyntheticBackend {
  private readonly watchers = new Map<string, (e: WatchEvent<KubeObj>) => void>();

  constructor(private readonly data: Record<string, KubeObj[]>) {}

  /** What ClusterCache reads from a backend: nothing but list+watch. */
  asBackend(): ClusterBackend {
    return this as unknown as ClusterBackend;
  }

  listerWatcher(type: ResourceType): ListerWatcher<KubeObj> {
    return {
      list: async () => ({ items: this.data[type.resource] ?? [], resourceVersion: String(revision) }),
      watch: (_options, onEvent) => {
        this.watchers.set(type.resource, onEvent);
        return { stop: () => this.watchers.delete(type.resource) };
      },
    };
  }

  /** Sends a watch event for `resource` (e.g. `pods`), with a new resourceVersion. */
  push(resource: string, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObj): void {
    const watcher = this.watchers.get(resource);
    if (!watcher) throw new Error(`nothing watches ${resource}`);
    watcher({ type, object: { ...object, metadata: { ...object.metadata, resourceVersion: nextRevision() } } });
  }
}
