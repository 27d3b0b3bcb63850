// A manifest file as the language server sees it: its text at one version, split into YAML documents,
// each parsed once. Parsing a new version reuses the documents whose text did not change.
import type { Position, Range } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseYamlDocument, type ParsedDocument, type Span } from './parsedDocument';
import { splitDocuments } from './splitDocuments';

/** A parsed document at its place in a file. */
export interface PlacedDocument {
  /** Its position in the YAML stream, counted as `yaml` and kubectl count documents. */
  readonly index: number;
  /** Offset of its first character in the file. */
  readonly start: number;
  readonly parsed: ParsedDocument;
}

export class ManifestFile {
  /** A snapshot: the editor's TextDocument is updated in place by later edits. */
  readonly textDocument: TextDocument;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    readonly version: number,
    readonly text: string,
    readonly documents: readonly PlacedDocument[],
  ) {
    this.textDocument = TextDocument.create(uri, languageId, version, text);
  }

  /** The file-level range of a span of one of its documents. */
  range(doc: PlacedDocument, span: Span): Range {
    return { start: this.textDocument.positionAt(doc.start + span[0]), end: this.textDocument.positionAt(doc.start + span[1]) };
  }

  /** The document under a position and the offset within it. */
  locate(position: Position): { doc: PlacedDocument; offset: number } | undefined {
    const at = this.textDocument.offsetAt(position);
    for (let i = this.documents.length - 1; i >= 0; i--) {
      const doc = this.documents[i]!;
      if (doc.start <= at) return { doc, offset: at - doc.start };
    }
    return undefined;
  }
}

/** Counters the `kubeside/stats` request exposes, so tests can see how much work an edit caused. */
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
    return this.parseText(textDocument.uri, textDocument.getText(), previous, textDocument.version, textDocument.languageId);
  }

  /** A file's text; version -1 for a file read from disk rather than open in the editor. */
  parseText(uri: string, text: string, previous?: ManifestFile, version = -1, languageId = /\.json$/i.test(uri) ? 'json' : 'yaml'): ManifestFile {
    if (previous && previous.version === version && previous.text === text) return previous;
    const reusable = new Map<string, ParsedDocument>();
    for (const d of previous?.documents ?? []) reusable.set(d.parsed.text, d.parsed);
    const documents = splitDocuments(text).map((slice, index): PlacedDocument => {
      let parsed = reusable.get(slice.text);
      if (!parsed) {
        parsed = parseYamlDocument(slice.text, uri);
        this.stats.parses++;
      }
      return { index, start: slice.start, parsed };
    });
    return new ManifestFile(uri, languageId, version, text, documents);
  }
}
