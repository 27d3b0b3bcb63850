// Scenarios for the vendored schemas: what schema-driven features (validation, patch, apply,
// completion, hover) read from a kind's schema.
import assert from 'node:assert/strict';
import { openapi, schemaFromOpenAPIV3 } from '../../../../engine/api/schema/index';

const podSpec = () => openapi().forKind('', 'v1', 'Pod')!.property('spec')!;
const container = () => podSpec().property('containers')!.items()!;

describe('openapi schemas', () => {
  it('are Kubernetes 1.36 with every definition of the spec', () => {
    assert.match(openapi().version, /^v1\.36/);
    assert.equal(openapi().definitionNames().length, 771);
    assert.equal(openapi().kinds().length, 311);
  });

  it('resolve a kind to its definition and walk into referenced definitions', () => {
    const deployment = openapi().forKind('apps', 'v1', 'Deployment')!;
    assert.equal(deployment.definition, 'io.k8s.api.apps.v1.Deployment');
    assert.deepEqual(deployment.propertyNames(), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    const template = deployment.property('spec')!.property('template')!;
    assert.equal(template.definition, 'io.k8s.api.core.v1.PodTemplateSpec');
    assert.equal(template.property('spec')!.property('containers')!.items()!.definition, 'io.k8s.api.core.v1.Container');
    assert.deepEqual(deployment.property('spec')!.required, ['selector', 'template']);
    assert.equal(openapi().forKind('apps', 'v1', 'Nope'), undefined);
    assert.equal(openapi().definition('io.k8s.api.core.v1.Nope'), undefined);
  });

  it("describe a field by the field's own description, not its type's", () => {
    const metadata = openapi().forKind('apps', 'v1', 'Deployment')!.property('metadata')!;
    assert.match(metadata.description!, /^Standard object's metadata/);
    assert.match(openapi().definition('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')!.description!, /^ObjectMeta is metadata/);
  });

  it('carry patch strategies, merge keys and list types', () => {
    const containers = podSpec().property('containers')!;
    assert.equal(containers.type, 'array');
    assert.equal(containers.patchStrategy, 'merge');
    assert.equal(containers.patchMergeKey, 'name');
    assert.equal(containers.listType, 'map');
    assert.deepEqual(containers.listMapKeys, ['name']);
    const ports = container().property('ports')!;
    assert.deepEqual(ports.listMapKeys, ['containerPort', 'protocol']);
    assert.equal(openapi().definition('io.k8s.api.core.v1.ConfigMap')!.property('data')!.additionalProperties()!.type, 'string');
  });

  it('recover enums from descriptions, sorted as Kubernetes lists them', () => {
    assert.deepEqual(container().property('imagePullPolicy')!.enum, ['Always', 'IfNotPresent', 'Never']);
    assert.deepEqual(podSpec().property('restartPolicy')!.enum, ['Always', 'Never', 'OnFailure']);
    assert.deepEqual(openapi().definition('io.k8s.api.core.v1.ServicePort')!.property('protocol')!.enum, ['SCTP', 'TCP', 'UDP']);
    // A status type's prose list is not a constraint: NodeAddress.type has values its description omits.
    assert.equal(openapi().definition('io.k8s.api.core.v1.NodeAddress')!.property('type')!.enum, undefined);
  });

  it('mark int-or-string, quantities and formats', () => {
    const targetPort = openapi().definition('io.k8s.api.core.v1.ServicePort')!.property('targetPort')!;
    assert.equal(targetPort.intOrString, true);
    assert.equal(targetPort.type, undefined);
    const limits = container().property('resources')!.property('limits')!.additionalProperties()!;
    assert.equal(limits.format, 'quantity');
    assert.equal(limits.definition, 'io.k8s.apimachinery.pkg.api.resource.Quantity');
    assert.equal(openapi().definition('io.k8s.api.apps.v1.DeploymentSpec')!.property('replicas')!.format, 'int32');
  });

  it('leave open the objects the spec says nothing about', () => {
    assert.equal(openapi().definition('io.k8s.apimachinery.pkg.runtime.RawExtension')!.preserveUnknownFields, true);
  });

  it('hand out the same node for a definition every time', () => {
    assert.equal(openapi().definition('io.k8s.api.core.v1.Container'), openapi().definition('io.k8s.api.core.v1.Container'));
  });

  it('list each REST resource of the path table once', () => {
    const deployments = openapi().resources().filter((r) => r.group === 'apps' && r.version === 'v1' && r.plural === 'deployments');
    assert.equal(deployments.length, 1);
    assert.equal(deployments[0]!.kind, 'Deployment');
  });
});

describe('schemaFromOpenAPIV3', () => {
  it('reads a CRD schema with its extensions and value constraints', () => {
    const schema = schemaFromOpenAPIV3({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          required: ['size'],
          properties: {
            size: { type: 'integer', minimum: 1, maximum: 5, default: 1 },
            port: { 'x-kubernetes-int-or-string': true },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
            extra: { type: 'object', additionalProperties: true },
            hosts: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
          },
        },
      },
    }) as any;
    const spec = schema.property('spec');
    assert.deepEqual(spec.required, ['size']);
    assert.equal(spec.property('size').maximum, 5);
    assert.equal(spec.property('size').default, 1);
    assert.equal(spec.property('port').intOrString, true);
    assert.equal(spec.property('labels').additionalProperties().type, 'string');
    assert.equal(spec.property('extra').additionalProperties().preserveUnknownFields, true);
    assert.equal(spec.property('hosts').listType, 'set');
    assert.equal(spec.property('nope'), undefined);
    assert.equal(schema.definition, undefined);
  });
});
