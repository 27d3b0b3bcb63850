// The files a container sees that the kubelet puts there: its ConfigMap, Secret, downward API and
// projected volumes (as the atomic writer lays out their keys or items), and the /etc/hostname,
// /etc/hosts and /etc/resolv.conf it writes for every pod. What `kubectl exec … cat` reads.
// After pkg/volume/{configmap,secret,downwardapi,projected} and pkg/kubelet/kubelet_pods.go.
import type { Container, DownwardAPIVolumeFile, KeyToPath, Pod } from 'kubernetes-types/core/v1';
import type { Obj } from '../apiserver/registry/strategy';
import { clusterDNS, clusterDomain } from '../network/serviceProxy';

/** Where the kubelet reads what volumes hold: a ConfigMap or Secret of the pod's namespace, or undefined. */
export type VolumeObjectSource = (resource: 'configmaps' | 'secrets', namespace: string, name: string) => Obj | undefined;

/** Path → contents of every file the kubelet provides to `container`, with directories implied by the paths. */
export function containerFiles(pod: Pod, container: Container, podIP: string, get: VolumeObjectSource): Map<string, string> {
  const files = new Map<string, string>();
  const ns = pod.metadata?.namespace ?? '';
  const hostname = pod.spec?.hostname ?? pod.metadata?.name ?? '';
  files.set('/etc/hostname', `${hostname}\n`);
  files.set('/etc/hosts', hostsFile(pod, hostname, podIP));
  files.set('/etc/resolv.conf', resolvConf(pod));
  for (const mount of container.volumeMounts ?? []) {
    const volume = (pod.spec?.volumes ?? []).find((v) => v.name === mount.name);
    if (!volume) continue;
    const contents = new Map<string, string>();
    const keys = (data: Record<string, string>, items: KeyToPath[] | undefined) => {
      if (!items?.length) for (const [k, v] of Object.entries(data)) contents.set(k, v);
      else for (const item of items) if (item.key in data) contents.set(item.path, data[item.key]!);
    };
    const configMap = (name: string | undefined, items: KeyToPath[] | undefined) => {
      const cm = get('configmaps', ns, name ?? '');
      if (!cm) return;
      const binary = Object.fromEntries(Object.entries((cm.binaryData ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
      keys({ ...(cm.data ?? {}), ...binary }, items);
    };
    const secret = (name: string | undefined, items: KeyToPath[] | undefined) => {
      const s = get('secrets', ns, name ?? '');
      if (s) keys(Object.fromEntries(Object.entries((s.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])), items);
    };
    const downward = (items: DownwardAPIVolumeFile[] | undefined) => {
      for (const item of items ?? []) {
        const value = item.fieldRef ? fieldValue(pod, item.fieldRef.fieldPath) : undefined;
        if (value !== undefined) contents.set(item.path, value);
      }
    };
    if (volume.configMap) configMap(volume.configMap.name, volume.configMap.items);
    if (volume.secret) secret(volume.secret.secretName, volume.secret.items);
    if (volume.downwardAPI) downward(volume.downwardAPI.items);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap) configMap(source.configMap.name, source.configMap.items);
      if (source.secret) secret(source.secret.name, source.secret.items);
      if (source.downwardAPI) downward(source.downwardAPI.items);
    }
    const base = mount.mountPath.replace(/\/+$/, '');
    if (mount.subPath) {
      const file = contents.get(mount.subPath);
      if (file !== undefined) files.set(base, file);
      continue;
    }
    for (const [rel, value] of contents) files.set(`${base}/${rel}`, value);
  }
  return files;
}

/** A downward API file's contents: labels and annotations one `key="value"` a line, sorted. */
function fieldValue(pod: Pod, path: string): string | undefined {
  const map = (m: Record<string, string> | undefined) =>
    Object.keys(m ?? {})
      .sort()
      .map((k) => `${k}=${JSON.stringify(m![k])}`)
      .join('\n');
  switch (path) {
    case 'metadata.name':
      return pod.metadata?.name;
    case 'metadata.namespace':
      return pod.metadata?.namespace;
    case 'metadata.uid':
      return pod.metadata?.uid;
    case 'metadata.labels':
      return map(pod.metadata?.labels);
    case 'metadata.annotations':
      return map(pod.metadata?.annotations);
  }
  const one = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  return one ? (pod.metadata?.[one[1] as 'labels']?.[one[2]!] ?? '') : undefined;
}

/** The kubelet-managed /etc/hosts: loopback entries, the pod's own name, then spec.hostAliases. */
function hostsFile(pod: Pod, hostname: string, podIP: string): string {
  const lines = ['# Kubernetes-managed hosts file.', '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'fe00::0\tip6-mcastprefix', 'fe00::1\tip6-allnodes', 'fe00::2\tip6-allrouters'];
  if (podIP) {
    const subdomain = pod.spec?.subdomain;
    lines.push(subdomain ? `${podIP}\t${hostname}.${subdomain}.${pod.metadata?.namespace}.svc.${clusterDomain}\t${hostname}` : `${podIP}\t${hostname}`);
  }
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of aliases) lines.push(`${a.ip}\t${(a.hostnames ?? []).join('\t')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** /etc/resolv.conf for the pod's dnsPolicy (ClusterFirst: the cluster DNS and the namespace's search path). */
function resolvConf(pod: Pod): string {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  const config = pod.spec?.dnsConfig;
  const ns = pod.metadata?.namespace ?? '';
  let nameservers: string[] = [];
  let searches: string[] = [];
  const options: string[] = [];
  if (policy === 'ClusterFirst' || policy === 'ClusterFirstWithHostNet') {
    nameservers = [clusterDNS];
    searches = [`${ns}.svc.${clusterDomain}`, `svc.${clusterDomain}`, clusterDomain];
    options.push('ndots:5');
  }
  nameservers.push(...(config?.nameservers ?? []));
  searches.push(...(config?.searches ?? []));
  for (const o of config?.options ?? []) options.push(o.value !== undefined ? `${o.name}:${o.value}` : o.name!);
  const lines = [...(searches.length ? [`search ${searches.join(' ')}`] : []), ...nameservers.map((n) => `nameserver ${n}`), ...(options.length ? [`options ${options.join(' ')}`] : [])];
  return `${lines.join('\n')}\n`;
}
