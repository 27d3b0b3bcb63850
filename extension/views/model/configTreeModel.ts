// The Config & Storage tree (`kubeside.config`): namespace → ConfigMaps (→ keys and values),
// Secrets (→ keys only: the cache holds no values, a "Reveal" action fetches one from the cluster),
// PersistentVolumeClaims (phase, capacity, storage class) → the PersistentVolume bound to each.
import type { KubeObj } from '../../backend/clusterBackend';
import type { CacheChange, ClusterCache, WatchedKind } from '../../cache/clusterCache';
import { groupId, groupNode, namespaceId, namespaceNode, namespaceRoots, parseGroupId } from './namespaceNodes';
import { byName, type ChildList, code, compareNames, objectId, PagedTreeModel, refOf, type TreeNode } from './treeModel';

const groups = [
  { group: 'configmaps', label: 'ConfigMaps', kind: 'configmaps', icon: 'settings-gear', prefix: 'configmap' },
  { group: 'secrets', label: 'Secrets', kind: 'secrets', icon: 'lock', prefix: 'secret' },
  { group: 'persistentvolumeclaims', label: 'PersistentVolumeClaims', kind: 'persistentvolumeclaims', icon: 'database', prefix: 'persistentvolumeclaim' },
] as const satisfies readonly { group: string; label: string; kind: WatchedKind; icon: string; prefix: string }[];
type ConfigKind = (typeof groups)[number]['kind'];
const groupOf = new Map<string, (typeof groups)[number]>(groups.map((g) => [g.kind, g]));

const pvId = (name: string) => `persistentvolume/${name}`;
/** The longest value shown in a ConfigMap key's description; the tooltip has more. */
const descriptionChars = 60;
const tooltipChars = 2000;

function keysOf(obj: KubeObj): { key: string; binary: boolean }[] {
  return [
    ...Object.keys(obj.data ?? {}).map((key) => ({ key, binary: false })),
    ...Object.keys(obj.binaryData ?? {}).map((key) => ({ key, binary: true })),
  ].sort((a, b) => compareNames(a.key, b.key));
}

export class ConfigTreeModel extends PagedTreeModel {
  constructor(cache: ClusterCache) {
    super(cache);
  }

  roots(): TreeNode[] {
    return namespaceRoots(this.cache, (namespace) => this.groupsOf(namespace).length > 0);
  }

  protected expand(node: TreeNode): ChildList | TreeNode[] | undefined {
    const group = parseGroupId(node.id);
    const g = group && groupOf.get(group.group);
    if (group && g) return { items: this.sortOnce(node.id, this.cache.byIndex(g.kind, 'namespace', group.namespace), byName), noun: g.group, build: (o) => this.objectNode(g.kind, o) };
    const ref = node.ref;
    if (!ref) return undefined;
    if (ref.kind === 'Namespace') return this.groupsOf(ref.name);
    if (node.id.startsWith('configmap/') || node.id.startsWith('secret/')) {
      const kind = node.id.startsWith('secret/') ? 'secrets' : 'configmaps';
      const obj = this.cache.get(kind, ref.namespace, ref.name);
      return obj ? { items: keysOf(obj), noun: 'keys', build: (k) => this.keyNode(kind, obj, k.key, k.binary) } : [];
    }
    if (node.id.startsWith('persistentvolumeclaim/')) {
      const pvc = this.cache.get('persistentvolumeclaims', ref.namespace, ref.name);
      const pv = pvc?.spec?.volumeName ? this.cache.get('persistentvolumes', undefined, pvc.spec.volumeName) : undefined;
      return pv ? [this.volumeNode(pv)] : [];
    }
    return undefined;
  }

  protected rebuild(node: TreeNode): TreeNode | undefined {
    const group = parseGroupId(node.id);
    if (group) return this.groupsOf(group.namespace).find((g) => g.id === node.id);
    const ref = node.ref;
    if (!ref) return undefined;
    const prefix = node.id.slice(0, node.id.indexOf('/'));
    switch (prefix) {
      case 'ns': {
        const ns = this.cache.get('namespaces', undefined, ref.name);
        return ns && namespaceNode(ns, this.groupsOf(ns.metadata.name).length > 0);
      }
      case 'persistentvolume': {
        const pv = this.cache.get('persistentvolumes', undefined, ref.name);
        return pv && this.volumeNode(pv);
      }
      case 'configmapkey':
      case 'secretkey': {
        const kind = prefix === 'secretkey' ? 'secrets' : 'configmaps';
        const obj = this.cache.get(kind, ref.namespace, ref.name);
        const key = obj && keysOf(obj).find((k) => node.id === this.keyId(kind, obj, k.key));
        return key && this.keyNode(kind, obj, key.key, key.binary);
      }
      default: {
        const g = groups.find((x) => x.prefix === prefix);
        const obj = g && this.cache.get(g.kind, ref.namespace, ref.name);
        return g && obj ? this.objectNode(g.kind, obj) : undefined;
      }
    }
  }

  parent(node: TreeNode): TreeNode | undefined {
    const page = this.pageParent(node);
    if (page) return page;
    const ref = node.ref;
    if (!ref || parseGroupId(node.id)) return undefined;
    const prefix = node.id.slice(0, node.id.indexOf('/'));
    if (prefix === 'configmapkey' || prefix === 'secretkey') {
      const kind = prefix === 'secretkey' ? 'secrets' : 'configmaps';
      const obj = this.cache.get(kind, ref.namespace, ref.name);
      return obj && this.objectNode(kind, obj);
    }
    if (prefix === 'persistentvolume') {
      const claim = this.cache.get('persistentvolumes', undefined, ref.name)?.spec?.claimRef;
      const pvc = claim && this.cache.get('persistentvolumeclaims', claim.namespace, claim.name);
      return pvc && this.objectNode('persistentvolumeclaims', pvc);
    }
    const g = groups.find((x) => x.prefix === prefix);
    return g && ref.namespace ? this.groupsOf(ref.namespace).find((n) => n.id === groupId(ref.namespace!, g.group)) : undefined;
  }

  affected(changes: readonly CacheChange[]): { roots: boolean; ids: ReadonlySet<string> } {
    const ids = new Set<string>();
    let roots = false;
    for (const c of changes) {
      const { namespace, name } = c.object.metadata ?? {};
      if (c.kind === 'namespaces') {
        if (c.type === 'modified') ids.add(namespaceId(name));
        else roots = true;
      } else if (c.kind === 'persistentvolumes') {
        ids.add(pvId(name));
        // A volume that binds or is released changes what its claim shows under it.
        for (const pv of [c.old, c.object]) {
          const claim = pv?.spec?.claimRef;
          if (claim?.namespace && claim.name) ids.add(objectId('persistentvolumeclaim', claim.namespace, claim.name));
        }
      } else {
        const g = groupOf.get(c.kind);
        if (!g) continue;
        if (c.type === 'modified') ids.add(objectId(g.prefix, namespace, name));
        else {
          ids.add(groupId(namespace, g.group));
          ids.add(namespaceId(namespace));
        }
      }
    }
    return { roots, ids };
  }

  private groupsOf(namespace: string): TreeNode[] {
    const out: TreeNode[] = [];
    for (const g of groups) {
      const count = this.cache.byIndex(g.kind, 'namespace', namespace).length;
      if (count) out.push(groupNode(namespace, g.group, g.label, count, g.icon));
    }
    return out;
  }

  private objectNode(kind: ConfigKind, obj: KubeObj): TreeNode {
    const { namespace, name } = obj.metadata;
    const g = groupOf.get(kind)!;
    const ref = refOf(kind, obj);
    const base = { id: objectId(g.prefix, namespace, name), label: name, contextValue: `kubeside.${g.prefix}`, ref };
    if (kind === 'persistentvolumeclaims') {
      const phase: string = obj.status?.phase ?? 'Pending';
      const capacity: string | undefined = obj.status?.capacity?.storage ?? obj.spec?.resources?.requests?.storage;
      const storageClass: string | undefined = obj.spec?.storageClassName;
      return {
        ...base,
        description: [phase, capacity, storageClass].filter(Boolean).join(' · '),
        tooltip: [
          `**PersistentVolumeClaim** ${code(`${namespace}/${name}`)} — ${phase}`,
          '',
          `Volume: ${obj.spec?.volumeName ? code(obj.spec.volumeName) : '_none yet_'}`,
          `Capacity: ${capacity ? code(capacity) : '_unknown_'} · Access modes: ${(obj.spec?.accessModes ?? []).join(', ')}`,
          `StorageClass: ${storageClass ? code(storageClass) : '_none_'}`,
        ].join('  \n'),
        icon: { id: g.icon, color: phase === 'Bound' ? 'testing.iconPassed' : phase === 'Lost' ? 'errorForeground' : 'charts.yellow' },
        collapsible: obj.spec?.volumeName ? 'collapsed' : 'none',
      };
    }
    const keys = keysOf(obj).length;
    const type = kind === 'secrets' ? (obj.type ?? 'Opaque') : undefined;
    return {
      ...base,
      description: [type, `${keys} key${keys === 1 ? '' : 's'}`].filter(Boolean).join(' · '),
      tooltip: `**${ref.kind}** ${code(`${namespace}/${name}`)}${type ? ` — ${code(type)}` : ''}  \n${keys} key${keys === 1 ? '' : 's'}${obj.immutable ? ' · immutable' : ''}`,
      icon: { id: g.icon },
      collapsible: keys ? 'collapsed' : 'none',
    };
  }

  private keyId(kind: 'configmaps' | 'secrets', obj: KubeObj, key: string): string {
    return `${kind === 'secrets' ? 'secretkey' : 'configmapkey'}/${obj.metadata.namespace}/${obj.metadata.name}/${key}`;
  }

  private keyNode(kind: 'configmaps' | 'secrets', obj: KubeObj, key: string, binary: boolean): TreeNode {
    const base = { id: this.keyId(kind, obj, key), label: key, collapsible: 'none' as const, ref: refOf(kind, obj) };
    if (kind === 'secrets') {
      // The cache blanks every Secret value; only the key is known here.
      return { ...base, description: 'hidden', tooltip: `Key ${code(key)} of Secret ${code(`${obj.metadata.namespace}/${obj.metadata.name}`)}  \nThe value stays in the cluster until revealed.`, icon: { id: 'key' }, contextValue: 'kubeside.secretKey' };
    }
    const value: string = binary ? obj.binaryData[key] : obj.data[key];
    const firstLine = value.split('\n', 1)[0] ?? '';
    const description = binary ? `binary, ${Math.floor((value.length * 3) / 4)} bytes` : firstLine.length > descriptionChars || value.includes('\n') ? `${firstLine.slice(0, descriptionChars)}…` : firstLine;
    const shown = value.length > tooltipChars ? `${value.slice(0, tooltipChars)}\n…` : value;
    const fence = shown.includes('```') ? '~~~' : '```';
    return {
      ...base,
      description,
      tooltip: `Key ${code(key)} of ConfigMap ${code(`${obj.metadata.namespace}/${obj.metadata.name}`)}${binary ? ' (binary, base64)' : ''}\n\n${fence}\n${shown}\n${fence}`,
      icon: { id: 'symbol-key' },
      contextValue: 'kubeside.configMapKey',
    };
  }

  private volumeNode(pv: KubeObj): TreeNode {
    const name: string = pv.metadata.name;
    const phase: string = pv.status?.phase ?? 'Pending';
    const capacity: string | undefined = pv.spec?.capacity?.storage;
    const reclaim: string = pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
    const source = Object.keys(pv.spec ?? {}).find((k) => ['hostPath', 'local', 'nfs', 'csi'].includes(k));
    return {
      id: pvId(name),
      label: name,
      description: [phase, capacity, reclaim].filter(Boolean).join(' · '),
      tooltip: [`**PersistentVolume** ${code(name)} — ${phase}`, '', `Capacity: ${capacity ? code(capacity) : '_unknown_'} · Reclaim policy: ${reclaim}`, `Source: ${source ? code(source) : '_unknown_'}`].join('  \n'),
      icon: { id: 'database', color: phase === 'Bound' ? 'testing.iconPassed' : 'charts.yellow' },
      contextValue: 'kubeside.persistentVolume',
      collapsible: 'none',
      ref: refOf('persistentvolumes', pv),
    };
  }
}
