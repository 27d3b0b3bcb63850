// Entry of the `kubeside` command-line tool: parses the verb and hands the rest to it.
import { type CommandIO, UsageError } from './command';
import { commands } from './commands/index';

function help(io: CommandIO): void {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  io.stdout.write('Usage: kubeside <command> [options]\n\nCommands:\n');
  for (const c of commands) io.stdout.write(`  ${c.name.padEnd(width)}  ${c.summary}\n`);
  io.stdout.write(`  ${'help'.padEnd(width)}  Show help for a command\n`);
}

export async function main(argv: string[], io: CommandIO = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === 'help' || verb === '--help' || verb === '-h') {
    const target = rest[0] && commands.find((c) => c.name === rest[0]);
    if (target) io.stdout.write(target.usage.endsWith('\n') ? target.usage : target.usage + '\n');
    else help(io);
    return verb ? 0 : 2;
  }
  const command = commands.find((c) => c.name === verb);
  if (!command) {
    io.stderr.write(`kubeside: unknown command "${verb}"\n\n`);
    help(io);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`kubeside ${verb}: ${err.message}\n\n${command.usage}\n`);
      return 2;
    }
    throw err;
  }
}
