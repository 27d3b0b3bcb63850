// Starts the Kubeside language server (dist/server.js) in its own process over Node IPC and
// connects it to VS Code's YAML and JSON editors: diagnostics, completion, hover, navigation and
// quick fixes for manifests all come from it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';

export function startLanguageClient(context: vscode.ExtensionContext): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
      { scheme: 'file', language: 'json' },
    ],
    middleware: {
      // The server offers Apply/Delete lenses; show them only once this extension implements their commands.
      provideCodeLenses: async (document, token, next) => {
        const lenses = (await next(document, token)) ?? [];
        const available = new Set(await vscode.commands.getCommands(true));
        return lenses.filter((lens) => !lens.command || available.has(lens.command.command));
      },
    },
  };
  const client = new LanguageClient('kubeside', 'Kubeside Manifests', serverOptions, clientOptions);
  void client.start();
  return client;
}
