// The scalars of a manifest resolved as Kubernetes resolves them. kubectl and the API server read YAML
// with go-yaml v2 (YAML 1.1) into untyped maps and then to JSON, which differs from the YAML 1.1
// schema in three ways people meet in real manifests:
// - an unquoted timestamp (`expiration: 2026-12-31T03:22:11Z`, `release-date: 2026-11-30`) stays the
//   string it was written as, because go-yaml hands timestamps to untyped values as their text;
// - base-60 numbers (`window: 02:30`) are plain strings, as go-yaml deliberately does not read them;
// - integers are parsed by Go's strconv with base prefix, so `defaultMode: 0o644` is octal 420;
// - a float needs digits before or after its point (`e1`, `E5` and `.` are strings, where the YAML
//   1.1 schema reads NaN), as go-yaml only reads scalars that start with a digit, a sign or a point
//   and match its float pattern.
import type { ScalarTag, Tags } from 'yaml';

const intTag = 'tag:yaml.org,2002:int';
const floatTag = 'tag:yaml.org,2002:float';

/** go-yaml's float: `1.5`, `.5`, `1.`, `1e3`, `-2.5E-3`, underscores after the first digit. */
const goFloat: ScalarTag = {
  identify: (value) => typeof value === 'number',
  default: true,
  tag: floatTag,
  test: /^[-+]?(?:\.[0-9][0-9_]*|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9][0-9_]*)?$/,
  resolve: (text) => parseFloat(text.replace(/_/g, '')),
};

/** `0o644`: Go's number syntax, which go-yaml applies to every plain scalar that looks numeric. */
const goOctal: ScalarTag = {
  identify: (value) => typeof value === 'number',
  default: true,
  tag: intTag,
  format: 'OCT',
  test: /^[-+]?0[oO][0-7_]+$/,
  resolve: (text) => {
    const sign = text.startsWith('-') ? -1 : 1;
    return sign * parseInt(text.replace(/^[-+]?0[oO]/, '').replace(/_/g, ''), 8);
  },
};

/**
 * Whether go-yaml reads a plain scalar this tag matches the same way (tags may be given by their
 * id). Of the floats only `.inf` and `.nan` stay: the others take scalars go-yaml leaves as text.
 */
function sameInGo(t: Tags[number]): boolean {
  if (typeof t === 'string') return t !== 'timestamp' && t !== 'intTime' && t !== 'floatTime' && t !== 'float' && t !== 'floatExp';
  if (t.tag === floatTag) return !!t.test && !/[0-9]/.test(t.test.source);
  return t.tag !== 'tag:yaml.org,2002:timestamp' && t.format !== 'TIME';
}

function kubernetesTags(tags: Tags): Tags {
  return [...tags.filter(sameInGo), goOctal, goFloat];
}

/** Options for the `yaml` parser that read a manifest the way kubectl and the API server read it. */
export const kubernetesYaml = { version: '1.1', customTags: kubernetesTags } as const;
