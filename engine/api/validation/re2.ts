// A CRD's `pattern` is compiled with Go's regexp package (RE2 syntax) by apiextensions-apiserver,
// whatever OpenAPI says about ECMA 262, and CRDs in the wild use RE2 spellings JavaScript lacks:
// leading flag groups (`^(?i)(debug|info)$`), POSIX classes (`[[:alnum:]_-]`), `\z`, `\A`, `\pL` and
// `(?P<name>…)`. This turns those into their JavaScript equivalents; anything else is passed through.
// See https://github.com/google/re2/wiki/Syntax

/** POSIX classes inside brackets, ASCII only as in RE2. */
const posixClasses: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`\\{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/**
 * The JavaScript RegExp that matches what Go's regexp matches for `pattern`, or undefined for a
 * pattern this cannot translate faithfully (a flag group inside a group, an ungreedy flag, a negated
 * POSIX class) or that does not compile.
 */
export function re2RegExp(pattern: string): RegExp | undefined {
  let out = '';
  let flags = '';
  let depth = 0;
  /** Whether only `^` anchors came before, at the top level: a flag group there covers the whole pattern. */
  let leading = true;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      i++;
      leading = false;
      if (next === 'z') out += '(?![\\s\\S])';
      else if (next === 'A') out += '(?<![\\s\\S])';
      else if ((next === 'p' || next === 'P') && pattern[i + 1] !== '{' && i + 1 < pattern.length) out += `\\${next}{${pattern[++i]}}`;
      else out += c + next;
      continue;
    }
    if (c === '[') {
      const cls = bracket(pattern, i);
      if (!cls) return undefined;
      out += cls.text;
      i = cls.end;
      leading = false;
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const flagGroup = /^\(\?([imsU]+)\)/.exec(pattern.slice(i));
      if (flagGroup) {
        if (depth > 0 || !leading || flagGroup[1]!.includes('U')) return undefined;
        for (const f of flagGroup[1]!) if (!flags.includes(f)) flags += f;
        i += flagGroup[0].length - 1;
        continue;
      }
      if (pattern.startsWith('(?P<', i)) {
        out += '(?<';
        i += 3;
        depth++;
        leading = false;
        continue;
      }
    }
    if (c === '(') depth++;
    else if (c === ')') depth--;
    if (c !== '^') leading = false;
    out += c;
  }
  // Unicode mode for \p{…}; without it for the identity escapes (`\-`, `\_`) RE2 allows and it rejects.
  for (const mode of ['u', '']) {
    try {
      return new RegExp(out, flags + mode);
    } catch {
      // try the next mode
    }
  }
  return undefined;
}

/** The bracket expression starting at `start`, POSIX classes expanded; `end` is the index of its `]`. */
function bracket(pattern: string, start: number): { text: string; end: number } | undefined {
  let j = start + 1;
  let text = '[';
  if (pattern[j] === '^') (text += '^'), j++;
  // A `]` first in the class is a literal in RE2.
  if (pattern[j] === ']') (text += '\\]'), j++;
  while (j < pattern.length && pattern[j] !== ']') {
    if (pattern[j] === '\\') {
      text += pattern.slice(j, j + 2);
      j += 2;
      continue;
    }
    const posix = /^\[:(\^?)([a-z]+):\]/.exec(pattern.slice(j));
    if (posix) {
      const expansion = posixClasses[posix[2]!];
      if (posix[1] || !expansion) return undefined;
      text += expansion;
      j += posix[0].length;
      continue;
    }
    text += pattern[j] === '[' ? '\\[' : pattern[j];
    j++;
  }
  if (j >= pattern.length) return undefined;
  return { text: text + ']', end: j };
}
