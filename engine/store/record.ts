// Checksummed, length-prefixed records: the framing of both the write-ahead log and snapshots.
// Header: u32 payload length, u32 CRC-32 of the payload, u32 CRC-32 of the first eight header
// bytes (little-endian). The header's own checksum tells a damaged length from a torn write, so a
// flipped byte is reported as corruption instead of being truncated away as a crash tail.

import { crc32 } from 'node:zlib';
import { storeErrors } from './errors';
import type { Value } from './types';

export const recordHeaderSize = 12;

/** A growable byte buffer that records are encoded into, then written out in one call. */
export class ByteWriter {
  buf: Buffer;
  length = 0;

  constructor(capacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.length);
    this.length += 4;
  }

  /** A non-negative integer below 2^53 (revisions). */
  u64(v: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(v % 0x1_0000_0000, this.length);
    this.buf.writeUInt32LE(Math.floor(v / 0x1_0000_0000), this.length + 4);
    this.length += 8;
  }

  /** u32 byte length, then UTF-8 text; encoded in place, without measuring the string first. */
  str(s: string): void {
    this.ensure(4 + s.length * 3);
    const n = this.buf.write(s, this.length + 4, 'utf8');
    this.buf.writeUInt32LE(n, this.length);
    this.length += 4 + n;
  }

  bytes(b: Uint8Array): void {
    this.ensure(4 + b.length);
    this.buf.writeUInt32LE(b.length, this.length);
    this.buf.set(b, this.length + 4);
    this.length += 4 + b.length;
  }

  /** A value with its kind, so a string comes back a string and bytes come back bytes. */
  value(v: Value): void {
    if (typeof v === 'string') {
      this.u8(0);
      this.str(v);
    } else {
      this.u8(1);
      this.bytes(v);
    }
  }

  /** Reserves a record header; returns the record's start for `endRecord`. */
  beginRecord(): number {
    this.ensure(recordHeaderSize);
    const start = this.length;
    this.length += recordHeaderSize;
    return start;
  }

  endRecord(start: number): void {
    const payloadStart = start + recordHeaderSize;
    const b = this.buf;
    b.writeUInt32LE(this.length - payloadStart, start);
    b.writeUInt32LE(crc32(b.subarray(payloadStart, this.length)), start + 4);
    b.writeUInt32LE(crc32(b.subarray(start, start + 8)), start + 8);
  }

  /** The bytes written so far (a view; copy before reusing the writer). */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
  }
}

/** Reads what ByteWriter wrote; `file` and the payload's offset make errors point at the damage. */
export class ByteReader {
  pos: number;

  constructor(
    private readonly buf: Buffer,
    private readonly start: number,
    private readonly end: number,
    private readonly file: string,
  ) {
    this.pos = start;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw storeErrors.corrupt(this.file, this.start - recordHeaderSize, 'record payload shorter than its contents');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u64(): number {
    this.need(8);
    const v = this.buf.readUInt32LE(this.pos) + this.buf.readUInt32LE(this.pos + 4) * 0x1_0000_0000;
    this.pos += 8;
    return v;
  }

  str(): string {
    const n = this.u32();
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  bytes(): Uint8Array {
    const n = this.u32();
    this.need(n);
    // A copy, so a value never pins the whole file's buffer.
    const b = new Uint8Array(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return b;
  }

  value(): Value {
    return this.u8() === 0 ? this.str() : this.bytes();
  }

  get done(): boolean {
    return this.pos === this.end;
  }
}

export interface ScannedRecord {
  /** Byte offset of the record's header in the file. */
  offset: number;
  reader: ByteReader;
}

export interface ScanResult {
  records: ScannedRecord[];
  /** Length of the file up to the end of its last whole record. */
  validLength: number;
  /** True when bytes after `validLength` are an incomplete record left by a crash mid-write. */
  tornTail: boolean;
}

/**
 * Splits a file's bytes into records. With `allowTornTail` (the log's last segment), an incomplete
 * last record, a zero-filled tail, or a checksum mismatch followed by an all-zero sector (a write
 * cut short by a crash) ends the scan as torn; any other checksum mismatch is corruption,
 * reported with the record's offset.
 */
export function scanRecords(buf: Buffer, file: string, from: number, allowTornTail: boolean): ScanResult {
  const records: ScannedRecord[] = [];
  let off = from;
  const torn = (what: string): ScanResult => {
    if (!allowTornTail) throw storeErrors.corrupt(file, off, what);
    return { records, validLength: off, tornTail: true };
  };
  while (off < buf.length) {
    const remaining = buf.length - off;
    if (remaining < recordHeaderSize) return torn('truncated record header');
    if (isZero(buf, off, buf.length)) return torn('zero-filled tail');
    if (buf.readUInt32LE(off + 8) !== crc32(buf.subarray(off, off + 8))) {
      if (allowTornTail && hasZeroSector(buf, off)) return torn('unwritten sector in the last write');
      throw storeErrors.corrupt(file, off, 'record header checksum mismatch');
    }
    const length = buf.readUInt32LE(off);
    const payload = off + recordHeaderSize;
    if (payload + length > buf.length) return torn(`truncated record (${length} byte payload, ${buf.length - payload} present)`);
    if (buf.readUInt32LE(off + 4) !== crc32(buf.subarray(payload, payload + length))) {
      if (allowTornTail && hasZeroSector(buf, off)) return torn('unwritten sector in the last write');
      throw storeErrors.corrupt(file, off, 'record checksum mismatch');
    }
    records.push({ offset: off, reader: new ByteReader(buf, payload, payload + length, file) });
    off = payload + length;
  }
  return { records, validLength: off, tornTail: false };
}

const sectorSize = 512;

/**
 * True when a whole sector between `from` and the end of the file is zeros: the mark of a write
 * the crash caught before all its sectors reached the disk (etcd's WAL checks the same), as
 * opposed to a flipped bit, which leaves no such hole.
 */
function hasZeroSector(buf: Buffer, from: number): boolean {
  for (let start = Math.ceil(from / sectorSize) * sectorSize; start + sectorSize <= buf.length; start += sectorSize) {
    if (isZero(buf, start, start + sectorSize)) return true;
  }
  return false;
}

function isZero(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
  return true;
}
