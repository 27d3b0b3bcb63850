// The tar archive format, as far as `kubectl cp` and a user's `tar` in a container need it: POSIX
// ustar headers, with the long names of PAX extended headers ('x') and GNU long-name entries ('L')
// on reading, and a PAX path record on writing a name ustar cannot hold (as Go's archive/tar does).
// Regular files and directories; other entry types are read and reported, never made.

const block = 512;

export interface TarEntry {
  /** The member name as stored: relative, `/`-separated, a directory's with or without a trailing `/`. */
  name: string;
  /** '0' a regular file, '5' a directory, anything else an entry this runtime does not make (links, devices). */
  type: string;
  data: Buffer;
  /** Modification time, seconds since the epoch. */
  mtime: number;
  mode: number;
}

export class TarFormatError extends Error {}

/** The entries of an archive, in order. Throws TarFormatError when `archive` is not one. */
export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let longName: string | undefined;
  for (let at = 0; at + block <= archive.length; ) {
    const header = archive.subarray(at, at + block);
    if (header.every((b) => b === 0)) break;
    if (checksum(header) !== octal(header, 148, 8)) throw new TarFormatError(entries.length ? 'Skipping to next header' : 'This does not look like a tar archive');
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 0x30);
    const data = archive.subarray(at + block, at + block + size);
    if (data.length < size) throw new TarFormatError('Unexpected EOF in archive');
    at += block + Math.ceil(size / block) * block;
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    if (type === 'g') continue;
    const prefix = text(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    longName = undefined;
    entries.push({ name, type, data: Buffer.from(data), mtime: octal(header, 136, 12), mode: octal(header, 100, 8) });
  }
  if (!entries.length && archive.length > 0 && !archive.subarray(0, block).every((b) => b === 0)) throw new TarFormatError('This does not look like a tar archive');
  return entries;
}

/** An archive of `entries`, ended by two zero blocks. */
export function writeTar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const split = ustarName(e.name);
    if (!split) {
      const record = paxRecord('path', e.name);
      parts.push(header({ ...e, name: `PaxHeaders/${e.name.replace(/\/$/, '').split('/').pop()!.slice(0, 80)}`, type: 'x', data: record }, ''), pad(record));
    }
    parts.push(header(e, split?.prefix ?? ''), pad(e.data));
  }
  parts.push(Buffer.alloc(2 * block));
  return Buffer.concat(parts);
}

function header(e: TarEntry, prefix: string): Buffer {
  const h = Buffer.alloc(block);
  const name = prefix ? e.name.slice(prefix.length + 1) : e.name;
  h.write(name.slice(0, 100), 0, 'utf8');
  writeOctal(h, 100, 8, e.mode);
  writeOctal(h, 108, 8, 0);
  writeOctal(h, 116, 8, 0);
  writeOctal(h, 124, 12, e.data.length);
  writeOctal(h, 136, 12, e.mtime);
  h.write(e.type, 156, 'latin1');
  h.write('ustar\u000000', 257, 'latin1');
  h.write('root', 265, 'latin1');
  h.write('root', 297, 'latin1');
  h.write(prefix, 345, 'utf8');
  // The checksum field counts as spaces while the sum is taken; then six octal digits, NUL, space.
  h.write(`${checksum(h).toString(8).padStart(6, '0')}\u0000 `, 148, 'latin1');
  return h;
}

/** A name split into ustar's prefix and name fields, or undefined when it fits neither way. */
function ustarName(name: string): { prefix: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { prefix: '' };
  for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
    if (Buffer.byteLength(name.slice(0, i)) <= 155 && Buffer.byteLength(name.slice(i + 1)) <= 100 && i + 1 < name.length) return { prefix: name.slice(0, i) };
  }
  return undefined;
}

/** A PAX record: its own length in decimal, a space, key=value and a newline. */
function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let n = Buffer.byteLength(body) + 1;
  while (String(n).length + Buffer.byteLength(body) !== n) n = String(n).length + Buffer.byteLength(body);
  return Buffer.from(`${n}${body}`);
}

function paxPath(data: Buffer): string | undefined {
  let path: string | undefined;
  for (let at = 0; at < data.length; ) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(data.subarray(at, space).toString('latin1'));
    if (!Number.isInteger(length) || length <= 0) throw new TarFormatError('Malformed extended header');
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (record.slice(0, eq) === 'path') path = record.slice(eq + 1);
    at += length;
  }
  return path;
}

function pad(data: Buffer): Buffer {
  const rest = data.length % block;
  return rest ? Buffer.concat([data, Buffer.alloc(block - rest)]) : data;
}

function checksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return sum;
}

function text(h: Buffer, at: number, length: number): string {
  const field = h.subarray(at, at + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
}

function octal(h: Buffer, at: number, length: number): number {
  const digits = text(h, at, length).trim();
  if (digits && !/^[0-7]+$/.test(digits)) throw new TarFormatError('This does not look like a tar archive');
  return digits ? parseInt(digits, 8) : 0;
}

function writeOctal(h: Buffer, at: number, length: number, value: number): void {
  h.write(`${value.toString(8).padStart(length - 1, '0')}\u0000`, at, 'latin1');
}
