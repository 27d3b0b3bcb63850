// An ordered set of keys for range reads: a list of sorted chunks (the layout of Python's
// sortedcontainers), so insert and delete cost O(log n + chunk) and a prefix range starts with
// two binary searches instead of a scan. Strings compare by UTF-16 code unit, which for the
// store's ASCII keys is etcd's byte order.

const LOAD = 512;

export class SortedKeys {
  private chunks: string[][] = [];
  /** The last (largest) key of each chunk, for the outer binary search. */
  private maxes: string[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Inserts `key`; returns false when it was already present. */
  add(key: string): boolean {
    const chunks = this.chunks;
    if (chunks.length === 0) {
      chunks.push([key]);
      this.maxes.push(key);
      this.count++;
      return true;
    }
    let c = lowerBound(this.maxes, key);
    if (c === chunks.length) {
      // Larger than every key: the common case for generated names, appended without a search.
      c--;
      chunks[c]!.push(key);
      this.maxes[c] = key;
    } else {
      const chunk = chunks[c]!;
      const i = lowerBound(chunk, key);
      if (chunk[i] === key) return false;
      chunk.splice(i, 0, key);
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
    const i = lowerBound(chunk, key);
    if (chunk[i] !== key) return false;
    chunk.splice(i, 1);
    this.count--;
    if (chunk.length === 0) {
      this.chunks.splice(c, 1);
      this.maxes.splice(c, 1);
    } else if (i === chunk.length) {
      this.maxes[c] = chunk[chunk.length - 1]!;
    }
    return true;
  }

  has(key: string): boolean {
    const c = lowerBound(this.maxes, key);
    if (c === this.chunks.length) return false;
    const chunk = this.chunks[c]!;
    return chunk[lowerBound(chunk, key)] === key;
  }

  /**
   * Keys in [start, end) in order; `end` undefined means "to the last key". The generator is
   * only valid while the set is not modified.
   */
  *range(start: string, end: string | undefined): Generator<string> {
    const chunks = this.chunks;
    let c = lowerBound(this.maxes, start);
    if (c === chunks.length) return;
    let i = lowerBound(chunks[c]!, start);
    for (; c < chunks.length; c++, i = 0) {
      const chunk = chunks[c]!;
      for (; i < chunk.length; i++) {
        const key = chunk[i]!;
        if (end !== undefined && key >= end) return;
        yield key;
      }
    }
  }

  /** Calls `fn` for keys in [start, end) until it returns false; faster than `range` on hot paths. */
  forEachInRange(start: string, end: string | undefined, fn: (key: string) => boolean | void): void {
    const chunks = this.chunks;
    let c = lowerBound(this.maxes, start);
    if (c === chunks.length) return;
    let i = lowerBound(chunks[c]!, start);
    for (; c < chunks.length; c++, i = 0) {
      const chunk = chunks[c]!;
      for (; i < chunk.length; i++) {
        const key = chunk[i]!;
        if (end !== undefined && key >= end) return;
        if (fn(key) === false) return;
      }
    }
  }

  private split(c: number): void {
    const chunk = this.chunks[c]!;
    const tail = chunk.splice(LOAD);
    this.chunks.splice(c + 1, 0, tail);
    this.maxes.splice(c, 1, chunk[chunk.length - 1]!, tail[tail.length - 1]!);
  }
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
