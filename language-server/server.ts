// Entry point of the bundled language server (dist/server.js): picks the transport from the command
// line (--stdio, --node-ipc, --socket=N) and starts serving.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startLanguageServer } from './languageServer';

startLanguageServer(createConnection(ProposedFeatures.all));
