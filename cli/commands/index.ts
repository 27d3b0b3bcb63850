// Every verb of the `kubeside` command, in the order `kubeside help` lists them.
import type { Command } from '../command';
import { apply } from './apply';
import { audit } from './audit';
import { del } from './delete';
import { describe } from './describe';
import { events } from './events';
import { get } from './get';
import { logs } from './logs';
import { lsp } from './lsp';
import { request } from './request';
import { serve } from './serve';
import { snapshot } from './snapshot';
import { validate } from './validate';

export const commands: Command[] = [validate, lsp, serve, apply, get, describe, del, logs, events, request, audit, snapshot];
