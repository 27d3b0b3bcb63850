// Custom resources: a CustomResourceDefinition in the store makes the API server serve its kind,
// validated against the CRD's own openAPIV3Schema, stored under `/registry/<group>/<plural>/`.
// Resolution reads the CRD from the store on each request (one key lookup), so every API server
// replica over the same store serves a CRD as soon as it is written, and stops when it is gone.
// See https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/
import type { KindInfo } from '../../api/kinds/index';
import { schemaFromOpenAPIV3 } from '../../api/schema/index';
import type { SchemaNode } from '../../api/schema/node';
import type { Store } from '../../store/index';
import { ResourceStorage } from './resource';
import { type Obj, strategyFor } from './strategy';

export const crdPrefix = '/registry/apiextensions.k8s.io/customresourcedefinitions/';

export interface ServedCustomResource {
  storage: ResourceStorage;
  /** The CRD's openAPIV3Schema for this version: what objects are validated against. */
  schema: SchemaNode;
  crdRevision: number;
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export class CustomResources {
  private readonly served = new Map<string, ServedCustomResource>();

  constructor(private readonly store: Store) {}

  /** `group/resource` at `version` while an established CRD serves it. */
  lookup(group: string, resource: string, version: string): ServedCustomResource | undefined {
    const k = `${group}/${resource}/${version}`;
    const kv = this.store.get(`${crdPrefix}${resource}.${group}`);
    const cached = this.served.get(k);
    if (cached && kv && cached.crdRevision === kv.modRevision) return cached;
    this.served.delete(k);
    if (!kv) return undefined;
    const crd = JSON.parse(String(kv.value)) as Obj;
    if (crd.metadata?.deletionTimestamp) return undefined;
    const v = (crd.spec?.versions ?? []).find((x: Obj) => x.name === version && x.served);
    if (!v) return undefined;
    const info = customKindInfo(crd, v);
    const raw = v.schema?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    const served = { storage: new ResourceStorage(info, strategyFor(info, true), this.store, true), schema: schemaFromOpenAPIV3(raw), crdRevision: kv.modRevision };
    this.served.set(k, served);
    return served;
  }

  /** The custom kind an object's apiVersion and kind name, if a stored CRD serves it. */
  byKind(group: string, version: string, kind: string): KindInfo | undefined {
    return this.all().find((k) => k.group === group && k.version === version && k.kind === kind);
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
