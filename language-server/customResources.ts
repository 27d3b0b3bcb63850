// Custom resources defined in the workspace: each CustomResourceDefinition found there adds its kinds
// to the kinds registry, so custom resources are checked against their CRD's schema instead of being
// reported as unknown kinds, as a cluster with those CRDs installed would check them.
import { isCustomResourceDefinition, registerCustomResourceDefinition } from '../engine/apiserver/registry/crdKinds';
import type { Obj } from '../engine/apiserver/registry/strategy';
import type { IndexedResource } from './workspaceIndex';

export class WorkspaceCustomResources {
  /** Registered CRD objects, with the function that unregisters their kinds. */
  private readonly registered = new Map<unknown, () => void>();

  /**
   * Registers the kinds of CRDs that appeared or changed and unregisters those of CRDs that are gone.
   * Returns whether anything changed (every custom resource then needs checking again).
   */
  sync(definitions: readonly IndexedResource[]): boolean {
    const current = new Set(definitions.map((d) => d.definition).filter((d): d is Obj => isCustomResourceDefinition(d)));
    let changed = false;
    for (const [crd, unregister] of this.registered) {
      if (current.has(crd as Obj)) continue;
      unregister();
      this.registered.delete(crd);
      changed = true;
    }
    for (const crd of current) {
      if (this.registered.has(crd)) continue;
      this.registered.set(crd, registerCustomResourceDefinition(crd));
      changed = true;
    }
    return changed;
  }
}
