// A CRD's validation rules (`x-kubernetes-validations`), as apiextensions-apiserver checks a custom
// resource against them: each rule is a CEL expression over `self`, the value at its schema node
// (and `oldSelf`, the value it replaces, for a transition rule), evaluated at every node the object
// has a value for. A rule that is false is the node's error, with the rule's message (or
// messageExpression, reason and fieldPath); one that cannot be evaluated says why. On an update, a
// rule without oldSelf that fails where the value did not change is only a warning (ratcheting),
// so an object stored before a rule was added can still be edited elsewhere.
// See https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules
import { Optional, type ParseResult } from '@marcbachmann/cel-js';
import { fieldError, type FieldError, FieldPath } from '../../errors';
import type { SchemaConstraints, SchemaNode } from '../../schema/node';
import { celMessage, compileExpression } from './environment';

type Rule = NonNullable<SchemaConstraints['validations']>[number] & { readonly optionalOldSelf?: boolean };

interface CompiledRule {
  readonly rule: Rule;
  readonly program?: ParseResult;
  readonly messageProgram?: ParseResult;
  /** Why the rule (or its messageExpression) does not compile. */
  readonly error?: string;
  readonly usesOldSelf: boolean;
}

const compiledByNode = new WeakMap<SchemaNode, readonly CompiledRule[]>();

function rulesOf(node: SchemaNode): readonly Rule[] {
  return ((node as SchemaNode & SchemaConstraints).validations ?? []) as readonly Rule[];
}

/** Whether an expression names `oldSelf` anywhere (a transition rule). */
function mentionsOldSelf(ast: unknown): boolean {
  if (Array.isArray(ast)) return ast.some(mentionsOldSelf);
  if (!ast || typeof ast !== 'object') return false;
  const node = ast as { op?: string; args?: unknown };
  if (node.op === 'id' && node.args === 'oldSelf') return true;
  return mentionsOldSelf(node.args);
}

/** Compiles one rule: syntax, and references to nothing but self and oldSelf. */
export function compileRule(rule: Rule): CompiledRule {
  const compile = (source: string) => compileExpression(source, ['self', 'oldSelf']);
  if (!rule.rule?.trim()) return { rule, usesOldSelf: false };
  const program = compile(rule.rule);
  if (typeof program === 'string') return { rule, error: program, usesOldSelf: false };
  const messageProgram = rule.messageExpression ? compile(rule.messageExpression) : undefined;
  if (typeof messageProgram === 'string') return { rule, error: `messageExpression ${messageProgram}`, usesOldSelf: false };
  return { rule, program, ...(messageProgram ? { messageProgram } : {}), usesOldSelf: mentionsOldSelf(program.ast) };
}

function compiled(node: SchemaNode): readonly CompiledRule[] {
  let rules = compiledByNode.get(node);
  if (!rules) {
    rules = rulesOf(node).map(compileRule);
    compiledByNode.set(node, rules);
  }
  return rules;
}

/**
 * The value as CEL sees it at a node of this schema (UnstructuredToVal): integers as ints, other
 * numbers as doubles, date-time strings as timestamps; where the schema does not say (int-or-string,
 * preserved unknown fields), a whole number is an int.
 */
export function celValue(value: unknown, node: SchemaNode | undefined): unknown {
  if (typeof value === 'number') {
    if (node?.type === 'number') return value;
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  if (typeof value === 'string' && node?.type === 'string' && node.format === 'date-time') {
    const at = new Date(value);
    return Number.isNaN(at.getTime()) ? value : at;
  }
  if (Array.isArray(value)) return value.map((v) => celValue(v, node?.items()));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const additional = node?.additionalProperties();
    for (const [k, v] of Object.entries(value)) out[k] = celValue(v, node?.property(k) ?? additional);
    return out;
  }
  return value;
}

function typeName(node: SchemaNode): string {
  return node.type ?? (node.intOrString ? 'integer' : 'object');
}

/** The error a false rule gives, by its reason (FieldValueInvalid unless it says otherwise). */
function ruleError(path: FieldPath, node: SchemaNode, rule: Rule, detail: string): FieldError {
  switch (rule.reason) {
    case 'FieldValueForbidden':
      return fieldError.forbidden(path, detail);
    case 'FieldValueRequired':
      return fieldError.required(path, detail);
    case 'FieldValueDuplicate':
      return fieldError.duplicate(path, typeName(node));
    default:
      return fieldError.invalid(path, typeName(node), detail);
  }
}

/** `.spec.replicas`, `.spec['a.b']` as a path under `base`. */
function underFieldPath(base: FieldPath, fieldPath: string): FieldPath {
  let path = base;
  for (const m of fieldPath.matchAll(/\.([^.[\]]+)|\['((?:[^'\\]|\\.)*)'\]/g)) path = m[1] !== undefined ? path.child(m[1]) : path.child(m[2]!.replace(/\\(.)/g, '$1'));
  return path;
}

const ruleText = (rule: Rule) => (rule.message?.trim() ? rule.message.trim() : rule.rule.trim());

interface Outcome {
  readonly errors: FieldError[];
  readonly warnings: FieldError[];
}

/** Checks `value` (and what lies under it) against the rules of `node` and the nodes below it. */
function check(node: SchemaNode, value: unknown, old: unknown, path: FieldPath, out: Outcome): void {
  if (value === null || value === undefined) return;
  const rules = compiled(node);
  if (rules.length) {
    const unchanged = old !== undefined && JSON.stringify(value) === JSON.stringify(old);
    const self = celValue(value, node);
    const oldSelf = old === undefined ? undefined : celValue(old, node);
    for (const c of rules) {
      if (c.error) {
        out.errors.push(fieldError.invalid(path, typeName(node), `rule compile error: ${c.error}`));
        continue;
      }
      if (!c.program) continue;
      if (c.usesOldSelf && old === undefined && !c.rule.optionalOldSelf) continue;
      const vars = { self, oldSelf: c.rule.optionalOldSelf ? (old === undefined ? Optional.none() : Optional.of(oldSelf)) : oldSelf };
      let result: unknown;
      try {
        result = c.program(vars);
      } catch (err) {
        const why = celMessage(err);
        const detail = /^no such overload/i.test(why)
          ? `'${why}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleText(c.rule)}`
          : `${why} evaluating rule: ${ruleText(c.rule)}`;
        out.errors.push(fieldError.invalid(path, typeName(node), detail));
        continue;
      }
      if (result === true) continue;
      const at = c.rule.fieldPath ? underFieldPath(path, c.rule.fieldPath) : path;
      let detail = c.rule.message?.trim() ? c.rule.message.trim() : `failed rule: ${c.rule.rule.trim()}`;
      if (c.messageProgram) {
        try {
          const message = c.messageProgram(vars);
          if (typeof message === 'string' && message.trim() && !message.includes('\n')) detail = message.trim();
        } catch {
          // A messageExpression that fails leaves the rule's message, as kube-apiserver does.
        }
      }
      const error = ruleError(at, node, c.rule, detail);
      (unchanged && !c.usesOldSelf ? out.warnings : out.errors).push(error);
    }
  }
  if (Array.isArray(value)) {
    const items = node.items();
    if (!items) return;
    const keys = node.listType === 'map' ? (node.listMapKeys ?? []) : undefined;
    const olds = Array.isArray(old) ? old : [];
    value.forEach((item, i) => {
      // Only the items of a map-type list are matched with the ones they replace, by their keys.
      const before = keys?.length ? olds.find((o) => keys.every((k) => JSON.stringify(o?.[k]) === JSON.stringify(item?.[k]))) : undefined;
      check(items, item, before, path.index(i), out);
    });
    return;
  }
  if (typeof value === 'object') {
    const correlated = node.mapType !== 'atomic' && old && typeof old === 'object' && !Array.isArray(old) ? (old as Record<string, unknown>) : undefined;
    const additional = node.additionalProperties();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const property = node.property(k);
      const child = property ?? additional;
      if (child) check(child, v, correlated?.[k], property ? path.child(k) : path.key(k), out);
    }
  }
}

/**
 * The rules' verdict on a custom resource, `old` being the object it replaces on an update:
 * errors, and the warnings of rules that fail only where nothing changed.
 */
export function validateRules(schema: SchemaNode, obj: unknown, old?: unknown): Outcome {
  const out: Outcome = { errors: [], warnings: [] };
  check(schema, obj, old, FieldPath.root(), out);
  return out;
}

const carriesRules = new WeakMap<SchemaNode, boolean>();

/** Whether any node of the schema carries rules (most CRDs have none: nothing to walk). */
export function hasRules(schema: SchemaNode): boolean {
  let answer = carriesRules.get(schema);
  if (answer === undefined) {
    answer = anyRules(schema, new Set());
    carriesRules.set(schema, answer);
  }
  return answer;
}

function anyRules(schema: SchemaNode, seen: Set<SchemaNode>): boolean {
  if (seen.has(schema)) return false;
  seen.add(schema);
  if (rulesOf(schema).length) return true;
  const children = [...schema.propertyNames().map((n) => schema.property(n)), schema.additionalProperties(), schema.items()];
  return children.some((c) => c !== undefined && anyRules(c, seen));
}
