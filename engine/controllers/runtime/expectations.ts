// What a controller expects to see in its caches after its own writes (client-go's
// ControllerExpectations and UIDTrackingControllerExpectations, pkg/controller/controller_utils.go):
// a ReplicaSet that asked for 3 creations does not act again until the informer has shown those 3
// pods, so a stale cache never makes it create twice. Expectations expire after five minutes, so a
// lost watch event cannot stall a controller for ever.
import type { Clock } from '../../util/clock';

/** ExpectationsTimeout in Kubernetes. */
export const expectationsTimeoutMs = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  /** UIDs of pods whose deletion is awaited; a deletion observed twice is counted once. */
  deleting: Set<string>;
  timestamp: number;
}

export class ControllerExpectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(private readonly clock: Clock) {}

  /** True when the controller's last actions have all been observed (or expired, or none recorded). */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.timestamp > expectationsTimeoutMs;
  }

  /** SetExpectations: `adds` creations and the deletion of the pods `uids`, both awaited. */
  expect(key: string, adds: number, uids: readonly string[]): void {
    this.byKey.set(key, { add: adds, del: uids.length, deleting: new Set(uids), timestamp: this.clock.now() });
  }

  expectCreations(key: string, adds: number): void {
    this.expect(key, adds, []);
  }

  expectDeletions(key: string, uids: readonly string[]): void {
    this.expect(key, 0, uids);
  }

  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.add--;
  }

  /** A deletion was observed; counted only for a pod this controller is waiting on. */
  deletionObserved(key: string, uid: string): void {
    const e = this.byKey.get(key);
    if (e && e.deleting.delete(uid)) e.del--;
  }

  /** Lowers what is awaited, for actions that failed or were never attempted. */
  lower(key: string, adds: number, dels: readonly string[] = []): void {
    const e = this.byKey.get(key);
    if (!e) return;
    e.add -= adds;
    for (const uid of dels) this.deletionObserved(key, uid);
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }
}
