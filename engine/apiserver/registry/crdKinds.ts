// The kinds a CustomResourceDefinition read from manifests defines, registered in the kinds registry
// so tools that judge manifests offline (the language server, `kubeside validate`) check custom
// resources against their CRD's schema, as a cluster with the CRD installed and established would.
import { kinds } from '../../api/kinds/index';
import { customResourceSchema, schemaFromOpenAPIV3 } from '../../api/schema/index';
import { customKindInfo } from './custom-resources';
import type { Obj } from './strategy';

/** Whether a manifest's object is a CRD with what registering its kinds needs. */
export function isCustomResourceDefinition(value: unknown): value is Obj {
  const o = value as Obj | undefined;
  return !!o && o['apiVersion'] === 'apiextensions.k8s.io/v1' && o['kind'] === 'CustomResourceDefinition' && typeof o['spec']?.group === 'string' && typeof o['spec']?.names?.kind === 'string' && Array.isArray(o['spec']?.versions);
}

/** Registers every served version of a CRD; returns the function that unregisters them. */
export function registerCustomResourceDefinition(crd: Obj): () => void {
  const unregister: (() => void)[] = [];
  for (const version of crd['spec'].versions as Obj[]) {
    if (!version?.['served'] || typeof version['name'] !== 'string') continue;
    const raw = version['schema']?.openAPIV3Schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    unregister.push(kinds().register(customKindInfo(crd, version), customResourceSchema(schemaFromOpenAPIV3(raw))));
  }
  return () => unregister.forEach((u) => u());
}
