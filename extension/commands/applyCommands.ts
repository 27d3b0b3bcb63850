// Apply, delete and diff from the editor: a file, the selection, a folder, every open manifest, one
// document (the language server's code lenses), and on save when `kubeside.applyOnSave` is on (only
// in a trusted workspace). Each object's outcome goes to the Kubeside output channel as kubectl
// prints it; problems become diagnostics on the exact line and field, plus one notification.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { stringify } from 'yaml';
import { applyManifestText, deleteManifestText, diffManifestText, type ObjectOutcome } from '../apply/manifestApplier';
import type { ClusterManager } from '../clusterManager';
import { resourceScheme } from '../documents/resourceDocuments';
import type { SourceIndex } from '../sourceIndex';

const manifestLanguages = new Set(['yaml', 'json']);

export function isManifest(document: vscode.TextDocument): boolean {
  return manifestLanguages.has(document.languageId) && document.uri.scheme !== resourceScheme;
}

function toRange(r: { start: { line: number; column: number }; end: { line: number; column: number } }): vscode.Range {
  return new vscode.Range(r.start.line - 1, r.start.column - 1, r.end.line - 1, r.end.column - 1);
}

/** Dry-run results shown side by side in VS Code's diff editor: `kubeside-diff:/live/…` against `…/merged/…`. */
class DiffDocuments implements vscode.TextDocumentContentProvider {
  private readonly contents = new Map<string, string>();
  set(uri: vscode.Uri, text: string): void {
    this.contents.set(uri.toString(), text);
  }
  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }
}

export class ApplyCommands implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('kubeside-apply');
  private readonly output: vscode.OutputChannel;
  private readonly diffs = new DiffDocuments();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly clusters: ClusterManager, private readonly sources: SourceIndex, output: vscode.OutputChannel) {
    this.output = output;
    const command = (id: string, fn: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, fn);
    this.subscriptions.push(
      this.diagnostics,
      vscode.workspace.registerTextDocumentContentProvider('kubeside-diff', this.diffs),
      command('kubeside.apply', (uri?: vscode.Uri, uris?: vscode.Uri[]) => this.applyUris(targets(uri, uris))),
      command('kubeside.applySelection', () => this.applySelection()),
      command('kubeside.applyFolder', (uri?: vscode.Uri) => this.applyFolder(uri)),
      command('kubeside.applyOpenManifests', () => this.applyOpen()),
      command('kubeside.applyDocument', (uri: string | vscode.Uri, index: number) => this.applyDocument(asUri(uri), index)),
      command('kubeside.deleteDocument', (uri: string | vscode.Uri, index: number) => this.deleteDocument(asUri(uri), index)),
      command('kubeside.deleteFile', (uri?: vscode.Uri, uris?: vscode.Uri[]) => this.deleteUris(targets(uri, uris))),
      command('kubeside.diff', (uri?: vscode.Uri) => this.diff(uri)),
      // Problems of an apply are about the text as it was: an edit makes their ranges wrong.
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length && this.diagnostics.delete(e.document.uri)),
      vscode.workspace.onDidSaveTextDocument((doc) => this.onSave(doc)),
    );
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }

  /** Applies files (the active editor's when none is given); resolves with every object's outcome. */
  async applyUris(uris: readonly vscode.Uri[]): Promise<ObjectOutcome[]> {
    const outcomes: ObjectOutcome[] = [];
    for (const uri of uris) outcomes.push(...(await this.applyText(await vscode.workspace.openTextDocument(uri))));
    this.report('apply', outcomes, uris);
    return outcomes;
  }

  private async applySelection(): Promise<ObjectOutcome[]> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selection.isEmpty) {
      void vscode.window.showWarningMessage('Kubeside: select the manifest text to apply first.');
      return [];
    }
    const { backend } = await this.clusters.ensureStarted();
    const text = editor.document.getText(editor.selection);
    const outcomes = await applyManifestText(backend, text, editor.document.fileName);
    // Positions are relative to the selection: move them to where it starts.
    const offset = editor.selection.start;
    this.showProblems(editor.document.uri, outcomes, offset);
    this.report('apply', outcomes, [editor.document.uri]);
    return outcomes;
  }

  private async applyFolder(uri?: vscode.Uri): Promise<ObjectOutcome[]> {
    const folder = uri ?? (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Apply Folder' }))?.[0];
    if (!folder) return [];
    const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.{yaml,yml,json}'), '**/{node_modules,.git}/**');
    // Name order, as kubectl walks a folder; namespaces first across all files.
    files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
    return this.applyAll(files);
  }

  private async applyOpen(): Promise<ObjectOutcome[]> {
    const docs = vscode.workspace.textDocuments.filter((d) => isManifest(d) && !d.isClosed);
    return this.applyAll(docs.map((d) => d.uri));
  }

  /** Applies many files, the namespaces and CRDs in any of them first. */
  private async applyAll(uris: readonly vscode.Uri[]): Promise<ObjectOutcome[]> {
    const docs = await Promise.all(uris.map((u) => vscode.workspace.openTextDocument(u)));
    const defines = (d: vscode.TextDocument) => /^kind:\s*(Namespace|CustomResourceDefinition)\s*$/m.test(d.getText());
    const ordered = [...docs.filter(defines), ...docs.filter((d) => !defines(d))];
    const outcomes: ObjectOutcome[] = [];
    for (const doc of ordered) outcomes.push(...(await this.applyText(doc)));
    this.report('apply', outcomes, uris);
    return outcomes;
  }

  private async applyDocument(uri: vscode.Uri, index: number): Promise<ObjectOutcome[]> {
    const outcomes = await this.applyText(await vscode.workspace.openTextDocument(uri), [index]);
    this.report('apply', outcomes, [uri]);
    return outcomes;
  }

  private async deleteDocument(uri: vscode.Uri, index: number): Promise<ObjectOutcome[]> {
    return this.deleteUris([uri], [index]);
  }

  async deleteUris(uris: readonly vscode.Uri[], documents?: number[]): Promise<ObjectOutcome[]> {
    const { backend } = await this.clusters.ensureStarted();
    const outcomes: ObjectOutcome[] = [];
    for (const uri of uris) {
      const doc = await vscode.workspace.openTextDocument(uri);
      outcomes.push(...(await deleteManifestText(backend, doc.getText(), doc.fileName, documents ? { documents } : {})));
    }
    this.report('delete', outcomes, uris);
    return outcomes;
  }

  /** "Diff with cluster": the live objects against what applying the file would make of them. */
  private async diff(uri?: vscode.Uri): Promise<void> {
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc) return;
    const { backend } = await this.clusters.ensureStarted();
    const { outcomes, live, merged } = await diffManifestText(backend, doc.getText(), doc.fileName);
    this.showProblems(doc.uri, outcomes);
    const base = path.basename(doc.fileName);
    const left = vscode.Uri.from({ scheme: 'kubeside-diff', path: `/live/${base}` });
    const right = vscode.Uri.from({ scheme: 'kubeside-diff', path: `/merged/${base}` });
    const yaml = (objs: object[]) => objs.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
    this.diffs.set(left, yaml(live));
    this.diffs.set(right, yaml(merged));
    await vscode.commands.executeCommand('vscode.diff', left, right, `${base}: cluster ↔ after apply`);
  }

  private async onSave(doc: vscode.TextDocument): Promise<void> {
    if (!isManifest(doc) || doc.uri.scheme !== 'file') return;
    // Never applied by itself where the user has not trusted the workspace's content.
    if (!vscode.workspace.isTrusted || !vscode.workspace.getConfiguration('kubeside', doc.uri).get<boolean>('applyOnSave', false)) return;
    const outcomes = await this.applyText(doc);
    this.report('apply', outcomes, [doc.uri], { quiet: true });
  }

  private async applyText(doc: vscode.TextDocument, documents?: number[]): Promise<ObjectOutcome[]> {
    const { backend } = await this.clusters.ensureStarted();
    const outcomes = await applyManifestText(backend, doc.getText(), doc.fileName, documents ? { documents } : {});
    this.showProblems(doc.uri, outcomes);
    for (const o of outcomes) if (o.ref && !o.error) this.sources.record(o.ref, doc.uri, o.documentIndex);
    return outcomes;
  }

  private showProblems(uri: vscode.Uri, outcomes: readonly ObjectOutcome[], offset?: vscode.Position): void {
    const diagnostics = outcomes.flatMap((o) =>
      o.problems.map((p) => {
        let range = toRange(p.range);
        if (offset) range = new vscode.Range(range.start.translate(offset.line, range.start.line === 0 ? offset.character : 0), range.end.translate(offset.line, range.end.line === 0 ? offset.character : 0));
        const d = new vscode.Diagnostic(range, `${o.name}: ${p.message}`, vscode.DiagnosticSeverity.Error);
        d.source = 'kubeside apply';
        if (p.field) d.code = p.field;
        return d;
      }),
    );
    this.diagnostics.set(uri, diagnostics);
  }

  /** One line per object in the output channel, as kubectl prints it, and one notification. */
  private report(verb: 'apply' | 'delete', outcomes: readonly ObjectOutcome[], uris: readonly vscode.Uri[], options: { quiet?: boolean } = {}): void {
    const done = verb === 'apply' ? 'serverside-applied' : 'deleted';
    for (const o of outcomes) this.output.appendLine(o.error ? `${o.name}: ${o.error}` : `${o.name} ${done}`);
    const failed = outcomes.filter((o) => o.error);
    const what = uris.length === 1 ? path.basename(uris[0]!.fsPath) : `${uris.length} files`;
    if (failed.length) {
      void vscode.window.showErrorMessage(`Kubeside: ${failed.length} of ${outcomes.length} object(s) in ${what} could not be ${verb === 'apply' ? 'applied' : 'deleted'}: ${failed[0]!.error}`, 'Show Problems').then((choice) => {
        if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
    } else if (!options.quiet) {
      void vscode.window.showInformationMessage(`Kubeside: ${verb === 'apply' ? 'applied' : 'deleted'} ${outcomes.length} object(s) from ${what}.`);
    } else {
      vscode.window.setStatusBarMessage(`$(check) Kubeside: applied ${outcomes.length} object(s) from ${what}`, 4000);
    }
  }
}

/** The files a command acts on: the explorer's selection, else the clicked file, else the active editor's. */
function targets(uri?: vscode.Uri, uris?: vscode.Uri[]): vscode.Uri[] {
  if (uris?.length) return uris;
  if (uri instanceof vscode.Uri) return [uri];
  const active = vscode.window.activeTextEditor?.document.uri;
  return active ? [active] : [];
}

function asUri(uri: string | vscode.Uri): vscode.Uri {
  return typeof uri === 'string' ? vscode.Uri.parse(uri) : uri;
}
