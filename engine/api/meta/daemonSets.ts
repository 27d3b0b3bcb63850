// A DaemonSet's template generation: apps/v1 has no field for the spec.templateGeneration of the
// internal type, so kube-apiserver stores and serves it as an annotation, which only the server
// sets (1 on create, one more with each change of the template). The DaemonSet controller labels
// its pods with it.

export const templateGenerationAnnotation = 'deprecated.daemonset.template.generation';

/** GetTemplateGeneration: the annotation's number, or undefined when it is missing or not a number. */
export function templateGenerationOf(ds: { metadata?: { annotations?: Record<string, string> } }): number | undefined {
  const value = ds.metadata?.annotations?.[templateGenerationAnnotation];
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return undefined;
  return Number(value);
}
