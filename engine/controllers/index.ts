// The controller manager (kube-controller-manager): every controller of the embedded cluster over
// one set of shared informers, acting as `system:kube-controller-manager` with the least-privilege
// role bootstrap RBAC gives that user.
import type { ServiceAccountTokenSigner } from '../apiserver/auth/serviceAccountToken';
import type { ApiClient } from '../apiserver/client';
import { EventRecorder } from '../client/eventRecorder';
import type { Clock } from '../util/clock';
import { type ComponentLog, discardLog, structured } from '../util/klog';
import type { Random } from '../util/random';
import type { Controller, ControllerContext } from './runtime/controller';
import { SharedInformerFactory } from './runtime/sharedInformerFactory';
import { CronJobController } from './cronjob';
import { DaemonSetController } from './daemonset';
import { DeploymentController } from './deployment';
import { DisruptionController } from './disruption';
import { EndpointsController } from './endpoints';
import { EndpointSliceController } from './endpointslice';
import { GarbageCollector } from './garbagecollector';
import { HorizontalPodAutoscalerController } from './horizontalpodautoscaler';
import { JobController } from './job';
import { LocalPathProvisioner } from './localpathprovisioner';
import { NamespaceController } from './namespace';
import { NodeLifecycleController } from './nodelifecycle';
import { PersistentVolumeBinderController } from './persistentvolumebinder';
import { ReplicaSetController, replicationControllerKind } from './replicaset';
import { ResourceQuotaController } from './resourcequota';
import { RootCACertPublisher } from './rootcacertpublisher';
import { ServiceAccountsController } from './serviceaccounts';
import { ServiceLoadBalancerController } from './servicelb';
import { CSRCleanerController, CSRSigningController, type SigningCA } from './certificates';
import { StatefulSetController } from './statefulset';
import { PodGCController } from './podgc';
import { TaintEvictionController } from './taineviction';
import { TokensController } from './tokens';
import { TTLAfterFinishedController } from './ttlafterfinished';

export type { SigningCA } from './certificates';

export interface ControllerManagerOptions {
  /** A client authenticated as system:kube-controller-manager. */
  client: ApiClient;
  clock: Clock;
  random: Random;
  /**
   * The cluster CA certificate (PEM) to publish as `kube-root-ca.crt` in every namespace; without
   * one the root CA publisher does not run.
   */
  rootCA?: string;
  /**
   * The key service account tokens are signed with (--service-account-private-key-file): the
   * tokens controller fills Secrets of type kubernetes.io/service-account-token with tokens signed
   * by it. Without one it does not run.
   */
  serviceAccountTokens?: ServiceAccountTokenSigner;
  /**
   * The CA certificates of approved CertificateSigningRequests are issued with; without one the
   * signers do not run (requests stay approved, without a certificate).
   */
  signingCA?: SigningCA;
  /** Workers per controller (kube-controller-manager's --concurrent-*-syncs; default 5). */
  workers?: number;
  /**
   * Controllers to leave out, by name (kube-controller-manager's `--controllers=*,-name`): a test
   * whose stand-in kubelet binds pods to nodes it never registers leaves out the pod garbage
   * collector, which would collect them.
   */
  disabled?: readonly string[];
  /** --terminated-pod-gc-threshold (12,500; 0 keeps every terminated pod). */
  terminatedPodGCThreshold?: number;
  /** The controller manager's own log (the kube-controller-manager container's): controllers started, events dropped. */
  log?: ComponentLog;
}

export class ControllerManager {
  readonly informers: SharedInformerFactory;
  readonly controllers: readonly Controller[];
  private readonly recorders: EventRecorder[] = [];
  private readonly log: ComponentLog;
  private readonly workers: number;

  constructor(options: ControllerManagerOptions) {
    this.log = options.log ?? discardLog;
    this.informers = new SharedInformerFactory(options.client, options.clock);
    this.workers = options.workers ?? 5;
    const ctx: ControllerContext = {
      client: options.client,
      clock: options.clock,
      random: options.random,
      informers: this.informers,
      recorder: (component) => {
        const r = new EventRecorder(options.client, options.clock, component, undefined, options.log);
        this.recorders.push(r);
        return r;
      },
    };
    const all = [
      new ReplicaSetController(ctx),
      new ReplicaSetController(ctx, replicationControllerKind),
      new DeploymentController(ctx),
      new StatefulSetController(ctx),
      new DaemonSetController(ctx),
      new JobController(ctx),
      new CronJobController(ctx),
      new TTLAfterFinishedController(ctx),
      new DisruptionController(ctx),
      new HorizontalPodAutoscalerController(ctx),
      new EndpointsController(ctx),
      new EndpointSliceController(ctx),
      new NodeLifecycleController(ctx),
      new TaintEvictionController(ctx),
      new ResourceQuotaController(ctx),
      new GarbageCollector(ctx),
      new NamespaceController(ctx),
      new ServiceAccountsController(ctx),
      new PersistentVolumeBinderController(ctx),
      // kind runs its default class's provisioner as a Deployment; here it is one more controller.
      new LocalPathProvisioner(ctx),
      // What a cloud-controller-manager's service controller does, with load balancers of its own.
      new ServiceLoadBalancerController(ctx),
      new PodGCController(ctx, options.terminatedPodGCThreshold),
      ...(options.rootCA ? [new RootCACertPublisher(ctx, options.rootCA)] : []),
      ...(options.serviceAccountTokens ? [new TokensController(ctx, options.serviceAccountTokens, options.rootCA)] : []),
      ...(options.signingCA ? [new CSRSigningController(ctx, options.signingCA)] : []),
      new CSRCleanerController(ctx),
    ];
    // A controller left out never runs; its queue is shut so its informer handlers add nothing.
    for (const c of all) if (options.disabled?.includes(c.name)) c.shutDown();
    this.controllers = all.filter((c) => !options.disabled?.includes(c.name));
  }

  /** The controller named `name` (e.g. `replicaset-controller`). */
  controller<T extends Controller>(name: string): T {
    const c = this.controllers.find((c) => c.name === name);
    if (!c) throw new Error(`no controller named ${name}`);
    return c as T;
  }

  /** Starts the informers, waits for their caches, then starts every controller's workers. */
  async start(): Promise<void> {
    this.informers.start();
    await this.informers.waitForCacheSync();
    for (const c of this.controllers) {
      void c.run(this.workers);
      this.log.write('I', 'controllermanager.go:797', structured('Started controller', { controller: c.name }));
    }
  }

  stop(): void {
    for (const c of this.controllers) c.shutDown();
    this.informers.stop();
  }

  /** Resolves when every event recorded so far has been written. */
  async flushEvents(): Promise<void> {
    await Promise.all(this.recorders.map((r) => r.flush()));
  }
}
