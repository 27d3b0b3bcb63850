// Leases (etcd's lessor, server/lease): a lease has a TTL and a set of attached keys; when it is
// revoked or expires, its keys are deleted in one revision. kube-apiserver stores Events under a
// lease so they expire after --event-ttl. This part is pure bookkeeping; expiry timers live in
// Store, on the Clock.

export interface Lease {
  readonly id: number;
  /** Time to live in seconds, as granted. */
  readonly ttl: number;
  /** Keys currently attached to the lease. */
  readonly keys: Set<string>;
}

export class Lessor {
  private readonly leases = new Map<number, Lease>();
  private nextId = 1;

  get size(): number {
    return this.leases.size;
  }

  /** Grants a lease with the next free ID, or `id` when replaying one. */
  grant(ttl: number, id = this.nextId): Lease {
    const lease: Lease = { id, ttl, keys: new Set() };
    this.leases.set(id, lease);
    if (id >= this.nextId) this.nextId = id + 1;
    return lease;
  }

  /** The ID the next grant will get. */
  get nextLeaseId(): number {
    return this.nextId;
  }

  /** Never hands out IDs below `next` again (restored from a snapshot, so IDs are not reused). */
  reserveIds(next: number): void {
    if (next > this.nextId) this.nextId = next;
  }

  get(id: number): Lease | undefined {
    return this.leases.get(id);
  }

  /** Forgets the lease; returns it so its keys can be deleted. */
  remove(id: number): Lease | undefined {
    const lease = this.leases.get(id);
    this.leases.delete(id);
    return lease;
  }

  attach(id: number, key: string): void {
    this.leases.get(id)?.keys.add(key);
  }

  detach(id: number, key: string): void {
    this.leases.get(id)?.keys.delete(key);
  }

  all(): IterableIterator<Lease> {
    return this.leases.values();
  }
}
