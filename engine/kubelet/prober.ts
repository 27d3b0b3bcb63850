// One probe of one container, run on its period: consecutive results against the success and failure
// thresholds decide the container's liveness, readiness or startup. After pkg/kubelet/prober/worker.go.
import type { Probe } from 'kubernetes-types/core/v1';
import type { Clock, Timer } from '../util/clock';
import type { ContainerRuntime, ProbeType } from './runtime';

export class ProbeWorker {
  /** The probe's verdict: readiness starts failing, liveness and startup start unknown (undefined). */
  result: boolean | undefined;
  lastOutput = '';
  private successes = 0;
  private failures = 0;
  private timer: Timer | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly runtime: ContainerRuntime,
    readonly containerId: string,
    readonly type: ProbeType,
    readonly probe: Probe,
    /** Called when the verdict changes, and on each failure (for the `Unhealthy` event). */
    private readonly onResult: (worker: ProbeWorker, changed: boolean, success: boolean) => void,
  ) {
    this.result = type === 'readiness' ? false : undefined;
  }

  start(): void {
    this.timer = this.clock.setTimeout(() => this.tick(), (this.probe.initialDelaySeconds ?? 0) * 1000);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private tick(): void {
    if (this.stopped) return;
    const r = this.runtime.probe(this.containerId, this.type, this.probe);
    let changed = false;
    if (r.success) {
      this.failures = 0;
      this.successes++;
      if (this.result !== true && this.successes >= (this.probe.successThreshold ?? 1)) {
        this.result = true;
        changed = true;
      }
    } else {
      this.successes = 0;
      this.failures++;
      this.lastOutput = r.output ?? '';
      if (this.result !== false && this.failures >= (this.probe.failureThreshold ?? 3)) {
        this.result = false;
        changed = true;
      }
    }
    // A startup probe stops once it has succeeded; the others run for the container's life.
    if (!(this.type === 'startup' && this.result === true)) {
      this.timer = this.clock.setTimeout(() => this.tick(), (this.probe.periodSeconds ?? 10) * 1000);
    }
    this.onResult(this, changed, r.success);
  }
}
