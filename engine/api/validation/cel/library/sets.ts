// cel-go's sets extension, which Kubernetes enables: `sets.contains(a, b)` (every element of b is in a),
// `sets.equivalent(a, b)` (each contains the other, sizes aside) and `sets.intersects(a, b)`, with
// CEL equality (`1`, `1u` and `1.0` are the same element).
// See https://kubernetes.io/docs/reference/using-api/cel/
import type { Environment } from '@marcbachmann/cel-js';
import { registerNamespace } from './namespace';
import { celContains } from './values';

const contains = (list: readonly unknown[], sublist: readonly unknown[]): boolean => sublist.every((v) => celContains(list, v));

export function registerSetsLibrary(env: Environment): void {
  const sets = registerNamespace(env, 'sets');
  env
    .registerFunction(`${sets}.contains(list, list): bool`, (_: unknown, a: unknown[], b: unknown[]) => contains(a, b))
    .registerFunction(`${sets}.equivalent(list, list): bool`, (_: unknown, a: unknown[], b: unknown[]) => contains(a, b) && contains(b, a))
    .registerFunction(`${sets}.intersects(list, list): bool`, (_: unknown, a: unknown[], b: unknown[]) => a.some((v) => celContains(b, v)));
}
