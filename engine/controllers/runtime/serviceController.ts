// What the two endpoint controllers share: a queue of Services, fed by Service events and by the
// events of the pods a Service selects (before and after a label change).
import type { Obj } from '../../apiserver/registry/strategy';
import { selectorFromSet } from '../../api/labels/selector';
import { deepEqual } from '../../api/patch/jsonValue';
import { Controller, type ControllerContext } from './controller';
import { indexes, resources } from './sharedInformerFactory';

export abstract class ServicePodsController extends Controller {
  protected readonly services;
  protected readonly pods;

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.services = ctx.informers.informerFor(resources.services);
    this.pods = ctx.informers.informerFor(resources.pods);
    this.services.addEventHandler({ onAdd: (s) => this.enqueue(s), onUpdate: (_o, s) => this.enqueue(s), onDelete: (s) => this.enqueue(s) });
    this.pods.addEventHandler({
      onAdd: (p) => this.enqueueServicesOf(p),
      onUpdate: (o, p) => {
        if (o.metadata.resourceVersion === p.metadata.resourceVersion) return;
        this.enqueueServicesOf(p);
        if (!deepEqual(o.metadata.labels, p.metadata.labels)) this.enqueueServicesOf(o);
      },
      onDelete: (p) => this.enqueueServicesOf(p),
    });
  }

  private enqueueServicesOf(pod: Obj): void {
    for (const svc of this.services.store.byIndex(indexes.namespace, pod.metadata.namespace)) {
      const selector = svc.spec?.selector;
      if (selector && Object.keys(selector).length && selectorFromSet(selector).matches(pod.metadata.labels ?? {})) this.enqueue(svc);
    }
  }

  /** The pods of the Service's namespace its selector matches. */
  protected selectedPods(svc: Obj): Obj[] {
    const selector = selectorFromSet(svc.spec.selector);
    return this.pods.store.byIndex(indexes.namespace, svc.metadata.namespace).filter((p) => selector.matches(p.metadata.labels ?? {}));
  }
}

export const headlessLabel = 'service.kubernetes.io/headless';
export const isHeadless = (svc: Obj): boolean => svc.spec?.clusterIP === 'None';
