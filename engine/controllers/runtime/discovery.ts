// Which resources the API server serves, as the controllers that act on every kind (the garbage
// collector, the namespace controller) discover them: each served group/resource once, in its
// storage version, kept only if the caller can list it. A kind the registry knows but this server
// does not serve is left out, as discovery would not list it.
import type { ApiClient, ResourceType } from '../../apiserver/client';

export interface DiscoveredResource extends ResourceType {
  kind: string;
  namespaced: boolean;
  verbs: readonly string[];
}

export function discoverResources(client: ApiClient, requiredVerbs: readonly string[]): DiscoveredResource[] {
  const seen = new Set<string>();
  const out: DiscoveredResource[] = [];
  for (const info of client.discover()) {
    if (!info.plural) continue;
    const key = `${info.group}/${info.plural}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!requiredVerbs.every((v) => info.verbs.includes(v))) continue;
    const resource: DiscoveredResource = { group: info.group, version: info.version, resource: info.plural, kind: info.kind, namespaced: info.namespaced, verbs: info.verbs };
    try {
      client.list(resource, undefined, { limit: 1 });
    } catch {
      continue;
    }
    out.push(resource);
  }
  return out;
}
