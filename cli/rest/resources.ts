// Resolves what a user types (`deploy`, `pods`, `deployment.apps`, `Ingress`) or what a manifest
// names (apiVersion + kind) to a served resource and its URL, from the server's aggregated discovery
// (apidiscovery.k8s.io/v2), as kubectl's RESTMapper does; built-in kinds need no discovery at all.
import { kinds, parseAPIVersion } from '../../engine/api/kinds/index';
import type { RestClient } from './client';

export interface ApiResource {
  group: string;
  version: string;
  /** Plural, as in URLs. */
  resource: string;
  kind: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
}

/** The resources `kubectl get all` lists (the "all" category of the built-in kinds). */
export const allCategory = ['pods', 'services', 'daemonsets.apps', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'jobs.batch', 'cronjobs.batch'];

const aggregatedAccept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

/** `deployment.apps` for group resources, `pod` for the core group: kubectl's `kind.group/name` prefix. */
export function qualifiedKind(r: ApiResource): string {
  return r.group ? `${r.kind.toLowerCase()}.${r.group}` : r.kind.toLowerCase();
}

/** `deployments.apps`, the form of Kubernetes' "not found" messages. */
export function qualifiedResource(r: ApiResource): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

/** The URL path of a resource collection, or of one object and its subresource. */
export function resourcePath(r: ApiResource, namespace: string | undefined, name?: string, subresource?: string): string {
  const root = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${ns}/${r.resource}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}${subresource ? `/${subresource}` : ''}`;
}

export class ResourceResolver {
  private discovered?: Promise<ApiResource[]>;

  constructor(private readonly client: RestClient) {}

  /** Every served resource at its group's preferred version first (discovery lists it first). */
  private discover(): Promise<ApiResource[]> {
    this.discovered ??= (async () => {
      const out: ApiResource[] = [];
      for (const root of ['/api', '/apis']) {
        const list = await this.client.json('GET', root, { accept: aggregatedAccept });
        for (const g of list.items ?? []) {
          for (const v of g.versions ?? []) {
            for (const r of v.resources ?? []) {
              out.push({
                group: g.metadata?.name ?? '',
                version: v.version,
                resource: r.resource,
                kind: r.responseKind?.kind ?? '',
                singular: r.singularResource ?? '',
                shortNames: r.shortNames ?? [],
                namespaced: r.scope === 'Namespaced',
              });
            }
          }
        }
      }
      return out;
    })();
    return this.discovered;
  }

  /**
   * A type as kubectl accepts it: plural, singular, short name or kind, optionally `.group` or
   * `.version.group` qualified; matched in that order, the preferred version first.
   */
  async forType(type: string): Promise<ApiResource> {
    const all = await this.discover();
    const lower = type.toLowerCase();
    const dot = lower.indexOf('.');
    const [name, qualifier] = dot < 0 ? [lower, undefined] : [lower.slice(0, dot), lower.slice(dot + 1)];
    const inGroup = (r: ApiResource) => qualifier === undefined || r.group === qualifier || `${r.version}.${r.group}` === qualifier;
    const candidates = all.filter(inGroup);
    const match =
      candidates.find((r) => r.resource === name) ??
      candidates.find((r) => r.singular === name) ??
      candidates.find((r) => r.shortNames.includes(name)) ??
      candidates.find((r) => r.kind.toLowerCase() === name);
    if (!match) throw new Error(`the server doesn't have a resource type "${type}"`);
    return match;
  }

  /** The resource of a manifest's apiVersion and kind: the kinds registry for built-ins, discovery for the rest. */
  async forKind(apiVersion: string, kind: string): Promise<ApiResource> {
    const info = kinds().lookup(apiVersion, kind);
    if (info?.served && !kinds().isCustom(info)) {
      return { group: info.group, version: info.version, resource: info.plural, kind: info.kind, singular: info.singular, shortNames: info.shortNames, namespaced: info.namespaced };
    }
    const { group, version } = parseAPIVersion(apiVersion);
    const found = (await this.discover()).find((r) => r.group === group && r.version === version && r.kind === kind);
    if (!found) throw new Error(`resource mapping not found for name: kind "${kind}" in version "${apiVersion}": ensure CRDs are installed first`);
    return found;
  }

  /** Forgets discovery, e.g. after CRDs were applied so their kinds resolve. */
  refresh(): void {
    this.discovered = undefined;
  }
}
