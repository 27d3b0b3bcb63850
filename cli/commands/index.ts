// Every verb of the `kubeside` command, in the order `kubeside help` lists them.
import type { Command } from '../command';

export const commands: Command[] = [];
