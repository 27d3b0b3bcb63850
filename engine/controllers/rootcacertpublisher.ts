// The root CA certificate publisher (pkg/controller/certificates/rootcacertpublisher): every active
// namespace has a `kube-root-ca.crt` ConfigMap holding the cluster's CA bundle, which the
// projected service-account volume of every pod mounts. Keyed by namespace name.
import type { Obj } from '../apiserver/registry/strategy';
import { Controller, type ControllerContext, isAlreadyExists, isNamespaceTerminating, isNotFound } from './runtime/controller';
import { resources } from './runtime/sharedInformerFactory';

export const rootCACertConfigMapName = 'kube-root-ca.crt';
const descriptionAnnotation = 'kubernetes.io/description';
const description = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export class RootCACertPublisher extends Controller {
  readonly name = 'root-ca-certificate-publisher-controller';
  private readonly namespaces;
  private readonly configMaps;

  constructor(ctx: ControllerContext, private readonly rootCA: string) {
    super(ctx);
    this.namespaces = ctx.informers.informerFor(resources.namespaces);
    this.configMaps = ctx.informers.informerFor(resources.configmaps);
    this.namespaces.addEventHandler({ onAdd: (ns) => this.enqueue(ns), onUpdate: (_o, ns) => this.enqueue(ns) });
    const changed = (cm: Obj) => {
      if (cm.metadata.name === rootCACertConfigMapName) this.queue.add(cm.metadata.namespace);
    };
    this.configMaps.addEventHandler({ onUpdate: (_o, cm) => changed(cm), onDelete: changed });
  }

  async sync(key: string): Promise<void> {
    const ns = this.namespaces.store.get(key);
    if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    const data = { 'ca.crt': this.rootCA };
    const cm = this.configMaps.store.get(`${key}/${rootCACertConfigMapName}`);
    try {
      if (!cm) {
        await this.ctx.client.create(resources.configmaps, key, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: rootCACertConfigMapName, annotations: { [descriptionAnnotation]: description } }, data });
        return;
      }
      if (cm.data?.['ca.crt'] === this.rootCA && Object.keys(cm.data).length === 1 && cm.metadata.annotations?.[descriptionAnnotation] === description) return;
      // Someone changed it: put the bundle (and only the bundle) back.
      await this.ctx.client.update(resources.configmaps, key, { ...cm, metadata: { ...cm.metadata, annotations: { ...(cm.metadata.annotations ?? {}), [descriptionAnnotation]: description } }, data, binaryData: undefined });
    } catch (err) {
      if (isAlreadyExists(err) || isNotFound(err) || isNamespaceTerminating(err)) return;
      throw err;
    }
  }
}
