// The key index in key order, for range reads: a list of sorted chunks (the layout of Python's
// sortedcontainers), so insert and delete cost O(log n + chunk) and a prefix range starts with
// two binary searches instead of a scan. Entries are held directly, so a range walks them without
// a hash lookup per key. Keys compare by UTF-16 code unit, which for the store's ASCII keys is
// etcd's byte order.

const LOAD = 512;

export class SortedIndex<T extends { readonly key: string }> {
  private chunks: T[][] = [];
  /** The last (largest) key of each chunk, for the outer binary search. */
  private maxes: string[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Inserts `entry`; returns false when an entry with its key was already present. */
  add(entry: T): boolean {
    const key = entry.key;
    const chunks = this.chunks;
    if (chunks.length === 0) {
      chunks.push([entry]);
      this.maxes.push(key);
      this.count++;
      return true;
    }
    let c = lowerBound(this.maxes, key);
    if (c === chunks.length) {
      // Larger than every key: the common case for generated names, appended without a search.
      c--;
      chunks[c]!.push(entry);
      this.maxes[c] = key;
    } else {
      const chunk = chunks[c]!;
      const i = lowerBoundEntry(chunk, key);
      if (chunk[i]?.key === key) return false;
      chunk.splice(i, 0, entry);
    }
    this.count++;
    if (chunks[c]!.length > 2 * LOAD) this.split(c);
    return true;
  }

  /** Removes `key`; returns false when it was absent. */
  delete(key: string): boolean {
    const c = lowerBound(this.maxes, key);
    if (c === this.chunks.length) return false;
    const chunk = this.chunks[c]!;
    const i = lowerBoundEntry(chunk, key);
    if (chunk[i]?.key !== key) return false;
    chunk.splice(i, 1);
    this.count--;
    if (chunk.length === 0) {
      this.chunks.splice(c, 1);
      this.maxes.splice(c, 1);
    } else if (i === chunk.length) {
      this.maxes[c] = chunk[chunk.length - 1]!.key;
    }
    return true;
  }

  get(key: string): T | undefined {
    const c = lowerBound(this.maxes, key);
    if (c === this.chunks.length) return undefined;
    const chunk = this.chunks[c]!;
    const e = chunk[lowerBoundEntry(chunk, key)];
    return e?.key === key ? e : undefined;
  }

  /**
   * Entries with keys in [start, end), in order; `end` undefined means "to the last key". Only
   * valid while the index is not modified.
   */
  *range(start: string, end: string | undefined): Generator<T> {
    const chunks = this.chunks;
    let c = lowerBound(this.maxes, start);
    if (c === chunks.length) return;
    let i = lowerBoundEntry(chunks[c]!, start);
    for (; c < chunks.length; c++, i = 0) {
      const chunk = chunks[c]!;
      for (; i < chunk.length; i++) {
        const e = chunk[i]!;
        if (end !== undefined && e.key >= end) return;
        yield e;
      }
    }
  }

  /** Calls `fn` for entries with keys in [start, end) until it returns false; faster than `range`. */
  forEachInRange(start: string, end: string | undefined, fn: (entry: T) => boolean | void): void {
    const chunks = this.chunks;
    let c = lowerBound(this.maxes, start);
    if (c === chunks.length) return;
    let i = lowerBoundEntry(chunks[c]!, start);
    for (; c < chunks.length; c++, i = 0) {
      const chunk = chunks[c]!;
      for (; i < chunk.length; i++) {
        const e = chunk[i]!;
        if (end !== undefined && e.key >= end) return;
        if (fn(e) === false) return;
      }
    }
  }

  private split(c: number): void {
    const chunk = this.chunks[c]!;
    const tail = chunk.splice(LOAD);
    this.chunks.splice(c + 1, 0, tail);
    this.maxes.splice(c, 1, chunk[chunk.length - 1]!.key, tail[tail.length - 1]!.key);
  }
}

/** First index whose entry's key is >= key. */
function lowerBoundEntry(a: readonly { readonly key: string }[], key: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]!.key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose element is >= key. */
function lowerBound(a: readonly string[], key: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
