// The ServiceAccounts controller (pkg/controller/serviceaccount/serviceaccounts_controller.go):
// every active namespace has a `default` ServiceAccount, which the ServiceAccount admission plugin
// requires before any pod can be created there. Keyed by namespace name.
import type { Obj } from '../apiserver/registry/strategy';
import { Controller, type ControllerContext, isAlreadyExists, isNamespaceTerminating } from './runtime/controller';
import { resources } from './runtime/sharedInformerFactory';

export const defaultServiceAccountName = 'default';

export class ServiceAccountsController extends Controller {
  readonly name = 'serviceaccount-controller';
  private readonly namespaces;
  private readonly serviceAccounts;

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.namespaces = ctx.informers.informerFor(resources.namespaces);
    this.serviceAccounts = ctx.informers.informerFor(resources.serviceaccounts);
    this.namespaces.addEventHandler({ onAdd: (ns) => this.enqueue(ns), onUpdate: (_o, ns) => this.enqueue(ns) });
    // A deleted default ServiceAccount comes back.
    this.serviceAccounts.addEventHandler({ onDelete: (sa: Obj) => { if (sa.metadata.name === defaultServiceAccountName) this.queue.add(sa.metadata.namespace); } });
  }

  async sync(key: string): Promise<void> {
    const ns = this.namespaces.store.get(key);
    if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    if (this.serviceAccounts.store.get(`${key}/${defaultServiceAccountName}`)) return;
    try {
      await this.ctx.client.create(resources.serviceaccounts, key, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: defaultServiceAccountName } });
    } catch (err) {
      // Someone else made it, or the namespace began terminating meanwhile: nothing to do.
      if (isAlreadyExists(err) || isNamespaceTerminating(err)) return;
      throw err;
    }
  }
}
