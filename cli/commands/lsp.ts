// `kubeside lsp`: serves the Kubernetes manifest language server over stdio (or Node IPC), so any
// LSP-capable editor gets the same diagnostics, completion and navigation as the VS Code extension.
import { format } from 'node:util';
import { createConnection, IPCMessageReader, IPCMessageWriter, ProposedFeatures } from 'vscode-languageserver/node';
import { UsageError, type Command } from '../command';
import { startLanguageServer } from '../../language-server/languageServer';

export const lsp: Command = {
  name: 'lsp',
  summary: 'Run the Kubernetes manifest language server (for editors)',
  usage: `Usage: kubeside lsp --stdio | --node-ipc

Runs the language server for Kubernetes manifests: diagnostics against the official schemas,
completion, hover, outline, folding, go to definition and references across the workspace.

Options:
  --stdio     speak LSP over stdin/stdout (what most editors expect)
  --node-ipc  speak LSP over the Node IPC channel of a parent Node process`,
  run(args) {
    const transport = args.find((a) => a === '--stdio' || a === '--node-ipc');
    const unknown = args.find((a) => a !== '--stdio' && a !== '--node-ipc' && !a.startsWith('--clientProcessId'));
    if (!transport || unknown) throw new UsageError(unknown ? `unknown argument "${unknown}"` : 'choose a transport: --stdio or --node-ipc');
    if (transport === '--node-ipc' && !process.send) throw new UsageError('--node-ipc needs a parent Node process with an IPC channel');
    // Given the streams themselves, the connection also ends the process when the editor closes stdin.
    const connection =
      transport === '--stdio'
        ? createConnection(ProposedFeatures.all, process.stdin, process.stdout)
        : createConnection(ProposedFeatures.all, new IPCMessageReader(process), new IPCMessageWriter(process));
    if (transport === '--stdio') {
      // stdout carries the protocol: anything logged goes to the editor's output channel instead.
      const log = (...args: unknown[]) => connection.console.log(format(...args));
      console.log = console.info = console.debug = console.warn = log;
    }
    // The connection ends the process on the client's `exit` notification, as the protocol asks.
    return new Promise<number>(() => startLanguageServer(connection));
  },
};
