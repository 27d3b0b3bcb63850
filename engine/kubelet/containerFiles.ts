// The files a container sees that the kubelet puts there: its ConfigMap, Secret, downward API and
// projected volumes (as the atomic writer lays out their keys or items), and the /etc/hostname,
// /etc/hosts and /etc/resolv.conf it writes for every pod. What `kubectl exec … cat` reads.
// The volumes are written when they are set up and rewritten on every sync of the pod, so a
// changed ConfigMap reaches its volumes at the next sync (within the kubelet's sync period), never
// a subPath mount, and never an environment variable.
// After pkg/volume/{configmap,secret,downwardapi,projected} and pkg/kubelet/kubelet_pods.go.
import type { Container, DownwardAPIVolumeFile, KeyToPath, Pod, ServiceAccountTokenProjection, Volume } from 'kubernetes-types/core/v1';
import type { Obj } from '../apiserver/registry/strategy';
import { clusterDNS, clusterDomain } from '../network/serviceProxy';

/** Where the kubelet reads what volumes hold: a ConfigMap or Secret of the pod's namespace, or undefined. */
export type VolumeObjectSource = (resource: 'configmaps' | 'secrets', namespace: string, name: string) => Obj | undefined;

/** What the kubelet has written into a pod's ConfigMap, Secret, downward API and projected volumes: volume name → file path in the volume → contents. */
export type VolumeFiles = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** The volumes whose contents the kubelet writes (and rewrites on every pod sync, as remounting them does). */
export function writtenVolume(volume: Volume): boolean {
  return !!(volume.configMap || volume.secret || volume.downwardAPI || volume.projected);
}

/**
 * Why a volume's SetUp fails (it is retried): a ConfigMap or Secret it needs (not optional) is not
 * there, or its service account token could not be had.
 */
export type VolumeNotReady = { missing: { resource: 'configmaps' | 'secrets'; name: string } } | { failed: string };

/** The service account token a projected source asks for, or why there is none. */
export type ProjectedTokenSource = (source: ServiceAccountTokenProjection) => { token: string } | { error: string };

/**
 * The files of one volume the kubelet writes (`writtenVolume`), as its atomic writer lays out the
 * keys or items of the ConfigMaps and Secrets it reads through `get`, the pod's own fields, and
 * the service account tokens `token` gives; or why it cannot be written (the first reason met).
 */
export function volumeFiles(pod: Pod, volume: Volume, get: VolumeObjectSource, token?: ProjectedTokenSource): Map<string, string> | VolumeNotReady {
  const ns = pod.metadata?.namespace ?? '';
  const contents = new Map<string, string>();
  let missing: VolumeNotReady | undefined;
  const keys = (data: Record<string, string>, items: KeyToPath[] | undefined) => {
    if (!items?.length) for (const [k, v] of Object.entries(data)) contents.set(k, v);
    else for (const item of items) if (item.key in data) contents.set(item.path, data[item.key]!);
  };
  const configMap = (name: string | undefined, items: KeyToPath[] | undefined, optional: boolean | undefined) => {
    const cm = get('configmaps', ns, name ?? '');
    if (!cm) return void (optional || (missing ??= { missing: { resource: 'configmaps', name: name ?? '' } }));
    const binary = Object.fromEntries(Object.entries((cm.binaryData ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
    keys({ ...(cm.data ?? {}), ...binary }, items);
  };
  const secret = (name: string | undefined, items: KeyToPath[] | undefined, optional: boolean | undefined) => {
    const s = get('secrets', ns, name ?? '');
    if (!s) return void (optional || (missing ??= { missing: { resource: 'secrets', name: name ?? '' } }));
    keys(Object.fromEntries(Object.entries((s.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])), items);
  };
  const downward = (items: DownwardAPIVolumeFile[] | undefined) => {
    for (const item of items ?? []) {
      const value = item.fieldRef ? fieldValue(pod, item.fieldRef.fieldPath) : undefined;
      if (value !== undefined) contents.set(item.path, value);
    }
  };
  if (volume.configMap) configMap(volume.configMap.name, volume.configMap.items, volume.configMap.optional);
  if (volume.secret) secret(volume.secret.secretName, volume.secret.items, volume.secret.optional);
  if (volume.downwardAPI) downward(volume.downwardAPI.items);
  for (const source of volume.projected?.sources ?? []) {
    if (source.configMap) configMap(source.configMap.name, source.configMap.items, source.configMap.optional);
    if (source.secret) secret(source.secret.name, source.secret.items, source.secret.optional);
    if (source.downwardAPI) downward(source.downwardAPI.items);
    if (source.serviceAccountToken && token) {
      const got = token(source.serviceAccountToken);
      if ('token' in got) contents.set(source.serviceAccountToken.path, got.token);
      else missing ??= { failed: got.error };
    }
  }
  return missing ?? contents;
}

/**
 * The files a container's subPath mounts of written volumes show: each is bound to the file as it
 * was when the container started, and the kubelet's later rewrites of the volume never reach it
 * (they replace the volume's files, not the one bound). Mount path → contents.
 */
export function subPathFiles(container: Container, volumes: VolumeFiles): Map<string, string> {
  const files = new Map<string, string>();
  for (const mount of container.volumeMounts ?? []) {
    const contents = mount.subPath ? volumes.get(mount.name) : undefined;
    if (!contents || !mount.subPath) continue;
    const base = mount.mountPath.replace(/\/+$/, '');
    const sub = mount.subPath.replace(/\/+$/, '');
    // A key is a file; a path that is the prefix of items' paths is a directory, bound with what is in it.
    const file = contents.get(sub);
    if (file !== undefined) files.set(base, file);
    else for (const [rel, value] of contents) if (rel.startsWith(`${sub}/`)) files.set(`${base}${rel.slice(sub.length)}`, value);
  }
  return files;
}

/**
 * Path → contents of every file the kubelet provides to `container`, with directories implied by
 * the paths: the pod's written volumes as the kubelet last wrote them, the container's subPath
 * files as it started with them, and /etc/hostname, /etc/hosts and /etc/resolv.conf.
 */
export function containerFiles(pod: Pod, container: Container, podIP: string, volumes: VolumeFiles, subPaths: ReadonlyMap<string, string>): Map<string, string> {
  const files = new Map<string, string>();
  const hostname = pod.spec?.hostname ?? pod.metadata?.name ?? '';
  files.set('/etc/hostname', `${hostname}\n`);
  files.set('/etc/hosts', hostsFile(pod, hostname, podIP));
  files.set('/etc/resolv.conf', resolvConf(pod));
  for (const mount of container.volumeMounts ?? []) {
    if (mount.subPath) continue;
    const contents = volumes.get(mount.name);
    if (!contents) continue;
    const base = mount.mountPath.replace(/\/+$/, '');
    for (const [rel, value] of contents) files.set(`${base}/${rel}`, value);
  }
  for (const [path, value] of subPaths) files.set(path, value);
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
