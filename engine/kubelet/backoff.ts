// The kubelet's restart back-off (client-go util/flowcontrol.Backoff as the kubelet configures it):
// 10 s, doubling per restart up to 5 min, forgotten once a container has gone 10 min (twice the
// maximum) without needing one. See https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts

export class Backoff {
  private readonly entries = new Map<string, { backoffMs: number; lastUpdate: number }>();

  constructor(readonly initialMs = 10_000, readonly maxMs = 300_000) {}

  /** Whether `key` must still wait, counting from `since` (when the container finished). */
  isInBackOffSince(key: string, since: number, now: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(e.lastUpdate, now)) return false;
    return now - since < e.backoffMs;
  }

  /** When the back-off that started at `since` ends. */
  releaseAt(key: string, since: number): number {
    return since + (this.entries.get(key)?.backoffMs ?? 0);
  }

  /** The current delay for `key` (0 when none). */
  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  /** Records a restart: the first sets the initial delay, each next one doubles it. */
  next(key: string, now: number): void {
    const e = this.entries.get(key);
    if (!e || this.expired(e.lastUpdate, now)) this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: now });
    else this.entries.set(key, { backoffMs: Math.min(e.backoffMs * 2, this.maxMs), lastUpdate: now });
  }

  forgetPrefix(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  private expired(lastUpdate: number, now: number): boolean {
    return now - lastUpdate > 2 * this.maxMs;
  }
}
