// The write-ahead log: segment files of checksummed records, appended with group commit. Records
// appended while one write+fdatasync is in flight are written together by the next one, so many
// concurrent writers share an fsync; each append's promise settles only once its record is durable.
// A new segment starts after every snapshot, so older segments can be deleted (log rotation).

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readLogEntry, writeCommit, writeCompact, writeLease, type LogEntry } from './codec';
import type { LeaseChange } from './mvcc-store';
import { StoreError } from './errors';
import { ByteWriter, scanRecords } from './record';
import { syncDirectory, writeAll } from './snapshot';
import type { WatchEvent } from './types';

export interface SegmentName {
  /** Position of the segment in the log. */
  seq: number;
  /** The first revision the segment may hold (snapshot revision + 1 when it was started). */
  firstRevision: number;
  file: string;
}

const segmentPattern = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

export function segmentFileName(seq: number, firstRevision: number): string {
  return `${seq.toString(16).padStart(16, '0')}-${firstRevision.toString(16).padStart(16, '0')}.wal`;
}

/** The log's segments in `dir`, in order. */
export async function listSegments(dir: string): Promise<SegmentName[]> {
  const names = await fs.readdir(dir);
  const segments: SegmentName[] = [];
  for (const name of names) {
    const m = segmentPattern.exec(name);
    if (m) segments.push({ seq: parseInt(m[1]!, 16), firstRevision: parseInt(m[2]!, 16), file: path.join(dir, name) });
  }
  return segments.sort((a, b) => a.seq - b.seq);
}

/**
 * Reads every segment's entries in order. Only the last segment may end in a torn record (a crash
 * mid-append): it is truncated to its last whole record. Anything else damaged fails with
 * `corrupt`, naming the file and byte offset.
 */
export async function readLog(segments: readonly SegmentName[], apply: (entry: LogEntry, file: string, offset: number) => void): Promise<{ truncated?: { file: string; from: number; to: number } }> {
  let truncated: { file: string; from: number; to: number } | undefined;
  for (let s = 0; s < segments.length; s++) {
    const { file } = segments[s]!;
    const buf = await fs.readFile(file);
    const isLast = s === segments.length - 1;
    const scan = scanRecords(buf, file, 0, isLast);
    for (const rec of scan.records) apply(readLogEntry(rec.reader, file, rec.offset), file, rec.offset);
    if (scan.tornTail) {
      const fh = await fs.open(file, 'r+');
      try {
        await fh.truncate(scan.validLength);
        await fh.sync();
      } finally {
        await fh.close();
      }
      truncated = { file, from: buf.length, to: scan.validLength };
    }
  }
  return truncated ? { truncated } : {};
}

interface Batch {
  segment: SegmentName;
  /** The highest revision committed in the batch; 0 when it holds none. */
  revision: number;
  writer: ByteWriter;
  waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}

export class WriteAheadLog {
  private segment: SegmentName;
  private batch: Batch;
  /** Sealed batches waiting for the flush loop, oldest first. */
  private readonly queue: Batch[] = [];
  private open: { segment: SegmentName; fh: fs.FileHandle } | undefined;
  private flushing = false;
  private scheduled = false;
  private failure: StoreError | undefined;
  private idle: (() => void)[] = [];
  /** The batch being written and synced, if any. */
  private inFlight: Batch | undefined;
  /** Called after every batch, durable or failed. */
  private batchDone: (() => void)[] = [];
  /** Buffers of written batches, reused so a busy log does not regrow a buffer per batch. */
  private readonly spare: ByteWriter[] = [];
  /** fdatasync calls so far: group commit makes this far smaller than the number of appends. */
  syncCount = 0;
  /** Records appended so far. */
  appendCount = 0;
  /** Bytes written to segments since the last rotation; drives the snapshot policy. */
  bytesSinceRotation = 0;
  /** Called after each durable batch, with the highest revision it made durable (0 if none). */
  onFlushed: ((revision: number) => void) | undefined;

  constructor(
    private readonly dir: string,
    next: { seq: number; firstRevision: number },
    private readonly fsync = true,
  ) {
    this.segment = this.segmentFor(next.seq, next.firstRevision);
    this.batch = this.newBatch();
  }

  /** The segment new records go to. */
  get currentSegment(): SegmentName {
    return this.segment;
  }

  /** Set once a write or sync failed; the log accepts nothing afterwards. */
  get failed(): StoreError | undefined {
    return this.failure;
  }

  appendCommit(revision: number, events: readonly WatchEvent[]): void {
    writeCommit(this.batch.writer, revision, events);
    this.batch.revision = revision;
    this.appended();
  }

  appendCompact(revision: number): void {
    writeCompact(this.batch.writer, revision);
    this.appended();
  }

  appendLease(change: LeaseChange): void {
    writeLease(this.batch.writer, change);
    this.appended();
  }

  /**
   * Calls `resolve` once every record appended so far is durable, or `reject` if the log fails
   * first: one callback pair per write, so a write's promise is the only one it allocates.
   */
  whenDurable(resolve: () => void, reject: (e: unknown) => void): void {
    if (this.failure) return reject(this.failure);
    // The newest batch holding records: the open one, else the last sealed one, else the one in flight.
    const target = this.batch.writer.length > 0 ? this.batch : (this.queue[this.queue.length - 1] ?? this.inFlight);
    if (target) target.waiters.push({ resolve, reject });
    else resolve();
  }

  /** Starts a new segment whose records all have revisions >= firstRevision; returns it. */
  rotate(firstRevision: number): SegmentName {
    if (this.batch.writer.length > 0) this.queue.push(this.batch);
    this.segment = this.segmentFor(this.segment.seq + 1, firstRevision);
    this.batch = this.newBatch();
    this.bytesSinceRotation = 0;
    return this.segment;
  }

  /** Resolves once everything appended so far is durable (or rejects if the log failed). */
  async drain(): Promise<void> {
    while (this.flushing || this.scheduled || this.queue.length > 0 || this.batch.writer.length > 0) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => this.idle.push(resolve));
    }
    if (this.failure) throw this.failure;
  }

  /**
   * Resolves once no record for a segment before `segment` is still waiting to be written, so
   * those segments can be deleted without a late write bringing one back.
   */
  async settledBefore(segment: SegmentName): Promise<void> {
    const pending = () => (this.inFlight !== undefined && this.inFlight.segment.seq < segment.seq) || this.queue.some((b) => b.segment.seq < segment.seq);
    while (pending() && !this.failure) await new Promise<void>((resolve) => this.batchDone.push(resolve));
  }

  /** Flushes what is pending and closes the segment; a failure was already reported to the writers. */
  async close(): Promise<void> {
    try {
      await this.drain();
    } catch (e) {
      if (e !== this.failure) throw e;
    } finally {
      const o = this.open;
      this.open = undefined;
      await o?.fh.close();
    }
  }

  private segmentFor(seq: number, firstRevision: number): SegmentName {
    return { seq, firstRevision, file: path.join(this.dir, segmentFileName(seq, firstRevision)) };
  }

  private newBatch(): Batch {
    return { segment: this.segment, revision: 0, writer: this.spare.pop() ?? new ByteWriter(), waiters: [] };
  }

  private appended(): void {
    this.appendCount++;
    if (!this.flushing && !this.scheduled) {
      // After the current turn's other appends have joined the batch.
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      });
    }
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (;;) {
        let batch = this.queue.shift();
        if (!batch) {
          if (this.batch.writer.length === 0) break;
          batch = this.batch;
          this.batch = this.newBatch();
        }
        this.inFlight = batch;
        try {
          const fh = await this.fileFor(batch.segment);
          const data = batch.writer.view();
          await writeAll(fh, data);
          if (this.fsync) await fh.datasync();
          this.syncCount++;
          if (batch.segment === this.segment) this.bytesSinceRotation += data.length;
        } catch (e) {
          this.fail(e, batch);
          return;
        } finally {
          this.inFlight = undefined;
          const done = this.batchDone;
          this.batchDone = [];
          for (const f of done) f();
        }
        // Make the batch visible before answering its writers, so a writer that reads next sees its write.
        this.onFlushed?.(batch.revision);
        for (const w of batch.waiters) w.resolve();
        if (this.spare.length < 2) {
          batch.writer.reset();
          this.spare.push(batch.writer);
        }
      }
    } finally {
      this.flushing = false;
      const idle = this.idle;
      this.idle = [];
      for (const f of idle) f();
    }
  }

  private async fileFor(segment: SegmentName): Promise<fs.FileHandle> {
    if (this.open?.segment === segment) return this.open.fh;
    if (this.open) {
      await this.open.fh.close();
      this.open = undefined;
    }
    const fh = await fs.open(segment.file, 'a');
    // The new segment's directory entry must be durable before records in it are acknowledged.
    if (this.fsync) await syncDirectory(this.dir);
    this.open = { segment, fh };
    return fh;
  }

  private fail(e: unknown, batch: Batch): void {
    this.failure = new StoreError('persistenceFailed', `write-ahead log ${batch.segment.file}: ${(e as Error).message ?? e}`, { cause: e });
    for (const b of [batch, ...this.queue.splice(0), this.batch]) for (const w of b.waiters) w.reject(this.failure);
    this.batch = this.newBatch();
  }
}
