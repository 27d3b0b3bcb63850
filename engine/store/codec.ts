// The payloads of log and snapshot records. Log: one record per committed revision (its puts and
// deletes, in order), one per compaction and one per lease grant or revocation. Snapshot: a
// header, the leases, the key-values at the compact revision, the commits after it, a footer.

import { storeErrors } from './errors';
import type { Change, LeaseChange } from './mvcc-store';
import type { ByteReader, ByteWriter } from './record';
import type { KeyValue, LeaseInfo, WatchEvent } from './types';

export enum RecordType {
  Commit = 1,
  Compact = 2,
  SnapshotHeader = 3,
  SnapshotKeyValue = 4,
  SnapshotFooter = 5,
  LeaseGrant = 6,
  LeaseRevoke = 7,
}

enum ChangeType {
  Put = 1,
  Delete = 2,
}

export function writeCommit(w: ByteWriter, revision: number, events: readonly WatchEvent[]): void {
  const start = w.beginRecord();
  w.u8(RecordType.Commit);
  w.u64(revision);
  w.u32(events.length);
  for (const e of events) {
    if (e.type === 'PUT') {
      w.u8(ChangeType.Put);
      w.str(e.kv.key);
      w.value(e.kv.value);
      w.u64(e.kv.lease);
    } else {
      w.u8(ChangeType.Delete);
      w.str(e.kv.key);
    }
  }
  w.endRecord(start);
}

export function writeCompact(w: ByteWriter, revision: number): void {
  const start = w.beginRecord();
  w.u8(RecordType.Compact);
  w.u64(revision);
  w.endRecord(start);
}

export function writeLease(w: ByteWriter, change: LeaseChange): void {
  const start = w.beginRecord();
  if (change.type === 'grant') {
    w.u8(RecordType.LeaseGrant);
    w.u64(change.id);
    w.u64(change.ttl);
  } else {
    w.u8(RecordType.LeaseRevoke);
    w.u64(change.id);
  }
  w.endRecord(start);
}

export type LogEntry =
  | { type: RecordType.Commit; revision: number; changes: Change[] }
  | { type: RecordType.Compact; revision: number }
  | { type: RecordType.LeaseGrant | RecordType.LeaseRevoke; lease: LeaseChange };

export function readLogEntry(r: ByteReader, file: string, offset: number): LogEntry {
  const type = r.u8();
  let entry: LogEntry;
  if (type === RecordType.Commit) {
    const revision = r.u64();
    const n = r.u32();
    const changes: Change[] = [];
    for (let i = 0; i < n; i++) {
      const t = r.u8();
      if (t === ChangeType.Put) changes.push({ type: 'put', key: r.str(), value: r.value(), lease: r.u64() });
      else if (t === ChangeType.Delete) changes.push({ type: 'delete', key: r.str() });
      else throw storeErrors.corrupt(file, offset, `unknown change type ${t}`);
    }
    entry = { type, revision, changes };
  } else if (type === RecordType.Compact) {
    entry = { type, revision: r.u64() };
  } else if (type === RecordType.LeaseGrant) {
    entry = { type, lease: { type: 'grant', id: r.u64(), ttl: r.u64() } };
  } else if (type === RecordType.LeaseRevoke) {
    entry = { type, lease: { type: 'revoke', id: r.u64() } };
  } else {
    throw storeErrors.corrupt(file, offset, `unexpected log record type ${type}`);
  }
  if (!r.done) throw storeErrors.corrupt(file, offset, 'trailing bytes in record');
  return entry;
}

export interface SnapshotHeader {
  revision: number;
  compactRevision: number;
  /** Number of key-value records. */
  count: number;
  /** Number of lease records, which come first. */
  leaseCount: number;
  nextLeaseId: number;
}

export function writeSnapshotHeader(w: ByteWriter, h: SnapshotHeader): void {
  const start = w.beginRecord();
  w.u8(RecordType.SnapshotHeader);
  w.u64(h.revision);
  w.u64(h.compactRevision);
  w.u64(h.count);
  w.u64(h.leaseCount);
  w.u64(h.nextLeaseId);
  w.endRecord(start);
}

export function readSnapshotHeader(r: ByteReader): SnapshotHeader {
  return { revision: r.u64(), compactRevision: r.u64(), count: r.u64(), leaseCount: r.u64(), nextLeaseId: r.u64() };
}

export function writeSnapshotLease(w: ByteWriter, lease: LeaseInfo): void {
  const start = w.beginRecord();
  w.u8(RecordType.LeaseGrant);
  w.u64(lease.id);
  w.u64(lease.ttl);
  w.endRecord(start);
}

export function writeSnapshotKeyValue(w: ByteWriter, kv: KeyValue): void {
  const start = w.beginRecord();
  w.u8(RecordType.SnapshotKeyValue);
  w.str(kv.key);
  w.value(kv.value);
  w.u64(kv.createRevision);
  w.u64(kv.modRevision);
  w.u64(kv.version);
  w.u64(kv.lease);
  w.endRecord(start);
}

export function writeSnapshotFooter(w: ByteWriter, count: number): void {
  const start = w.beginRecord();
  w.u8(RecordType.SnapshotFooter);
  w.u64(count);
  w.endRecord(start);
}
