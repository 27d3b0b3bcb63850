// latest-tag: an image without a tag or tagged `latest` runs whatever was pushed last.
import { findingsPerContainer, podKinds } from './podSpecs';
import type { LintRule } from './types';

/** The tag of an image reference (`registry:5000/app:1.2@sha256:…` → `1.2`), or undefined when it has none. */
function tagOf(image: string): string | undefined {
  const name = image.split('@')[0]!;
  const colon = name.lastIndexOf(':');
  // A colon before the last slash belongs to the registry's port, not to a tag.
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
}

export const latestTag: LintRule = {
  id: 'latest-tag',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A container image without a tag or with the tag `latest`.',
  description:
    'Without a pinned tag, each node pulls whatever the registry holds when a pod starts there: replicas of one Deployment can run different code, and a rollback does not bring back the old image. Pin a version tag, or a digest (`@sha256:…`). There is no quick fix: only you know the version.',
  docs: 'https://kubernetes.io/docs/concepts/containers/images/#image-names',
  appliesTo: podKinds,
  check(object, { kind }) {
    return findingsPerContainer(kind, object, ({ path, container, label }, findings) => {
      const image = container.image;
      if (typeof image !== 'string' || image === '' || image.includes('@')) return;
      const tag = tagOf(image);
      if (tag === undefined) findings.push({ path: [...path, 'image'], message: `${label} uses image "${image}" without a tag: it runs whatever \`latest\` is when the pod starts` });
      else if (tag === 'latest') findings.push({ path: [...path, 'image'], message: `${label} uses the tag "latest": pin a version so every replica runs the same image` });
    });
  },
};
