// What every cluster verb shares: flag parsing, finding the cluster (--state or --kubeconfig) and
// turning the ways a request fails into kubectl's messages and exit code 1.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError, type CommandIO } from '../command';
import { ApiError, ClusterUnreachable, loadKubeconfig, RestClient } from './client';
import { ResourceResolver } from './resources';

/** A flag's spellings and whether it takes a value (`list`: may be repeated). */
export interface FlagSpec {
  names: string[];
  kind: 'bool' | 'value' | 'list';
}

export interface ParsedArgs {
  flags: Map<string, string[]>;
  positional: string[];
}

export const clusterFlags: Record<string, FlagSpec> = {
  state: { names: ['--state'], kind: 'value' },
  kubeconfig: { names: ['--kubeconfig'], kind: 'value' },
};

export const namespaceFlag: FlagSpec = { names: ['-n', '--namespace'], kind: 'value' };

/** Parses `--flag value`, `--flag=value`, `-n value` and `-nvalue`; flags are keyed by their spec's name. */
export function parseArgs(args: readonly string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const all = { ...clusterFlags, ...spec };
  const byName = new Map<string, [string, FlagSpec]>();
  for (const [key, s] of Object.entries(all)) for (const n of s.names) byName.set(n, [key, s]);
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    let flag = arg;
    let inline: string | undefined;
    if (arg.startsWith('--') && arg.includes('=')) [flag, inline] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
    else if (!arg.startsWith('--') && arg.length > 2 && !byName.has(arg)) [flag, inline] = [arg.slice(0, 2), arg.slice(2).replace(/^=/, '')];
    const found = byName.get(flag);
    if (!found) throw new UsageError(`unknown flag: ${flag}`);
    const [key, s] = found;
    if (s.kind === 'bool') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') throw new UsageError(`invalid value "${inline}" for ${flag}`);
      flags.set(key, [inline ?? 'true']);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`flag needs an argument: ${flag}`);
    flags.set(key, s.kind === 'list' ? [...(flags.get(key) ?? []), value] : [value]);
  }
  return { flags, positional };
}

export const flag = (a: ParsedArgs, key: string): string | undefined => a.flags.get(key)?.at(-1);
export const bool = (a: ParsedArgs, key: string): boolean => flag(a, key) === 'true';

/** The kubeconfig a verb uses: --kubeconfig, else the state directory's (default `.kubeside/cluster`). */
export function kubeconfigPath(a: ParsedArgs, cwd: string): string {
  const explicit = flag(a, 'kubeconfig');
  if (explicit) return path.resolve(cwd, explicit);
  return path.join(path.resolve(cwd, flag(a, 'state') ?? path.join('.kubeside', 'cluster')), 'kubeconfig');
}

export interface Connection {
  client: RestClient;
  resources: ResourceResolver;
}

/**
 * Runs a verb against the cluster: its failures print as kubectl prints them (exit 1), and a cluster
 * that is not running gets one clear line saying how to start it.
 */
export async function withCluster(a: ParsedArgs, io: CommandIO, run: (c: Connection) => Promise<number>): Promise<number> {
  const file = kubeconfigPath(a, io.cwd);
  if (!existsSync(file)) {
    io.stderr.write(`kubeside: no cluster is running at ${path.dirname(file)} (no kubeconfig there); start one with "kubeside serve"\n`);
    return 1;
  }
  let client: RestClient;
  try {
    client = new RestClient(await loadKubeconfig(file));
  } catch (err) {
    io.stderr.write(`error: cannot read the kubeconfig ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  try {
    return await run({ client, resources: new ResourceResolver(client) });
  } catch (err) {
    if (err instanceof ClusterUnreachable) io.stderr.write(`kubeside: ${err.message}\n`);
    else if (err instanceof ApiError) io.stderr.write(`${err.display}\n`);
    else if (err instanceof UsageError) throw err;
    else io.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    client.close();
  }
}

/**
 * Rows as kubectl's tabwriter prints them: left-aligned columns, no trailing padding; columns are
 * three spaces apart in `get`'s tables and two in `describe`'s.
 */
export function formatRows(rows: readonly (readonly string[])[], padding = 3): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + padding))).join('') + '\n').join('');
}
