// A manifest file as the language server sees it: its text at one version, split into YAML documents,
// each parsed once. Parsing a new version reuses the documents whose text did not change, and
// positions are computed per document, so an edit costs work in proportion to what it touched.
import type { Position, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseYamlDocument, type ParsedDocument, type Span } from './parsedDocument';
import { splitDocuments } from './splitDocuments';

/** A parsed document at its place in a file. */
export interface PlacedDocument {
  /** Its position in the YAML stream, counted as `yaml` and kubectl count documents. */
  readonly index: number;
  /** Offset of its first character in the file. */
  readonly start: number;
  /** The line it starts on (documents always start at the beginning of a line). */
  readonly startLine: number;
  readonly parsed: ParsedDocument;
}

export class ManifestFile {
  constructor(
    readonly uri: string,
    readonly version: number,
    readonly text: string,
    readonly documents: readonly PlacedDocument[],
  ) {}

  /** The LSP position of an offset within one of the file's documents. */
  position(doc: PlacedDocument, offset: number): Position {
    const p = doc.parsed.position(offset);
    return { line: doc.startLine + p.line, character: p.character };
  }

  /** The file-level range of a span of one of its documents. */
  range(doc: PlacedDocument, span: Span): Range {
    return { start: this.position(doc, span[0]), end: this.position(doc, span[1]) };
  }

  /** The document under a position and the offset within it. */
  locate(position: Position): { doc: PlacedDocument; offset: number } | undefined {
    let lo = 0;
    let hi = this.documents.length - 1;
    if (hi < 0) return undefined;
    // The last document starting at or before the position's line.
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.documents[mid]!.startLine <= position.line) lo = mid;
      else hi = mid - 1;
    }
    const doc = this.documents[lo]!;
    return { doc, offset: doc.parsed.offset(position.line - doc.startLine, position.character) };
  }
}

/** Counters of parsing work, exposed through `kubeside/stats`. */
export interface ParseStats {
  /** YAML documents parsed since the server started. */
  parses: number;
}

/**
 * Parses files into ManifestFiles, once per version. Unchanged documents are found by their text
 * (the map key is the text itself, so there are no hash collisions) in the previous version.
 */
export class ManifestParser {
  constructor(private readonly stats: ParseStats) {}

  parse(textDocument: TextDocument, previous?: ManifestFile): ManifestFile {
    return this.parseText(textDocument.uri, textDocument.getText(), previous, textDocument.version);
  }

  /** A file's text; version -1 for a file read from disk rather than open in the editor. */
  parseText(uri: string, text: string, previous?: ManifestFile, version = -1): ManifestFile {
    if (previous && previous.version === version && previous.text === text) return previous;
    const reusable = new Map<string, ParsedDocument>();
    for (const d of previous?.documents ?? []) reusable.set(d.parsed.text, d.parsed);
    let startLine = 0;
    const documents = splitDocuments(text).map((slice, index): PlacedDocument => {
      let parsed = reusable.get(slice.text);
      if (!parsed) {
        parsed = parseYamlDocument(slice.text, uri);
        this.stats.parses++;
      }
      const placed = { index, start: slice.start, startLine, parsed };
      startLine += parsed.lineCount - 1;
      return placed;
    });
    return new ManifestFile(uri, version, text, documents);
  }
}
