// The tar format the simulated containers read and write for `kubectl cp`: what one side writes the
// other reads back, long names both ways, and archives made elsewhere (GNU long names) or damaged.
import assert from 'node:assert/strict';
import { readTar, TarFormatError, writeTar, type TarEntry } from '../../../engine/kubelet/tar';

const file = (name: string, text: string): TarEntry => ({ name, type: '0', data: Buffer.from(text), mtime: 1_700_000_000, mode: 0o644 });

describe('tar archives', () => {
  it('reads back what it writes: files, directories, UTF-8 contents, times and modes, in 512-byte blocks', () => {
    const entries = [{ name: 'dir/', type: '5', data: Buffer.alloc(0), mtime: 1_700_000_000, mode: 0o755 }, file('dir/a.txt', 'hello\n'), file('dir/ü.txt', 'naïve\n'), file('empty', '')];
    const archive = writeTar(entries);
    assert.equal(archive.length % 512, 0);
    // Four headers, two data blocks, two zero blocks at the end.
    assert.equal(archive.length, (4 + 2 + 2) * 512);
    assert.equal(archive.subarray(257, 263).toString('latin1'), 'ustar\0');
    assert.deepEqual(readTar(archive), entries);
  });

  it('keeps names longer than 100 bytes: in the ustar prefix when a slash allows, else in a PAX path record', () => {
    const split = `${'d'.repeat(120)}/${'f'.repeat(90)}`;
    const unsplittable = 'x'.repeat(180);
    const archive = writeTar([file(split, 'one'), file(unsplittable, 'two')]);
    assert.deepEqual(readTar(archive).map((e) => [e.name, e.data.toString()]), [[split, 'one'], [unsplittable, 'two']]);
    // The second needed an extended header before its own.
    assert.equal(String.fromCharCode(archive[2 * 512 + 156]!), 'x');
    assert.match(archive.subarray(3 * 512, 4 * 512).toString('latin1'), /^190 path=x{180}\n\0/);
  });

  it('reads the long names of GNU tar (an "L" entry before the file) and stops at the end-of-archive blocks', () => {
    const long = `${'n'.repeat(150)}.txt`;
    const gnu = writeTar([{ name: '././@LongLink', type: 'L', data: Buffer.from(`${long}\0`), mtime: 0, mode: 0 }, file('short-name-truncated', 'body')]);
    const trailing = Buffer.concat([gnu, Buffer.from('garbage after the end')]);
    assert.deepEqual(readTar(trailing).map((e) => [e.name, e.data.toString()]), [[long, 'body']]);
  });

  it('refuses what is not an archive, and one cut short, in GNU tar\'s words', () => {
    assert.throws(() => readTar(Buffer.from('just some text, not a tar archive'.repeat(20))), (e: unknown) => e instanceof TarFormatError && e.message === 'This does not look like a tar archive');
    const archive = writeTar([file('a', 'x'.repeat(2000))]);
    assert.throws(() => readTar(archive.subarray(0, 1024)), (e: unknown) => e instanceof TarFormatError && e.message === 'Unexpected EOF in archive');
    const damaged = Buffer.from(archive);
    damaged[10] = 0x41;
    assert.throws(() => readTar(damaged), /This does not look like a tar archive/);
    assert.deepEqual(readTar(Buffer.alloc(0)), []);
  });
});
