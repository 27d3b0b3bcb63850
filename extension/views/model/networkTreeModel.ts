// The Network tree (`kubeside.network`): namespace → Services (type, cluster IP, ports) → their
// endpoints from EndpointSlices (pod IP:port, ready or not); Ingresses → rules (host and path) → the
// backend Service and port. A slice is found from its Service through the controller index.
import { serviceExternalIP, servicePorts } from '../../../engine/http/printers';
import type { KubeObj } from '../../backend/clusterBackend';
import { type CacheChange, type ClusterCache, watchedResources } from '../../cache/clusterCache';
import { groupId, groupNode, namespaceId, namespaceNode, namespaceRoots, parseGroupId } from './namespaceNodes';
import { byName, type ChildList, code, compareNames, objectId, PagedTreeModel, refOf, type TreeNode } from './treeModel';

const serviceNameLabel = 'kubernetes.io/service-name';
const serviceId = (namespace: string, name: string) => objectId('service', namespace, name);
const ingressId = (namespace: string, name: string) => objectId('ingress', namespace, name);

/** One ready-or-not address and port of a Service, as an EndpointSlice lists it. */
interface Endpoint {
  readonly address: string;
  readonly port?: { name?: string; port?: number; protocol?: string };
  readonly endpoint: KubeObj;
}

/** A path of an Ingress rule (or its default backend), addressed by rule and path index. */
interface IngressPath {
  readonly rule: number | 'default';
  readonly path: number;
  readonly host?: string;
  readonly value?: KubeObj;
  readonly backend: KubeObj;
}

function ingressPaths(ing: KubeObj): IngressPath[] {
  const out: IngressPath[] = [];
  if (ing.spec?.defaultBackend) out.push({ rule: 'default', path: 0, backend: ing.spec.defaultBackend });
  (ing.spec?.rules ?? []).forEach((rule: KubeObj, i: number) => {
    (rule.http?.paths ?? []).forEach((p: KubeObj, j: number) => out.push({ rule: i, path: j, host: rule.host, value: p, backend: p.backend ?? {} }));
  });
  return out;
}

/** Every address of a Service's slices, once per port, in pod-name order. */
function endpointsOf(slices: readonly KubeObj[]): Endpoint[] {
  const out: Endpoint[] = [];
  for (const slice of slices) {
    const ports: (KubeObj | undefined)[] = slice.ports?.length ? slice.ports : [undefined];
    for (const endpoint of slice.endpoints ?? []) {
      for (const address of endpoint.addresses ?? []) for (const port of ports) out.push({ address, endpoint, ...(port ? { port } : {}) });
    }
  }
  return out.sort((a, b) => compareNames(a.endpoint.targetRef?.name ?? a.address, b.endpoint.targetRef?.name ?? b.address) || (a.port?.port ?? 0) - (b.port?.port ?? 0));
}

const endpointAddress = (e: Endpoint) => (e.port?.port !== undefined ? `${e.address}:${e.port.port}` : e.address);
const endpointId = (svc: KubeObj, e: Endpoint) => `endpoint/${svc.metadata.namespace}/${svc.metadata.name}/${endpointAddress(e)}${e.port?.name ? `/${e.port.name}` : ''}`;

const backendText = (backend: KubeObj) =>
  backend.service ? `${backend.service.name}:${backend.service.port?.name ?? backend.service.port?.number ?? ''}` : backend.resource ? `${backend.resource.kind}/${backend.resource.name}` : '<none>';

export class NetworkTreeModel extends PagedTreeModel {
  constructor(cache: ClusterCache) {
    super(cache);
  }

  roots(): TreeNode[] {
    return namespaceRoots(this.cache, (namespace) => this.groupsOf(namespace).length > 0);
  }

  protected expand(node: TreeNode): ChildList<any> | TreeNode[] | undefined {
    const group = parseGroupId(node.id);
    if (group?.group === 'services') return { items: this.sortOnce(node.id, this.cache.byIndex('services', 'namespace', group.namespace), byName), noun: 'services', build: (s: KubeObj) => this.serviceNode(s) };
    if (group?.group === 'ingresses') return { items: this.sortOnce(node.id, this.cache.byIndex('ingresses', 'namespace', group.namespace), byName), noun: 'ingresses', build: (i: KubeObj) => this.ingressNode(i) };
    const ref = node.ref;
    if (ref?.kind === 'Namespace') return this.groupsOf(ref.name);
    if (node.id.startsWith('service/') && ref) {
      const svc = this.cache.get('services', ref.namespace, ref.name);
      return svc ? { items: this.endpointsOf(svc), noun: 'endpoints', build: (e: Endpoint) => this.endpointNode(svc, e) } : [];
    }
    if (node.id.startsWith('ingress/') && ref) {
      const ing = this.cache.get('ingresses', ref.namespace, ref.name);
      return ing ? ingressPaths(ing).map((p) => this.pathNode(ing, p)) : [];
    }
    const path = this.ingressPathOf(node.id);
    if (path && node.id.startsWith('ingressrule/')) return [this.backendNode(path.ingress, path.path)];
    return undefined;
  }

  protected rebuild(node: TreeNode): TreeNode | undefined {
    const group = parseGroupId(node.id);
    if (group) return this.groupsOf(group.namespace).find((g) => g.id === node.id);
    const ref = node.ref;
    if (node.id.startsWith('ns/') && ref) {
      const ns = this.cache.get('namespaces', undefined, ref.name);
      return ns && namespaceNode(ns, this.groupsOf(ns.metadata.name).length > 0);
    }
    if (node.id.startsWith('service/') && ref) {
      const svc = this.cache.get('services', ref.namespace, ref.name);
      return svc && this.serviceNode(svc);
    }
    if (node.id.startsWith('ingress/') && ref) {
      const ing = this.cache.get('ingresses', ref.namespace, ref.name);
      return ing && this.ingressNode(ing);
    }
    if (node.id.startsWith('endpoint/')) {
      const [, namespace, service] = node.id.split('/');
      const svc = this.cache.get('services', namespace, service!);
      const endpoint = svc && this.endpointsOf(svc).find((e) => endpointId(svc, e) === node.id);
      return endpoint && this.endpointNode(svc, endpoint);
    }
    const path = this.ingressPathOf(node.id);
    if (!path) return undefined;
    return node.id.startsWith('ingressrule/') ? this.pathNode(path.ingress, path.path) : this.backendNode(path.ingress, path.path);
  }

  parent(node: TreeNode): TreeNode | undefined {
    const page = this.pageParent(node);
    if (page) return page;
    const [prefix, namespace, name] = node.id.split('/');
    if (!namespace || !name) return undefined;
    if (prefix === 'service' || prefix === 'ingress') return this.groupsOf(namespace).find((g) => g.id === groupId(namespace, `${prefix === 'service' ? 'services' : 'ingresses'}`));
    if (prefix === 'endpoint') {
      const svc = this.cache.get('services', namespace, name);
      return svc && this.serviceNode(svc);
    }
    const path = this.ingressPathOf(node.id);
    if (!path) return undefined;
    return prefix === 'ingressrule' ? this.ingressNode(path.ingress) : this.pathNode(path.ingress, path.path);
  }

  affected(changes: readonly CacheChange[]): { roots: boolean; ids: ReadonlySet<string> } {
    const ids = new Set<string>();
    let roots = false;
    for (const c of changes) {
      const { namespace, name } = c.object.metadata ?? {};
      switch (c.kind) {
        case 'namespaces':
          if (c.type === 'modified') ids.add(namespaceId(name));
          else roots = true;
          break;
        case 'services':
        case 'ingresses':
          if (c.type === 'modified') ids.add(c.kind === 'services' ? serviceId(namespace, name) : ingressId(namespace, name));
          else {
            ids.add(groupId(namespace, c.kind));
            ids.add(namespaceId(namespace));
          }
          break;
        case 'endpointslices':
          for (const slice of [c.old, c.object]) {
            const service = slice?.metadata?.labels?.[serviceNameLabel];
            if (service) ids.add(serviceId(namespace, service));
          }
          break;
      }
    }
    return { roots, ids };
  }

  private groupsOf(namespace: string): TreeNode[] {
    const out: TreeNode[] = [];
    const services = this.cache.byIndex('services', 'namespace', namespace).length;
    if (services) out.push(groupNode(namespace, 'services', 'Services', services, 'plug'));
    const ingresses = this.cache.byIndex('ingresses', 'namespace', namespace).length;
    if (ingresses) out.push(groupNode(namespace, 'ingresses', 'Ingresses', ingresses, 'globe'));
    return out;
  }

  private endpointsOf(svc: KubeObj): Endpoint[] {
    const slices = this.cache.byIndex('endpointslices', 'controller', svc.metadata.uid);
    return this.listOnce(serviceId(svc.metadata.namespace, svc.metadata.name), slices, () => endpointsOf(slices));
  }

  private serviceNode(svc: KubeObj): TreeNode {
    const { namespace, name } = svc.metadata;
    const type: string = svc.spec?.type ?? 'ClusterIP';
    const clusterIP: string = svc.spec?.clusterIP ?? '';
    const ports = servicePorts(svc);
    // kubectl's EXTERNAL-IP: a load balancer's address (or <pending>), externalIPs, an ExternalName's name.
    const external = serviceExternalIP(svc);
    const selector = Object.entries(svc.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
    return {
      id: serviceId(namespace, name),
      label: name,
      description: [type, clusterIP === 'None' ? 'headless' : clusterIP, external === '<none>' ? '' : external, ports].filter(Boolean).join(' · '),
      tooltip: [
        `**Service** ${code(`${namespace}/${name}`)}`,
        '',
        `Type: ${type} · Cluster IP: ${code(clusterIP || '<none>')}${external === '<none>' ? '' : ` · External IP: ${code(external)}`}`,
        `Ports: ${code(ports)}`,
        `Selector: ${selector ? code(selector) : '_none_'}`,
        `DNS: ${code(`${name}.${namespace}.svc.cluster.local`)}`,
      ].join('  \n'),
      icon: { id: 'plug' },
      contextValue: 'kubeside.service',
      collapsible: 'collapsed',
      ref: refOf('services', svc),
    };
  }

  private endpointNode(svc: KubeObj, e: Endpoint): TreeNode {
    const { namespace, name } = svc.metadata;
    const ready = e.endpoint.conditions?.ready !== false;
    const target = e.endpoint.targetRef;
    const address = endpointAddress(e);
    return {
      id: endpointId(svc, e),
      label: address,
      description: [target?.name, ready ? 'ready' : 'not ready'].filter(Boolean).join(' · '),
      tooltip: [
        `**Endpoint** ${code(address)} of Service ${code(`${namespace}/${name}`)}`,
        '',
        `Target: ${target ? code(`${target.kind}/${target.name}`) : '_none_'}${e.endpoint.nodeName ? ` on ${code(e.endpoint.nodeName)}` : ''}`,
        `Ready: ${ready}${e.endpoint.conditions?.terminating ? ' · terminating' : ''}${e.port ? ` · Port: ${code(`${e.port.name ?? ''} ${e.port.port}/${e.port.protocol ?? 'TCP'}`.trim())}` : ''}`,
      ].join('  \n'),
      icon: ready ? { id: 'circle-filled', color: 'testing.iconPassed' } : { id: 'circle-outline', color: 'charts.yellow' },
      contextValue: 'kubeside.endpoint',
      collapsible: 'none',
      ...(target?.kind === 'Pod' ? { ref: { type: watchedResources.pods, namespace: target.namespace ?? namespace, name: target.name, kind: 'Pod' } } : {}),
    };
  }

  private ingressNode(ing: KubeObj): TreeNode {
    const { namespace, name } = ing.metadata;
    const hosts = [...new Set((ing.spec?.rules ?? []).map((r: KubeObj) => r.host ?? '*'))].join(',') || '*';
    const address = (ing.status?.loadBalancer?.ingress ?? []).map((i: KubeObj) => i.ip ?? i.hostname).filter(Boolean).join(',');
    return {
      id: ingressId(namespace, name),
      label: name,
      description: [ing.spec?.ingressClassName, hosts, address].filter(Boolean).join(' · '),
      tooltip: [`**Ingress** ${code(`${namespace}/${name}`)}`, '', `Class: ${ing.spec?.ingressClassName ? code(ing.spec.ingressClassName) : '_default_'}`, `Hosts: ${code(hosts)}`, `Address: ${address ? code(address) : '_none yet_'}`].join('  \n'),
      icon: { id: 'globe' },
      contextValue: 'kubeside.ingress',
      collapsible: 'collapsed',
      ref: refOf('ingresses', ing),
    };
  }

  private pathNode(ing: KubeObj, p: IngressPath): TreeNode {
    const { namespace, name } = ing.metadata;
    const label = p.rule === 'default' ? '(default backend)' : `${p.host ?? '*'}${p.value?.path ?? '/'}`;
    return {
      id: `ingressrule/${namespace}/${name}/${p.rule}/${p.path}`,
      label,
      ...(p.value?.pathType ? { description: p.value.pathType } : {}),
      tooltip: `**Ingress rule** ${code(label)} of ${code(`${namespace}/${name}`)}  \nBackend: ${code(backendText(p.backend))}`,
      icon: { id: 'arrow-right' },
      contextValue: 'kubeside.ingressRule',
      collapsible: 'collapsed',
      ref: refOf('ingresses', ing),
    };
  }

  private backendNode(ing: KubeObj, p: IngressPath): TreeNode {
    const { namespace, name } = ing.metadata;
    const service: string | undefined = p.backend.service?.name;
    return {
      id: `ingressbackend/${namespace}/${name}/${p.rule}/${p.path}`,
      label: backendText(p.backend),
      description: service ? 'service' : (p.backend.resource?.kind ?? ''),
      icon: { id: 'plug' },
      contextValue: 'kubeside.ingressBackend',
      collapsible: 'none',
      ...(service ? { ref: { type: watchedResources.services, namespace, name: service, kind: 'Service' } } : {}),
    };
  }

  /** The ingress and path of an `ingressrule/…` or `ingressbackend/…` id. */
  private ingressPathOf(id: string): { ingress: KubeObj; path: IngressPath } | undefined {
    const m = /^ingress(?:rule|backend)\/([^/]+)\/([^/]+)\/(default|\d+)\/(\d+)$/.exec(id);
    if (!m) return undefined;
    const ingress = this.cache.get('ingresses', m[1], m[2]!);
    const path = ingress && ingressPaths(ingress).find((p) => String(p.rule) === m[3] && String(p.path) === m[4]);
    return ingress && path ? { ingress, path } : undefined;
  }
}
