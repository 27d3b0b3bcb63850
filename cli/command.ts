// The shape of one `kubeside` verb. Each verb lives in cli/commands/<verb>.ts and is listed once in
// cli/commands/index.ts; main.ts only dispatches.

export interface CommandIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd: string;
}

export interface Command {
  readonly name: string;
  /** One line for `kubeside help`. */
  readonly summary: string;
  /** Full usage text for `kubeside help <verb>`. */
  readonly usage: string;
  /** Returns the process exit code. */
  run(args: string[], io: CommandIO): Promise<number>;
}

/** Thrown for bad command-line usage: printed with the verb's usage, exit code 2. */
export class UsageError extends Error {}
