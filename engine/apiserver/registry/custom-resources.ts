// Custom resources: a CustomResourceDefinition in the store makes the API server serve its kind,
// validated against the CRD's own openAPIV3Schema, stored under `/registry/<group>/<plural>/`.
// Resolution reads the CRD from the store on each request (one key lookup), so every API server
// replica over the same store serves a CRD as soon as it is written, and stops when it is gone.
// See https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/
import type { KindInfo } from '../../api/kinds/index';
import { kinds } from '../../api/kinds/index';
import { customResourceSchema, schemaFromOpenAPIV3 } from '../../api/schema/index';
import type { Store } from '../../store/index';
import { ResourceStorage } from './resource';
import { type Obj, strategyFor } from './strategy';

export const crdPrefix = '/registry/apiextensions.k8s.io/customresourcedefinitions/';

interface Served {
  storage: ResourceStorage;
  crdRevision: number;
  unregister: () => void;
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export class CustomResources {
  private readonly served = new Map<string, Served>();

  constructor(private readonly store: Store) {}

  /** The storage of `group/resource` at `version` while an established CRD serves it. */
  lookup(group: string, resource: string, version: string): ResourceStorage | undefined {
    const k = `${group}/${resource}/${version}`;
    const kv = this.store.get(`${crdPrefix}${resource}.${group}`);
    const cached = this.served.get(k);
    if (cached && kv && cached.crdRevision === kv.modRevision) return cached.storage;
    cached?.unregister();
    this.served.delete(k);
    if (!kv) return undefined;
    const crd = JSON.parse(String(kv.value)) as Obj;
    if (crd.metadata?.deletionTimestamp) return undefined;
    const v = (crd.spec?.versions ?? []).find((x: Obj) => x.name === version && x.served);
    if (!v) return undefined;
    const info = customKindInfo(crd, v);
    const raw = v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    const unregister = kinds().register(info, customResourceSchema(schemaFromOpenAPIV3(raw)));
    const storage = new ResourceStorage(info, strategyFor(info, true), this.store, true);
    this.served.set(k, { storage, crdRevision: kv.modRevision, unregister });
    return storage;
  }

  /** Every kind the stored CRDs serve (for discovery). */
  all(): KindInfo[] {
    const out: KindInfo[] = [];
    for (const kv of this.store.range(crdPrefix, { end: `${crdPrefix}\uffff` }).kvs) {
      const crd = JSON.parse(String(kv.value)) as Obj;
      for (const v of crd.spec?.versions ?? []) if (v.served) out.push(customKindInfo(crd, v));
    }
    return out;
  }
}

export function customKindInfo(crd: Obj, version: Obj): KindInfo {
  const names = crd.spec.names ?? {};
  const subresources: string[] = [];
  if (version.subresources?.status) subresources.push('status');
  if (version.subresources?.scale) subresources.push('scale');
  return {
    group: crd.spec.group,
    version: version.name,
    kind: names.kind,
    plural: names.plural,
    singular: names.singular ?? String(names.kind).toLowerCase(),
    shortNames: names.shortNames ?? [],
    namespaced: crd.spec.scope !== 'Cluster',
    verbs: allVerbs,
    subresources,
    served: true,
    ...(names.categories ? { categories: names.categories } : {}),
  };
}
