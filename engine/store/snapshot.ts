// Snapshot files: the store's leases, its key-values at its compact revision, the history after it
// (one commit record per revision), its revision and compact revision, written to a temporary file, fsynced and renamed into place so a crash leaves either
// the old snapshot or the new one, never half of one. Any damage is reported with file and offset.

import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readLogEntry, readSnapshotHeader, RecordType, writeCommit, writeSnapshotFooter, writeSnapshotHeader, writeSnapshotKeyValue, writeSnapshotLease } from './codec';
import type { Change } from './mvcc-store';
import { storeErrors } from './errors';
import { ByteWriter, scanRecords } from './record';
import type { KeyValue, LeaseInfo, WatchEvent } from './types';

/** "KSSNAP" + format version 1. */
const magic = Buffer.from('KSSNAP\x00\x01', 'latin1');
/** Bytes encoded before each write, so a large snapshot streams out and lets the event loop run. */
const chunkSize = 1 << 20;

export interface SnapshotContents {
  revision: number;
  compactRevision: number;
  /** The leases alive at `revision`, and the ID the next grant gets (IDs are never reused). */
  leases: LeaseInfo[];
  nextLeaseId: number;
  /** Every key-value live at the compact revision, in key order. */
  kvs: KeyValue[];
  /** The commits after the compact revision, up to `revision`. */
  commits: { revision: number; changes: Change[] }[];
}

/** What `writeSnapshot` takes: the history as the store keeps it (events in revision order). */
export interface SnapshotSource {
  revision: number;
  compactRevision: number;
  leases: readonly LeaseInfo[];
  nextLeaseId: number;
  kvs: readonly KeyValue[];
  history: readonly WatchEvent[];
}

/**
 * Writes a snapshot (captured by MvccStore.snapshotContents) to `file` atomically: temp file, fsync, rename, fsync of
 * the directory. With `fsync` false (tests of in-memory use), the syncs are skipped.
 */
export async function writeSnapshot(file: string, snapshot: SnapshotSource, options: { fsync?: boolean } = {}): Promise<void> {
  const sync = options.fsync ?? true;
  const tmp = `${file}.tmp`;
  const fh = await fs.open(tmp, 'w');
  try {
    const w = new ByteWriter(chunkSize + 64 * 1024);
    w.ensure(magic.length);
    magic.copy(w.buf, 0);
    w.length = magic.length;
    writeSnapshotHeader(w, { revision: snapshot.revision, compactRevision: snapshot.compactRevision, count: snapshot.kvs.length, leaseCount: snapshot.leases.length, nextLeaseId: snapshot.nextLeaseId });
    for (const lease of snapshot.leases) writeSnapshotLease(w, lease);
    for (const kv of snapshot.kvs) {
      writeSnapshotKeyValue(w, kv);
      if (w.length >= chunkSize) {
        await writeAll(fh, w.view());
        w.reset();
      }
    }
    const h = snapshot.history;
    for (let i = 0; i < h.length; ) {
      const rev = h[i]!.kv.modRevision;
      let j = i + 1;
      while (j < h.length && h[j]!.kv.modRevision === rev) j++;
      writeCommit(w, rev, h.slice(i, j));
      i = j;
      if (w.length >= chunkSize) {
        await writeAll(fh, w.view());
        w.reset();
      }
    }
    writeSnapshotFooter(w, snapshot.kvs.length);
    await writeAll(fh, w.view());
    if (sync) await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, file);
  if (sync) await syncDirectory(path.dirname(file));
}

/** Reads and verifies a snapshot; any damage or truncation fails with `corrupt`, file and offset. */
export async function readSnapshot(file: string): Promise<SnapshotContents> {
  const buf = await fs.readFile(file);
  if (buf.length < magic.length || !buf.subarray(0, magic.length).equals(magic)) throw storeErrors.corrupt(file, 0, 'not a snapshot file (bad magic)');
  const { records } = scanRecords(buf, file, magic.length, false);
  const first = records[0];
  if (!first) throw storeErrors.corrupt(file, magic.length, 'snapshot has no header');
  const h = first.reader;
  if (h.u8() !== RecordType.SnapshotHeader) throw storeErrors.corrupt(file, first.offset, 'snapshot header expected');
  const { revision, compactRevision, count, leaseCount, nextLeaseId } = readSnapshotHeader(h);
  if (records.length < leaseCount + count + 2) throw storeErrors.corrupt(file, records[records.length - 1]!.offset, `snapshot declares ${leaseCount} leases and ${count} key-values but holds ${records.length - 2} records`);
  const leases: LeaseInfo[] = [];
  for (let i = 1; i <= leaseCount; i++) {
    const { reader: r, offset } = records[i]!;
    if (r.u8() !== RecordType.LeaseGrant) throw storeErrors.corrupt(file, offset, 'lease record expected');
    leases.push({ id: r.u64(), ttl: r.u64() });
  }
  const kvs: KeyValue[] = new Array(count);
  let previousKey: string | undefined;
  for (let i = 0; i < count; i++) {
    const { reader: r, offset } = records[1 + leaseCount + i]!;
    if (r.u8() !== RecordType.SnapshotKeyValue) throw storeErrors.corrupt(file, offset, 'key-value record expected');
    const key = r.str();
    const value = r.value();
    const kv: KeyValue = { key, value, createRevision: r.u64(), modRevision: r.u64(), version: r.u64(), lease: r.u64() };
    if (previousKey !== undefined && key <= previousKey) throw storeErrors.corrupt(file, offset, 'key-values out of order');
    if (kv.modRevision > compactRevision || kv.version < 1) throw storeErrors.corrupt(file, offset, 'key-value revision inconsistent with snapshot');
    previousKey = key;
    kvs[i] = kv;
  }
  const commits: SnapshotContents['commits'] = [];
  let expected = compactRevision + 1;
  for (let i = 1 + leaseCount + count; i < records.length - 1; i++) {
    const { reader, offset } = records[i]!;
    const entry = readLogEntry(reader, file, offset);
    if (entry.type !== RecordType.Commit || entry.revision !== expected) throw storeErrors.corrupt(file, offset, `commit of revision ${expected} expected`);
    commits.push({ revision: entry.revision, changes: entry.changes });
    expected++;
  }
  const last = records[records.length - 1]!;
  if (last.reader.u8() !== RecordType.SnapshotFooter || last.reader.u64() !== count) throw storeErrors.corrupt(file, last.offset, 'snapshot footer missing');
  if (expected !== revision + 1) throw storeErrors.corrupt(file, last.offset, `history ends at revision ${expected - 1}, snapshot is at ${revision}`);
  return { revision, compactRevision, leases, nextLeaseId, kvs, commits };
}

export async function writeAll(fh: fs.FileHandle, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) {
    const { bytesWritten } = await fh.write(data, off, data.length - off);
    off += bytesWritten;
  }
}

/** Makes a rename or a new file's directory entry durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const fh = await fs.open(dir, constants.O_RDONLY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
