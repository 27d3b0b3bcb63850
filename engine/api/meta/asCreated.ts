// An object as the API server validates it on create (rest.BeforeCreate), for tools that judge a
// manifest before it is sent: the namespace of a cluster-scoped kind is dropped (charts often render
// one on ClusterRoles; the server ignores it), and a name is generated from generateName when none is
// given. Field paths are unchanged, so errors found in the result still point into the manifest.
import { kinds } from '../kinds/index';
import { maxGeneratedNameLength } from './generateName';

/** Stands in for the five random characters SimpleNameGenerator appends (from its alphabet). */
const placeholderSuffix = 'b2d4f';

export function asCreated(object: unknown): unknown {
  if (!object || typeof object !== 'object' || Array.isArray(object)) return object;
  const o = object as Record<string, unknown>;
  const meta = o['metadata'];
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return object;
  const { namespace, ...rest } = meta as Record<string, unknown>;
  const info = typeof o['apiVersion'] === 'string' && typeof o['kind'] === 'string' ? kinds().lookup(o['apiVersion'], o['kind']) : undefined;
  const dropNamespace = info?.namespaced === false && typeof namespace === 'string' && namespace !== '';
  const generateName = rest['generateName'];
  const generate = !rest['name'] && typeof generateName === 'string' && generateName !== '';
  if (!dropNamespace && !generate) return object;
  const name = generate ? { name: `${generateName.slice(0, maxGeneratedNameLength)}${placeholderSuffix}` } : {};
  return { ...o, metadata: { ...(dropNamespace ? rest : (meta as Record<string, unknown>)), ...name } };
}
