// The payloads of log and snapshot records. Log: one record per committed revision (its puts and
// deletes, in order) and one per compaction. Snapshot: a header, every live key-value, a footer.

import { storeErrors } from './errors';
import type { Change } from './mvcc-store';
import type { ByteReader, ByteWriter } from './record';
import type { KeyValue, WatchEvent } from './types';

export enum RecordType {
  Commit = 1,
  Compact = 2,
  SnapshotHeader = 3,
  SnapshotKeyValue = 4,
  SnapshotFooter = 5,
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

export type LogEntry = { type: RecordType.Commit; revision: number; changes: Change[] } | { type: RecordType.Compact; revision: number };

export function readLogEntry(r: ByteReader, file: string, offset: number): LogEntry {
  const type = r.u8();
  const revision = r.u64();
  let entry: LogEntry;
  if (type === RecordType.Commit) {
    const n = r.u32();
    const changes: Change[] = [];
    for (let i = 0; i < n; i++) {
      const t = r.u8();
      if (t === ChangeType.Put) changes.push({ type: 'put', key: r.str(), value: r.value() });
      else if (t === ChangeType.Delete) changes.push({ type: 'delete', key: r.str() });
      else throw storeErrors.corrupt(file, offset, `unknown change type ${t}`);
    }
    entry = { type, revision, changes };
  } else if (type === RecordType.Compact) {
    entry = { type, revision };
  } else {
    throw storeErrors.corrupt(file, offset, `unexpected log record type ${type}`);
  }
  if (!r.done) throw storeErrors.corrupt(file, offset, 'trailing bytes in record');
  return entry;
}

export function writeSnapshotHeader(w: ByteWriter, revision: number, compactRevision: number, count: number): void {
  const start = w.beginRecord();
  w.u8(RecordType.SnapshotHeader);
  w.u64(revision);
  w.u64(compactRevision);
  w.u64(count);
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
  w.endRecord(start);
}

export function writeSnapshotFooter(w: ByteWriter, count: number): void {
  const start = w.beginRecord();
  w.u8(RecordType.SnapshotFooter);
  w.u64(count);
  w.endRecord(start);
}
