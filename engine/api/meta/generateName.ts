// metadata.generateName → metadata.name, as the API server's SimpleNameGenerator does it: the base
// cut to 58 characters and five random characters from Kubernetes' alphabet appended.
import type { Random } from '../../util/random';

/** Names generated from a prefix stay within a DNS label (63) so they fit every kind's name rule. */
const maxNameLength = 63;
const randomLength = 5;
export const maxGeneratedNameLength = maxNameLength - randomLength;

export function generateName(base: string, random: Random): string {
  return (base.length > maxGeneratedNameLength ? base.slice(0, maxGeneratedNameLength) : base) + random.suffix(randomLength);
}
