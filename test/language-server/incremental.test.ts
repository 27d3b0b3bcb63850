// Re-parsing only the documents an edit touched must give exactly what parsing the whole file gives:
// random edits (seeded) to a multi-document file, compared with the same text opened fresh.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CodeAction, Diagnostic, DocumentSymbol, FoldingRange, Position } from 'vscode-languageserver-protocol';
import { Random } from '../../engine/util/random';
import { LspClient, memoryUri } from './lspClient';

const shop = ['10-web.yaml', '20-api.yaml', '30-db.yaml'].map((f) => readFileSync(path.resolve(__dirname, '..', '..', 'examples', 'shop', f), 'utf8')).join('---\n');

/** Pieces of YAML typed while editing: structure, separators, typos. */
const insertions = ['\n', ' ', '  ', '---\n', 'a', ': ', '- ', 'x: 1\n', 'replicas: two\n', '#', '"', '[', 'kind: Pod\n'];

function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

const normalize = (ds: Diagnostic[]) => ds.map((d) => JSON.stringify([d.range, d.code, d.message, d.severity])).sort();

describe('language server: incremental parsing equals a full parse', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ debounceMs: 0 });
  });
  after(async () => {
    await client.stop();
  });

  it('gives the same diagnostics, quick fixes, outline and folding after 100 random edits as a fresh open of the result', async () => {
    const random = new Random(7);
    const uri = memoryUri('edited.yaml');
    let text = shop;
    await client.open(uri, text);
    for (let step = 1; step <= 100; step++) {
      const start = random.int(text.length + 1);
      const end = Math.min(text.length, start + (random.int(3) === 0 ? random.int(6) : 0));
      const insert = random.int(3) === 0 ? '' : insertions[random.int(insertions.length)]!;
      const range = { start: positionAt(text, start), end: positionAt(text, end) };
      text = text.slice(0, start) + insert + text.slice(end);
      const edited = await client.change(uri, [{ range, text: insert }]);
      if (step % 20 !== 0) continue;
      const fresh = memoryUri(`fresh-${step}.yaml`);
      const reference = await client.open(fresh, text);
      assert.deepEqual(normalize(edited.diagnostics), normalize(reference.diagnostics), `diagnostics after step ${step}`);
      for (const method of ['textDocument/documentSymbol', 'textDocument/foldingRange']) {
        const [a, b] = await Promise.all([uri, fresh].map((u) => client.request<DocumentSymbol[] | FoldingRange[]>(method, { textDocument: { uri: u } })));
        assert.deepEqual(a, b, `${method} after step ${step}`);
      }
      // Fixes stay in the server and are found again from the diagnostic the client sends back:
      // documents that edits moved must offer the same ones as the fresh parse.
      const fixes = async (u: string, ds: Diagnostic[]) =>
        (await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: u }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: ds } }))
          .map((a) => JSON.stringify([a.title, a.diagnostics?.[0]?.range, Object.values(a.edit?.changes ?? {})]))
          .sort();
      const [editedFixes, freshFixes] = await Promise.all([fixes(uri, edited.diagnostics), fixes(fresh, reference.diagnostics)]);
      assert.deepEqual(editedFixes, freshFixes, `quick fixes after step ${step}`);
      if (step === 100) assert.ok(freshFixes.length > 0, 'the edited shop example still has findings with fixes');
      await client.close(fresh);
    }
  });
});
