// Quick fixes: the fixes validation and the lint rules attached to each diagnostic (a misspelt kind,
// a misspelt field name, a missing securityContext setting, an ignore annotation), turned into edits.
// Stateless: the client sends the diagnostics back with their data.
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import type { DiagnosticData } from './manifestWorkspace';

export function codeActions(uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== 'kubeside' && diagnostic.source !== 'kubeside-lint') continue;
    const fixes = (diagnostic.data as DiagnosticData | undefined)?.fixes ?? [];
    for (const fix of fixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        // A lint finding's fixes are its rule's remedy, if it has one, then the ignore annotation, never preferred.
        isPreferred: diagnostic.source === 'kubeside-lint' ? fixes.length > 1 && fix === fixes[0] : fixes.length === 1,
        edit: { changes: { [uri]: [...fix.edits] } },
      });
    }
  }
  return actions;
}
