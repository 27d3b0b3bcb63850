// The log lines the page keeps: a fixed-capacity ring, so memory stays bounded however long a stream
// runs. Each line has a sequence number that only grows; the oldest lines fall off the front.

export class LogBuffer {
  private readonly texts: string[];
  private readonly sources: Int32Array;
  /** Sequence number of the oldest line kept. */
  private first = 0;
  /** Sequence number the next line gets. */
  private next = 0;

  constructor(readonly capacity: number) {
    this.texts = new Array<string>(capacity);
    this.sources = new Int32Array(capacity);
  }

  get start(): number {
    return this.first;
  }

  get end(): number {
    return this.next;
  }

  get size(): number {
    return this.next - this.first;
  }

  /** Adds a line; returns how many lines fell off the front (0 or 1). */
  push(source: number, text: string): number {
    const slot = this.next % this.capacity;
    this.texts[slot] = text;
    this.sources[slot] = source;
    this.next++;
    if (this.next - this.first <= this.capacity) return 0;
    this.first++;
    return 1;
  }

  text(seq: number): string {
    return this.texts[seq % this.capacity]!;
  }

  source(seq: number): number {
    return this.sources[seq % this.capacity]!;
  }

  clear(): void {
    this.texts.fill('');
    this.first = this.next = 0;
  }
}

/**
 * A growing list of sequence numbers with the oldest dropped from the front in O(1) amortised:
 * the lines a filter lets through, or the lines that match a search.
 */
export class SeqList {
  private items: number[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  at(i: number): number {
    return this.items[this.head + i]!;
  }

  push(seq: number): void {
    this.items.push(seq);
  }

  /** Drops the entries below `seq` (lines no longer in the buffer); returns how many. */
  dropBelow(seq: number): number {
    const before = this.head;
    while (this.head < this.items.length && this.items[this.head]! < seq) this.head++;
    const dropped = this.head - before;
    // Compact once the dead prefix outweighs the live part, so the array does not grow forever.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return dropped;
  }

  /** The index of the first entry ≥ seq (binary search), or `length`. */
  indexOf(seq: number): number {
    let lo = this.head;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.head;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
