// Folding ranges: each YAML document, and each block mapping or sequence value that spans lines.
import { isCollection, isPair, isScalar, visit, type Node } from 'yaml';
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { ManifestFile } from './manifestFile';
import { contentSpan } from './parsedDocument';

export function foldingRanges(file: ManifestFile): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  for (const doc of file.documents) {
    const text = doc.parsed.text;
    const add = (start: number, end: number, kind?: FoldingRangeKind) => {
      // The fold ends on the last line with content: trailing blank lines stay visible.
      let e = end;
      while (e > start && /\s/.test(text[e - 1]!)) e--;
      const startLine = file.position(doc, start).line;
      const endLine = file.position(doc, e).line;
      if (endLine > startLine) ranges.push({ startLine, endLine, ...(kind ? { kind } : {}) });
    };
    const whole = contentSpan(doc.parsed);
    add(whole[0], whole[1], FoldingRangeKind.Region);
    visit(doc.parsed.yaml, {
      Pair(_, pair) {
        const value = pair.value as Node | null;
        if (!isPair(pair) || !isScalar(pair.key) || !pair.key.range || !value?.range) return;
        if (isCollection(value) || isScalar(value)) add(pair.key.range[0], value.range[1]);
      },
      Seq(_, seq) {
        // A sequence item that is itself a mapping folds from its dash to its last line.
        for (const item of seq.items) {
          const node = item as Node | null;
          if (isCollection(node) && node.range) add(node.range[0], node.range[1]);
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
