// cel-go's compile-time check of string.format: a call on a string literal with a list literal of
// arguments is checked when the expression is compiled, so `"%d".format(["a"])` or
// `"%s %s".format([x])` fails to compile rather than to evaluate. cel-go checks each argument's
// type as its checker infers it; here the type is known for literals (and the calls that make
// values of a type, like `duration("1s")`) and any other argument passes, as `dyn` does in cel-go.
// See https://kubernetes.io/docs/reference/using-api/cel/
import { CelLibraryError } from './errors';
import { interpolate, type Verb } from './strings';
import { celTypeName } from './values';

interface Node {
  readonly op: string;
  readonly args: unknown;
  readonly pos: number;
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && typeof (v as Node).op === 'string';

/** The type of what a call to these functions makes, whatever its arguments. */
const callTypes: Record<string, string> = {
  duration: 'google.protobuf.Duration',
  timestamp: 'google.protobuf.Timestamp',
  string: 'string',
  int: 'int',
  uint: 'uint',
  double: 'double',
  bool: 'bool',
  bytes: 'bytes',
  size: 'int',
  type: 'type',
  quantity: 'kubernetes.Quantity',
  url: 'kubernetes.URL',
  ip: 'net.IP',
  cidr: 'net.CIDR',
  semver: 'kubernetes.Semver',
};

/** A node's type as far as it can be told without the checker; `dyn` otherwise. */
function staticType(node: Node): string {
  switch (node.op) {
    case 'value':
      return celTypeName(node.args);
    case 'list':
      return 'list';
    case 'map':
      return 'map';
    case '-_':
      return isNode(node.args) ? staticType(node.args) : 'dyn';
    case 'call':
      return callTypes[(node.args as [string])[0]] ?? 'dyn';
    default:
      return 'dyn';
  }
}

/** The types each clause accepts (and `dyn`, which is checked when evaluated). */
const accepted: Record<Exclude<Verb, 's'>, readonly string[]> = {
  d: ['int', 'uint'],
  f: ['double', 'string'],
  e: ['double', 'string'],
  b: ['int', 'uint', 'bool'],
  x: ['int', 'uint', 'string', 'bytes'],
  X: ['int', 'uint', 'string', 'bytes'],
  o: ['int', 'uint'],
};

const clauseErrors: Record<Verb, string> = {
  s: 'string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps',
  d: 'decimal clause can only be used on integers',
  f: 'fixed-point clause can only be used on doubles',
  e: 'scientific clause can only be used on doubles',
  b: 'only integers and bools can be formatted as binary',
  x: 'only integers, byte buffers, and strings can be formatted as hex',
  X: 'only integers, byte buffers, and strings can be formatted as hex',
  o: 'octal clause can only be used on integers',
};

const stringable = ['dyn', 'list', 'map', 'int', 'uint', 'double', 'bool', 'string', 'google.protobuf.Timestamp', 'bytes', 'google.protobuf.Duration', 'type', 'null_type'];

/** The first node under `node` (itself, or a list or map member) that `%s` cannot print. */
function unprintable(node: Node): Node | undefined {
  if (!stringable.includes(staticType(node))) return node;
  if (node.op === 'list') return (node.args as Node[]).map(unprintable).find(Boolean);
  if (node.op === 'map') return (node.args as [Node, Node][]).flat().map(unprintable).find(Boolean);
  return undefined;
}

/** A compile error, at the expression it is about. */
class FormatIssue extends CelLibraryError {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

function checkArgument(verb: Verb, arg: Node): void {
  const type = staticType(arg);
  const bad = verb === 's' ? unprintable(arg) : type === 'dyn' || accepted[verb].includes(type) ? undefined : arg;
  if (bad) throw new FormatIssue(`${clauseErrors[verb]}, was given ${staticType(bad)}`, bad.pos);
}

/** Checks one `<literal>.format([…])` call; `open` is where its `(` is. */
function checkCall(format: string, args: readonly Node[], open: number): FormatIssue | undefined {
  let requested = 0;
  try {
    interpolate(
      format,
      args.length,
      (clause, i) => {
        requested++;
        checkArgument(clause.verb, args[i]!);
        return '';
      },
      false,
    );
  } catch (err) {
    // A clause's issue keeps the position of its argument; the call's own are at its `(`.
    if (err instanceof CelLibraryError) return new FormatIssue(err.message, err instanceof FormatIssue ? err.pos : open);
    throw err;
  }
  if (args.length > requested) return new FormatIssue(`too many arguments supplied to string.format (expected ${requested}, got ${args.length})`, open);
  return undefined;
}

function* formatCalls(node: unknown): Generator<{ format: string; list: Node }> {
  if (Array.isArray(node)) {
    for (const n of node) yield* formatCalls(n);
    return;
  }
  if (!isNode(node)) return;
  if (node.op === 'rcall') {
    const [name, receiver, args] = node.args as [string, Node, Node[]];
    if (name === 'format' && receiver.op === 'value' && typeof receiver.args === 'string' && args.length === 1 && args[0]!.op === 'list') {
      yield { format: receiver.args, list: args[0]! };
    }
  }
  yield* formatCalls(node.args);
}

/** The first compile error cel-go reports for a string.format call in the expression, if any. */
export function checkFormatCalls(ast: unknown, source: string): { message: string; pos: number } | undefined {
  for (const { format, list } of formatCalls(ast)) {
    const issue = checkCall(format, list.args as Node[], source.lastIndexOf('(', list.pos));
    if (issue) return { message: issue.message, pos: issue.pos };
  }
  return undefined;
}

