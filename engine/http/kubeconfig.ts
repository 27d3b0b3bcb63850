// Kubeconfig files for the embedded cluster: the one written beside its state, and the `kubeside`
// entries merged into a user's ~/.kube/config on request (other clusters, users and contexts kept).
// Format: https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';

export interface KubeconfigEntry {
  /** Name of the cluster, user and context alike. */
  name: string;
  server: string;
  /** PEM of the CA that signed the serving certificate. */
  caCert: string;
  token: string;
  user: string;
}

type Json = Record<string, any>;

function entries(e: KubeconfigEntry) {
  return {
    cluster: { name: e.name, cluster: { 'certificate-authority-data': Buffer.from(e.caCert).toString('base64'), server: e.server } },
    user: { name: e.user, user: { token: e.token } },
    context: { name: e.name, context: { cluster: e.name, user: e.user } },
  };
}

/** A complete kubeconfig whose current context is the cluster's. */
export function kubeconfig(e: KubeconfigEntry): string {
  const { cluster, user, context } = entries(e);
  return stringify({ apiVersion: 'v1', kind: 'Config', clusters: [cluster], users: [user], contexts: [context], 'current-context': e.name, preferences: {} });
}

/** Writes a file only its owner may read (it holds a bearer token), through a rename so readers never see half of it. */
export async function writePrivateFile(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, text, { mode: 0o600 });
  await fs.chmod(tmp, 0o600);
  await fs.rename(tmp, file);
}

/**
 * Adds (or replaces) the cluster, user and context named `e.name` in the kubeconfig at `file`,
 * keeping everything else; the current context becomes this one only if there was none.
 */
export async function mergeKubeconfig(file: string, e: KubeconfigEntry): Promise<void> {
  let config: Json = {};
  try {
    config = (parse(await fs.readFile(file, 'utf8')) as Json | null) ?? {};
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { cluster, user, context } = entries(e);
  const upsert = (list: unknown, item: Json) => [...(Array.isArray(list) ? list.filter((x: Json) => x?.name !== item.name) : []), item];
  config.apiVersion ??= 'v1';
  config.kind ??= 'Config';
  config.clusters = upsert(config.clusters, cluster);
  config.users = upsert(config.users, user);
  config.contexts = upsert(config.contexts, context);
  if (!config['current-context']) config['current-context'] = e.name;
  await writePrivateFile(file, stringify(config));
}
