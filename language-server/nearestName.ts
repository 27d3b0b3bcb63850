// "Did you mean": the candidate closest to a misspelt name, if it is close enough to be a typo.
import { distance } from '../engine/api/kinds/index';

/**
 * The nearest candidate to `typed`, within a third of its length in edits (at least one); the first
 * of equally near ones. Undefined when nothing is that close.
 */
export function nearestName(typed: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(typed.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(typed, c);
    if (d < bestDistance && d <= limit && c !== typed) [best, bestDistance] = [c, d];
  }
  return best;
}
