// Splits a YAML stream into its documents by text alone, so an edit re-parses only the documents
// whose text changed. The split agrees with how `yaml` numbers documents: see splitDocuments.

/** One YAML document of a file: its text and where it starts in the file. */
export interface DocumentSlice {
  /** Offset of the document's first character in the file. */
  readonly start: number;
  readonly text: string;
}

/**
 * A document marker is `---` at column 0 followed by whitespace or the end of the line. YAML forbids
 * that sequence at the start of a line inside any scalar (c-forbidden), so splitting there is exact.
 */
const marker = /^---(?=[ \t\r\n]|$)/gm;

/** A slice holding only blanks and comments is not a document of its own (it belongs to the next one). */
function isBlank(text: string): boolean {
  return /^(?:[ \t]*(?:#.*)?(?:\r?\n|$))*$/.test(text);
}

/**
 * Slices `text` at document markers. Like `yaml`'s parseAllDocuments, the text before the first marker
 * is a document only if it has content (else it joins the first marked document, as its leading
 * comments), and every marker starts a document, even an empty one.
 */
export function splitDocuments(text: string): DocumentSlice[] {
  const starts: number[] = [];
  for (const m of text.matchAll(marker)) starts.push(m.index);
  if (starts.length === 0) return [{ start: 0, text }];
  const slices: DocumentSlice[] = [];
  if (starts[0] !== 0 && !isBlank(text.slice(0, starts[0]))) starts.unshift(0);
  else starts[0] = 0;
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const end = i + 1 < starts.length ? starts[i + 1]! : text.length;
    slices.push({ start, text: text.slice(start, end) });
  }
  return slices;
}
