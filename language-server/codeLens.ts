// Code lenses "Apply" and "Delete" over each resource; the extension implements the commands, which
// receive the file's uri and the document's index in the YAML stream.
import type { CodeLens } from 'vscode-languageserver';
import type { ManifestFile } from './manifestFile';
import { contentSpan, scalarString } from './parsedDocument';

export const applyDocumentCommand = 'kubeside.applyDocument';
export const deleteDocumentCommand = 'kubeside.deleteDocument';

export function codeLenses(file: ManifestFile): CodeLens[] {
  const lenses: CodeLens[] = [];
  for (const doc of file.documents) {
    // Only documents that name a kind are objects one could apply or delete.
    if (!scalarString(doc.parsed.value, 'kind')) continue;
    const start = file.range(doc, contentSpan(doc.parsed)).start;
    const range = { start, end: start };
    const args = [file.uri, doc.index];
    lenses.push({ range, command: { title: 'Apply', command: applyDocumentCommand, arguments: args } });
    lenses.push({ range, command: { title: 'Delete', command: deleteDocumentCommand, arguments: args } });
  }
  return lenses;
}
