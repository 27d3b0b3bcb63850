// Custom resources defined in the workspace: each CustomResourceDefinition found there adds its kinds
// to the kinds registry, so custom resources are checked against their CRD's schema instead of being
// reported as unknown kinds, as a cluster with those CRDs installed would check them.
import { kinds } from '../engine/api/kinds/index';
import { customResourceSchema, schemaFromOpenAPIV3 } from '../engine/api/schema/index';
import { customKindInfo } from '../engine/apiserver/registry/custom-resources';
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
    const current = new Set(definitions.map((d) => d.definition).filter((d): d is Obj => isCRD(d)));
    let changed = false;
    for (const [crd, unregister] of this.registered) {
      if (current.has(crd as Obj)) continue;
      unregister();
      this.registered.delete(crd);
      changed = true;
    }
    for (const crd of current) {
      if (this.registered.has(crd)) continue;
      this.registered.set(crd, register(crd));
      changed = true;
    }
    return changed;
  }
}

function isCRD(value: unknown): value is Obj {
  const o = value as Obj | undefined;
  return !!o && o['apiVersion'] === 'apiextensions.k8s.io/v1' && typeof o['spec']?.group === 'string' && typeof o['spec']?.names?.kind === 'string' && Array.isArray(o['spec']?.versions);
}

/** Registers every served version of a CRD, as the API server does once the CRD is established. */
function register(crd: Obj): () => void {
  const unregister: (() => void)[] = [];
  for (const version of crd['spec'].versions as Obj[]) {
    if (!version?.['served'] || typeof version['name'] !== 'string') continue;
    const raw = version['schema']?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    unregister.push(kinds().register(customKindInfo(crd, version), customResourceSchema(schemaFromOpenAPIV3(raw))));
  }
  return () => unregister.forEach((u) => u());
}
