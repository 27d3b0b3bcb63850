import assert from 'node:assert/strict';
import { cookedLines, onlcr } from '../../../engine/kubelet/terminal';

/** Feeds `keys` as separate chunks (as a raw terminal sends them); the lines read and what was echoed. */
async function cook(...keys: string[]): Promise<{ lines: string[]; echoed: string }> {
  let echoed = '';
  const lines: string[] = [];
  async function* source() {
    for (const k of keys) yield Buffer.from(k);
  }
  for await (const line of cookedLines(source(), (t) => (echoed += t))) lines.push(line.toString());
  return { lines, echoed };
}

describe('A TTY\'s line discipline', () => {
  it('echoes keystrokes and gives the process the line when Enter (\\r) ends it', async () => {
    assert.deepEqual(await cook('e', 'c', 'h', 'o', ' ', 'h', 'i', '\r'), { lines: ['echo hi\n'], echoed: 'echo hi\r\n' });
  });

  it('backspace (DEL or ^H) erases the last character, a whole one; ^U the line', async () => {
    assert.deepEqual(await cook('a', 'é', '\x7f', 'b', '\b', 'c', '\r'), { lines: ['ac\n'], echoed: 'aé\b \bb\b \bc\r\n' });
    assert.deepEqual(await cook('x\x7f\x7f', 'abc\x15', 'ok\r'), { lines: ['ok\n'], echoed: 'x\b \babc\b \b\b \b\b \bok\r\n' });
  });

  it('^C drops the line and hands over an empty one; ^D ends the input only at the start of a line', async () => {
    assert.deepEqual(await cook('rm -rf\x03', 'ab\x04', '\r', '\x04', 'never\r'), { lines: ['\n', 'ab\n'], echoed: 'rm -rf^C\r\nab\r\n' });
  });

  it('swallows escape sequences (arrow keys) and other control characters', async () => {
    assert.deepEqual(await cook('a\x1b[A\x1bOB\x1b[1;5C\tb\r'), { lines: ['ab\n'], echoed: 'ab\r\n' });
  });

  it('writes the process\'s newlines as \\r\\n, once', () => {
    assert.equal(onlcr('one\ntwo\r\nthree\n'), 'one\r\ntwo\r\nthree\r\n');
  });
});
