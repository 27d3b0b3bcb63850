// Every verb of the `kubeside` command, in the order `kubeside help` lists them.
import type { Command } from '../command';
import { lsp } from './lsp';
import { serve } from './serve';
import { validate } from './validate';

export const commands: Command[] = [validate, lsp, serve];
