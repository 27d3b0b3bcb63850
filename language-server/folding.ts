// Folding ranges: each YAML document, and each block mapping or sequence value that spans lines.
import { isCollection, isPair, isScalar, visit, type Node } from 'yaml';
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { ManifestFile } from './manifestFile';
import { contentSpan } from './parsedDocument';

export function foldingRanges(file: ManifestFile): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const text = file.textDocument;
  /** The last line a fold reaches: trailing blank lines and comments stay visible. */
  const lastLine = (offset: number, end: number) => {
    let e = end;
    const s = file.textDocument.getText();
    while (e > offset && /\s/.test(s[e - 1]!)) e--;
    return text.positionAt(e).line;
  };
  const add = (start: number, end: number, kind?: FoldingRangeKind) => {
    const startLine = text.positionAt(start).line;
    const endLine = lastLine(start, end);
    if (endLine > startLine) ranges.push({ startLine, endLine, ...(kind ? { kind } : {}) });
  };
  for (const doc of file.documents) {
    const whole = contentSpan(doc.parsed);
    add(doc.start + whole[0], doc.start + whole[1], FoldingRangeKind.Region);
    visit(doc.parsed.yaml, {
      Pair(_, pair) {
        const value = pair.value as Node | null;
        if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range || !value?.range) return;
        if (isCollection(value) || isScalar(value)) add(doc.start + pair.key.range[0], doc.start + value.range[1]);
      },
      Seq(_, seq) {
        // A sequence item that is itself a mapping folds from its dash to its last line.
        for (const item of seq.items) {
          const node = item as Node | null;
          if (isCollection(node) && node.range) add(doc.start + node.range[0], doc.start + node.range[1]);
        }
      },
    });
  }
  // A sequence item's mapping and its first key's value can start on the same line: keep the wider.
  const byStart = new Map<number, FoldingRange>();
  for (const r of ranges) {
    const seen = byStart.get(r.startLine);
    if (!seen || r.endLine > seen.endLine) byStart.set(r.startLine, r);
  }
  return [...byStart.values()].sort((a, b) => a.startLine - b.startLine);
}
