// Every verb of the `kubeside` command, in the order `kubeside help` lists them.
import type { Command } from '../command';
import { lsp } from './lsp';

export const commands: Command[] = [lsp];
