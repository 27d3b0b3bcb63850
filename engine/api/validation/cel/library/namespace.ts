// A function namespace such as `sets.` or `strings.`: cel-go declares `sets.contains` as a function
// with a dotted name, while the evaluator here only knows methods. So each namespace is a constant
// of its own type, and its functions are methods of that type (`sets.contains(a, b)` calls
// `contains` on the constant `sets`), the way the evaluator provides `optional.of`.
// See https://kubernetes.io/docs/reference/using-api/cel/
import type { Environment } from '@marcbachmann/cel-js';

/** Declares `name` as a namespace in env; returns the type its functions are methods of. */
export function registerNamespace(env: Environment, name: string): string {
  const typeName = `${name.charAt(0).toUpperCase()}${name.slice(1)}Namespace`;
  // A class per namespace: the evaluator tells types apart by their constructor.
  const Namespace = { [typeName]: class {} }[typeName]!;
  env.registerType(typeName, Namespace).registerConstant(name, typeName, new Namespace());
  return typeName;
}
