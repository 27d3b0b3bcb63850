// API discovery, as kube-apiserver serves it: /api (APIVersions), /apis (APIGroupList), one
// APIResourceList per group version, and aggregated discovery (apidiscovery.k8s.io/v2, KEP-3352),
// which kubectl asks for first so that one request per root describes every resource.
import { apiVersionOf, type KindInfo } from '../api/kinds/index';

type Json = Record<string, unknown>;

/** A resource served beside the stored ones: the review APIs, answered from the request alone. */
export interface VirtualResource {
  group: string;
  version: string;
  plural: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
}

export const virtualResources: readonly VirtualResource[] = [
  // Deprecated since 1.19 and still served: the control plane's health, probed when read.
  { group: '', version: 'v1', plural: 'componentstatuses', kind: 'ComponentStatus', verbs: ['get', 'list'], shortNames: ['cs'] },
  { group: 'authentication.k8s.io', version: 'v1', plural: 'selfsubjectreviews', kind: 'SelfSubjectReview', verbs: ['create'] },
  { group: 'authentication.k8s.io', version: 'v1', plural: 'tokenreviews', kind: 'TokenReview', verbs: ['create'] },
  { group: 'authorization.k8s.io', version: 'v1', plural: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', verbs: ['create'] },
];

interface SubresourceInfo {
  kind: { group: string; version: string; kind: string };
  verbs: string[];
}

/** The subresources the API server answers, with what they return (others of the spec are not served here). */
function subresourceInfo(info: KindInfo, sub: string): SubresourceInfo | undefined {
  switch (sub) {
    case 'status':
      return { kind: { group: info.group, version: info.version, kind: info.kind }, verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return { kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] };
    case 'binding':
      return { kind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] };
    case 'eviction':
      return { kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] };
    case 'proxy':
      // The API server's proxy to a Service's endpoints or a pod (a node's is not served).
      if (info.group !== '' || (info.kind !== 'Pod' && info.kind !== 'Service')) return undefined;
      return { kind: { group: '', version: 'v1', kind: `${info.kind}ProxyOptions` }, verbs: ['create', 'delete', 'get', 'patch', 'update'] };
    case 'ephemeralcontainers':
      return { kind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get', 'patch', 'update'] };
    case 'token':
      return { kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }, verbs: ['create'] };
    default:
      return undefined;
  }
}

/** kube-apiserver's group priority (the aggregator's order), so `kubectl api-resources` lists as a real cluster does. */
const groupOrder = [
  '',
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'resource.k8s.io',
];

function versionPriority(v: string): number {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return -1;
  const stage = m[2] === 'alpha' ? 0 : m[2] === 'beta' ? 1 : 2;
  return stage * 1_000_000 + Number(m[1]) * 1000 + (m[3] ? Number(m[3]) : 0);
}

interface Entry {
  group: string;
  version: string;
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
  categories: string[];
  subresources: [string, SubresourceInfo][];
}

export class Discovery {
  /** group → version → resources, groups in priority order. */
  private readonly groups = new Map<string, Map<string, Entry[]>>();

  constructor(resources: readonly KindInfo[]) {
    const entries: Entry[] = [];
    for (const info of resources) {
      entries.push({
        group: info.group,
        version: info.version,
        resource: info.plural,
        singular: info.singular || info.kind.toLowerCase(),
        kind: info.kind,
        namespaced: info.namespaced,
        verbs: [...info.verbs],
        shortNames: [...info.shortNames],
        categories: [...(info.categories ?? [])],
        subresources: info.subresources.flatMap((s) => {
          const sub = subresourceInfo(info, s);
          return sub ? [[s, sub] as [string, SubresourceInfo]] : [];
        }),
      });
    }
    for (const v of virtualResources) {
      entries.push({ group: v.group, version: v.version, resource: v.plural, singular: v.kind.toLowerCase(), kind: v.kind, namespaced: false, verbs: v.verbs, shortNames: v.shortNames ?? [], categories: [], subresources: [] });
    }
    const rank = (g: string) => (groupOrder.includes(g) ? groupOrder.indexOf(g) : groupOrder.length);
    entries.sort((a, b) => rank(a.group) - rank(b.group) || a.group.localeCompare(b.group) || versionPriority(b.version) - versionPriority(a.version) || a.resource.localeCompare(b.resource));
    for (const e of entries) {
      let versions = this.groups.get(e.group);
      if (!versions) this.groups.set(e.group, (versions = new Map()));
      let list = versions.get(e.version);
      if (!list) versions.set(e.version, (list = []));
      list.push(e);
    }
  }

  /** Whether a group version is served (for 404s under /apis/<group>/<version>). */
  has(group: string, version: string): boolean {
    return !!this.groups.get(group)?.has(version);
  }

  hasGroup(group: string): boolean {
    return group !== '' && this.groups.has(group);
  }

  /** GET /api */
  apiVersions(serverAddress: string): Json {
    return { kind: 'APIVersions', versions: [...(this.groups.get('')?.keys() ?? [])], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }

  /** GET /apis */
  apiGroupList(): Json {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...this.groups.keys()].filter((g) => g !== '').map((g) => this.apiGroup(g)) };
  }

  /** GET /apis/<group> */
  apiGroup(group: string): Json {
    const versions = [...(this.groups.get(group)?.keys() ?? [])].map((version) => ({ groupVersion: `${group}/${version}`, version }));
    return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
  }

  /** GET /api/v1, /apis/<group>/<version> */
  apiResourceList(group: string, version: string): Json {
    const resources: Json[] = [];
    for (const e of this.groups.get(group)?.get(version) ?? []) {
      resources.push({
        name: e.resource,
        singularName: e.singular,
        namespaced: e.namespaced,
        kind: e.kind,
        verbs: e.verbs,
        ...(e.shortNames.length ? { shortNames: e.shortNames } : {}),
        ...(e.categories.length ? { categories: e.categories } : {}),
      });
      for (const [name, sub] of e.subresources) {
        const foreign = sub.kind.group !== e.group || sub.kind.version !== e.version;
        resources.push({ name: `${e.resource}/${name}`, singularName: '', namespaced: e.namespaced, ...(foreign ? { group: sub.kind.group, version: sub.kind.version } : {}), kind: sub.kind.kind, verbs: sub.verbs });
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
  }

  /** Aggregated discovery of the core group (`legacy`) or of every named group. */
  aggregated(legacy: boolean): Json {
    const items = [...this.groups.entries()]
      .filter(([g]) => (g === '') === legacy)
      .map(([group, versions]) => ({
        metadata: { name: group, creationTimestamp: null },
        versions: [...versions.entries()].map(([version, entries]) => ({
          version,
          resources: entries.map((e) => ({
            resource: e.resource,
            responseKind: { group: e.group, version: e.version, kind: e.kind },
            scope: e.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: e.singular,
            verbs: e.verbs,
            ...(e.shortNames.length ? { shortNames: e.shortNames } : {}),
            ...(e.categories.length ? { categories: e.categories } : {}),
            ...(e.subresources.length ? { subresources: e.subresources.map(([name, sub]) => ({ subresource: name, responseKind: sub.kind, verbs: sub.verbs })) } : {}),
          })),
          freshness: 'Current',
        })),
      }));
    return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
  }

  /** Every served group version, core first: `['', 'v1'], ['apps', 'v1'], …`. */
  groupVersions(): [string, string][] {
    return [...this.groups.entries()].flatMap(([g, versions]) => [...versions.keys()].map((v) => [g, v] as [string, string]));
  }

  /** The resources of a group version, for the OpenAPI paths. */
  resources(group: string, version: string): readonly { resource: string; kind: string; namespaced: boolean; verbs: string[]; subresources: string[] }[] {
    return (this.groups.get(group)?.get(version) ?? []).map((e) => ({ resource: e.resource, kind: e.kind, namespaced: e.namespaced, verbs: e.verbs, subresources: e.subresources.map(([s]) => s) }));
  }
}
