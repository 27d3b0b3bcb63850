// A fresh API server over an in-memory store, on a virtual clock, with an admin and helpers.
import { ApiServer, type ApiServerOptions } from '../../../engine/apiserver/apiserver';
import { groups, TokenAuthenticator, type UserInfo, users } from '../../../engine/apiserver/auth/user';
import { ApiClient } from '../../../engine/apiserver/client';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { Store } from '../../../engine/store/index';
import { VirtualClock } from '../../../engine/util/clock';
import { Random } from '../../../engine/util/random';

export const core = { group: '', version: 'v1' } as const;
export const pods = { ...core, resource: 'pods' };
export const namespaces = { ...core, resource: 'namespaces' };
export const secrets = { ...core, resource: 'secrets' };
export const configmaps = { ...core, resource: 'configmaps' };
export const serviceaccounts = { ...core, resource: 'serviceaccounts' };
export const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };

export const admin: UserInfo = { name: 'kubeside-admin', groups: [groups.masters, groups.authenticated] };

export async function newCluster(options: Partial<ApiServerOptions> = {}) {
  const clock = new VirtualClock(Date.UTC(2026, 10, 23, 12, 0, 0));
  const store = Store.inMemory({ clock });
  const server = new ApiServer({ store, clock, random: new Random(7), authenticator: new TokenAuthenticator(), ...options });
  await server.ensureBootstrap();
  const client = new ApiClient(server, admin, 'kubectl/v1.36.0');
  const as = (user: UserInfo) => new ApiClient(server, user);
  const kubelet = (node: string) => as({ name: users.node(node), groups: [groups.nodes, groups.authenticated] });
  /** A namespace with its default service account, as the namespace's controllers would leave it. */
  const namespace = async (name: string) => {
    await client.create(namespaces, undefined, { metadata: { name } });
    await client.create(serviceaccounts, name, { metadata: { name: 'default' } });
  };
  return { clock, store, server, client, as, kubelet, namespace };
}

export function pod(name: string, extra: Obj = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'web' }, ...(extra.metadata ?? {}) },
    spec: { containers: [{ name: 'web', image: 'nginx:1.27', ...(extra.container ?? {}) }], ...(extra.spec ?? {}) },
  };
}

export function deployment(name: string, replicas = 2): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
  };
}

export async function rejects(p: Promise<unknown> | (() => unknown), code: number, message?: string | RegExp): Promise<any> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err: any) {
    if (err?.code !== code) throw new Error(`expected ${code}, got ${err?.code}: ${err?.message}`);
    if (typeof message === 'string' && err.message !== message) throw new Error(`expected message\n  ${message}\ngot\n  ${err.message}`);
    if (message instanceof RegExp && !message.test(err.message)) throw new Error(`expected message matching ${message}, got ${err.message}`);
    return err;
  }
  throw new Error(`expected a ${code} error, but the call succeeded`);
}
