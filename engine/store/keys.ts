// Kubernetes' key layout in etcd: `/registry/<resource>/<namespace>/<name>` for namespaced objects,
// `/registry/<resource>/<name>` for cluster-scoped ones, and `/registry/<group>/<resource>/…` for
// resources whose storage prefix includes their group (custom resources). Ranges use etcd's prefix end.

export const registryRoot = '/registry/';

export interface RegistryKeyParts {
  resource: string;
  /** Only for resources stored under their group (custom resources); built-in groups omit it. */
  group?: string;
  namespace?: string;
  name?: string;
}

/**
 * The key of one object (`name` set) or the prefix of a collection (`name` unset; ends with `/`),
 * e.g. `/registry/pods/default/web-1`, `/registry/pods/default/`, `/registry/pods/`.
 */
export function registryKey(parts: RegistryKeyParts): string {
  let key = registryRoot;
  if (parts.group) key += `${parts.group}/`;
  key += `${parts.resource}/`;
  if (parts.namespace) key += `${parts.namespace}/`;
  if (parts.name !== undefined) key += parts.name;
  return key;
}

/**
 * The smallest key greater than every key starting with `prefix` (etcd's clientv3.GetPrefixRangeEnd):
 * the last code unit below 0xffff is incremented and what follows is dropped. Undefined means "no end".
 */
export function prefixEnd(prefix: string): string | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    if (c < 0xffff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  return undefined;
}
