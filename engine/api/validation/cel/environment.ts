// The CEL environment Kubernetes' validation rules are compiled in: the CEL standard library and
// macros, optional types (`self.?spec.?replicas.orValue(1)`), and the part of Kubernetes' extension
// libraries the evaluator lacks (k8s.io/apiserver/pkg/cel/library): lists (isSorted, sum, min, max,
// indexOf, lastIndexOf), regex (find, findAll), the strings functions replace, charAt, reverse,
// format and strings.quote, and — each in its own file under library/ — quantity, URL, IP and CIDR,
// semver, named formats, sets and the authorizer. The evaluator is @marcbachmann/cel-js, which
// parses, type-checks and evaluates CEL.
// See https://kubernetes.io/docs/reference/using-api/cel/
import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import { re2RegExp } from '../re2';
import { registerAuthorizerLibrary } from './library/authorizer';
import { CelLibraryError } from './library/errors';
import { checkFormatCalls } from './library/formatCheck';
import { registerFormatsLibrary } from './library/formats';
import { registerNetLibrary } from './library/net';
import { registerQuantityLibrary } from './library/quantity';
import { registerSemverLibrary } from './library/semver';
import { registerSetsLibrary } from './library/sets';
import { registerStringsLibrary } from './library/strings';
import { registerURLLibrary } from './library/url';
import { celEquals } from './library/values';

type Comparable = bigint | number | string | boolean;

function compare(a: Comparable, b: Comparable): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function regex(pattern: string): RegExp {
  const re = re2RegExp(pattern);
  if (!re) throw new Error(`invalid regular expression: ${pattern}`);
  return new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
}

function sum(list: unknown[]): unknown {
  if (list.length === 0) return 0n;
  return (list as (bigint | number)[]).reduce((a, b) => (typeof a === 'bigint' && typeof b === 'bigint' ? a + b : Number(a) + Number(b)));
}

function extreme(list: unknown[], sign: 1 | -1): unknown {
  if (list.length === 0) throw new Error(`${sign < 0 ? 'min' : 'max'}(list) argument must not be empty`);
  return (list as Comparable[]).reduce((best, v) => (compare(v, best) * sign > 0 ? v : best));
}

function indexOf(list: unknown[], value: unknown, last: boolean): bigint {
  const same = (v: unknown) => celEquals(v, value);
  const i = last ? list.findLastIndex(same) : list.findIndex(same);
  return BigInt(i);
}

let shared: Environment | undefined;

/** The environment with Kubernetes' libraries; variables are declared by `environmentWith`. */
function kubernetesEnvironment(): Environment {
  if (shared) return shared;
  const env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false });
  env
    .registerFunction('list.isSorted(): bool', (l: Comparable[]) => l.every((v, i) => i === 0 || compare(l[i - 1]!, v) <= 0))
    .registerFunction('list.sum(): dyn', sum)
    .registerFunction('list.min(): dyn', (l: unknown[]) => extreme(l, -1))
    .registerFunction('list.max(): dyn', (l: unknown[]) => extreme(l, 1))
    .registerFunction('list.indexOf(dyn): int', (l: unknown[], v: unknown) => indexOf(l, v, false))
    .registerFunction('list.lastIndexOf(dyn): int', (l: unknown[], v: unknown) => indexOf(l, v, true))
    .registerFunction('string.find(string): string', (s: string, p: string) => s.match(regex(p))?.[0] ?? '')
    .registerFunction('string.findAll(string): list<string>', (s: string, p: string) => [...s.matchAll(regex(p))].map((m) => m[0]))
    .registerFunction('string.findAll(string, int): list<string>', (s: string, p: string, n: bigint) => [...s.matchAll(regex(p))].map((m) => m[0]).slice(0, n < 0n ? undefined : Number(n)))
    .registerFunction('string.replace(string, string): string', (s: string, from: string, to: string) => s.split(from).join(to))
    .registerFunction('string.replace(string, string, int): string', (s: string, from: string, to: string, n: bigint) => replaceN(s, from, to, n))
    .registerFunction('string.charAt(int): string', (s: string, i: bigint) => [...s][Number(i)] ?? '')
    .registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''));
  registerStringsLibrary(env);
  registerQuantityLibrary(env);
  registerURLLibrary(env);
  registerNetLibrary(env);
  registerSemverLibrary(env);
  registerFormatsLibrary(env);
  registerSetsLibrary(env);
  registerAuthorizerLibrary(env);
  shared = env;
  return env;
}

function replaceN(s: string, from: string, to: string, n: bigint): string {
  if (n < 0n) return s.split(from).join(to);
  let out = s;
  let at = 0;
  for (let i = 0n; i < n; i++) {
    const found = out.indexOf(from, at);
    if (found < 0) break;
    out = out.slice(0, found) + to + out.slice(found + from.length);
    at = found + to.length;
  }
  return out;
}

const byVariables = new Map<string, Environment>();

/** An environment declaring `names` as variables of any type (as `self` and `oldSelf` of a rule). */
export function environmentWith(names: readonly string[]): Environment {
  const key = names.join(',');
  let env = byVariables.get(key);
  if (!env) {
    env = kubernetesEnvironment().clone();
    for (const name of names) env.registerVariable(name, 'dyn');
    byVariables.set(key, env);
  }
  return env;
}

/**
 * An evaluator error in cel-go's words, as Kubernetes' messages quote them: the first line of its
 * message (not the source excerpt under it), lower-cased as cel-go's runtime errors are
 * (`no such key: x`, `division by zero`), an unknown name as cel-go's checker names it.
 */
export function celMessage(err: unknown): string {
  // The libraries' errors are already in cel-go's words.
  if (err instanceof CelLibraryError) return err.message;
  const line = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
  const unknown = /^Unknown variable: (.+)$/.exec(line);
  if (unknown) return `undeclared reference to '${unknown[1]}' (in container '')`;
  return `${line.charAt(0).toLowerCase()}${line.slice(1)}`;
}

/** A compile error as cel-go reports one: `ERROR: <input>:1:6: …`, at the line and column it is found. */
function compileError(source: string, err: unknown): string {
  const pos = (err as { node?: { pos?: number } } | undefined)?.node?.pos;
  if (typeof pos !== 'number') return `compilation failed: ERROR: <input>: ${celMessage(err)}`;
  const before = source.slice(0, pos).split('\n');
  return `compilation failed: ERROR: <input>:${before.length}:${before.at(-1)!.length + 1}: ${celMessage(err)}`;
}

/** The compile error cel-go's check of `<literal>.format([…])` calls finds, if any. */
function formatCallError(source: string, program: ParseResult): string | undefined {
  const issue = checkFormatCalls(program.ast, source);
  return issue && compileError(source, Object.assign(new CelLibraryError(issue.message), { node: { pos: issue.pos } }));
}

const programs = new Map<string, ParseResult | string>();

/**
 * `source` compiled over `variables`: the program, or why it does not compile (`compilation
 * failed: …`). Kept, as the API server keeps the programs of the configurations it watches.
 */
export function compileExpression(source: string, variables: readonly string[]): ParseResult | string {
  const key = `${variables.join(',')}\n${source}`;
  let compiled = programs.get(key);
  if (compiled === undefined) {
    try {
      const program = environmentWith(variables).parse(source);
      const checked = program.check();
      compiled = checked.valid ? (formatCallError(source, program) ?? program) : compileError(source, checked.error);
    } catch (err) {
      compiled = compileError(source, err);
    }
    // Expressions come and go with the objects that hold them: a bounded memory of them.
    if (programs.size >= 2_000) programs.clear();
    programs.set(key, compiled);
  }
  return compiled;
}

/** The variables a webhook's matchConditions are evaluated over. */
export const matchConditionVariables = ['object', 'oldObject', 'request', 'authorizer'] as const;
