// Quick fixes: the fixes validation and the lint rules found for each diagnostic (a misspelt kind,
// a misspelt field name, a missing securityContext setting, an ignore annotation), turned into edits.
// The fixes stay in the server: `fixesOf` finds them again for a diagnostic the client sends back.
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver';

export type FixesOf = (diagnostic: Diagnostic) => readonly { readonly title: string; readonly edits: readonly TextEdit[] }[];

export function codeActions(uri: string, diagnostics: readonly Diagnostic[], fixesOf: FixesOf): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== 'kubeside' && diagnostic.source !== 'kubeside-lint') continue;
    const fixes = fixesOf(diagnostic);
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
