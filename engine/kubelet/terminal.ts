// The terminal of a process started with a TTY (`kubectl exec -it`): the line discipline of a pty in
// canonical mode, as Linux gives one to a shell. The client's terminal is raw, so keystrokes arrive
// one by one and it is this side that echoes them, edits the line (backspace, ^U), ends it on Enter
// (\r, icrnl), discards it on ^C, ends the input on ^D at the start of a line, and writes every \n
// of the process's output as \r\n (onlcr). Escape sequences (arrow keys) are swallowed: the line
// has no history to move through.

const erase = '\b \b';

/** onlcr: a newline is written as carriage return and newline. */
export function onlcr(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/**
 * What a process reads from the terminal, given the client's keystrokes: complete lines, each ending
 * in \n (an interrupted line is an empty one), with what the terminal echoes sent to `echo`.
 */
export async function* cookedLines(keys: AsyncIterable<Buffer>, echo: (text: string) => void): AsyncGenerator<Buffer> {
  // The line as typed so far, by character (so that backspace removes a whole one).
  let line: string[] = [];
  // Inside an escape sequence: after ESC (1), or inside a CSI or SS3 sequence until its final byte (2).
  let escape: 0 | 1 | 2 = 0;
  for await (const chunk of keys) {
    for (const ch of chunk.toString('utf8')) {
      if (escape === 1) {
        escape = ch === '[' || ch === 'O' ? 2 : 0;
        continue;
      }
      if (escape === 2) {
        if (ch >= '@' && ch <= '~') escape = 0;
        continue;
      }
      switch (ch) {
        case '\x1b':
          escape = 1;
          break;
        case '\r':
        case '\n':
          echo('\r\n');
          yield Buffer.from(`${line.join('')}\n`);
          line = [];
          break;
        case '\x7f':
        case '\b':
          if (line.length) {
            line.pop();
            echo(erase);
          }
          break;
        case '\x15': // ^U: the whole line goes.
          echo(erase.repeat(line.length));
          line = [];
          break;
        case '\x03': // ^C: the line is dropped, and the shell is back at its prompt.
          echo('^C\r\n');
          line = [];
          yield Buffer.from('\n');
          break;
        case '\x04': // ^D: the end of input, at the start of a line; elsewhere nothing.
          if (!line.length) return;
          break;
        default:
          if (ch >= ' ') {
            line.push(ch);
            echo(ch);
          }
      }
    }
  }
}
