// Where the cursor is in a manifest, in terms of the object: which map it is typing a key of, or which
// field it is typing a value for. Half-typed YAML rarely parses into the shape the user means, so
// the current line is replaced by a placeholder key and the document parsed again to find its path.
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { PathSegment, Span } from './parsedDocument';

const placeholder = '__kubeside_cursor__';

export interface CursorContext {
  /** `key`: typing a field name of the map at `path`; `value`: typing the value of the field at `path`. */
  readonly mode: 'key' | 'value';
  readonly path: readonly PathSegment[];
  /** The span a completion replaces: what is typed of the key or value, and the rest of that word. */
  readonly replace: Span;
  /** Keys the map already has (for `key` mode: not offered again). */
  readonly siblings: readonly string[];
  /** True when the key is the first of a new sequence item (`- |`). */
  readonly inNewItem: boolean;
}

const wordChar = /[^\s:#'"{}[\],]/;

export function cursorContext(text: string, offset: number): CursorContext | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = text.length;
  const before = text.slice(lineStart, offset);
  let wordEnd = offset;
  while (wordEnd < lineEnd && wordChar.test(text[wordEnd]!)) wordEnd++;

  const key = /^(\s*(?:-\s+)*)([^\s:#'"{}[\],]*)$/.exec(before);
  if (key) {
    const [, lead, prefix] = key as unknown as [string, string, string];
    const found = locate(text, lineStart, lineEnd, lead);
    if (!found) return undefined;
    return { mode: 'key', path: found.path, replace: [offset - prefix.length, wordEnd], siblings: found.siblings, inNewItem: /-\s+$/.test(lead) };
  }
  const value = /^(\s*(?:-\s+)*)([^\s:#'"{}[\],][^:#]*?):[ \t]+([^\s#]*)$/.exec(before);
  if (value) {
    const [, lead, field, prefix] = value as unknown as [string, string, string, string];
    const found = locate(text, lineStart, lineEnd, lead);
    if (!found) return undefined;
    return { mode: 'value', path: [...found.path, field], replace: [offset - prefix.length, wordEnd], siblings: found.siblings, inNewItem: false };
  }
  return undefined;
}

/** Parses the text with the cursor's line replaced by a placeholder key and finds that key's map. */
function locate(text: string, lineStart: number, lineEnd: number, lead: string): { path: PathSegment[]; siblings: string[] } | undefined {
  const probe = text.slice(0, lineStart) + `${lead}${placeholder}:` + text.slice(lineEnd);
  const doc = parseDocument(probe, { uniqueKeys: false, prettyErrors: false });
  return find(doc.contents as Node | null, []);
}

function find(node: Node | null, path: PathSegment[]): { path: PathSegment[]; siblings: string[] } | undefined {
  if (isMap(node)) {
    const keys = node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ''));
    if (keys.includes(placeholder)) return { path, siblings: keys.filter((k) => k !== placeholder && k !== '') };
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const found = find(pair.value as Node | null, [...path, String(pair.key.value)]);
      if (found) return found;
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const found = find(node.items[i] as Node | null, [...path, i]);
      if (found) return found;
    }
  }
  return undefined;
}
