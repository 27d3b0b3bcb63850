// Quick fixes: the fixes validation attached to each diagnostic (a misspelt kind, a misspelt field
// name), turned into edits. Stateless: the client sends the diagnostics back with their data.
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import type { DiagnosticData } from './manifestWorkspace';

export function codeActions(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== 'kubeside') continue;
    const fixes = (diagnostic.data as DiagnosticData | undefined)?.fixes ?? [];
    for (const fix of fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fixes.length === 1,
        edit: { changes: { [uri]: [...fix.edits] } },
      });
    }
  }
  return actions;
}
