// pods/ephemeralcontainers: how `kubectl debug` adds a container to a running pod. Only
// spec.ephemeralContainers changes through it, and an ephemeral container, once added, stays as it is.
import assert from 'node:assert/strict';
import { newCluster, pod, pods, rejects } from './fixture';

describe('pods/ephemeralcontainers', () => {
  async function withPod() {
    const cluster = await newCluster();
    await cluster.namespace('shop');
    await cluster.client.create(pods, 'shop', pod('web', { spec: { automountServiceAccountToken: false } }));
    const patchEphemeral = (containers: object[]) => cluster.client.patch(pods, 'shop', 'web', 'strategic', { spec: { ephemeralContainers: containers } }, {}, 'ephemeralcontainers');
    return { ...cluster, patchEphemeral };
  }
  const debuggerContainer = { name: 'debugger', image: 'busybox', command: ['sh'], stdin: true, tty: true, targetContainerName: 'web' };

  it('adds an ephemeral container, keeps the rest of the pod, and moves the generation', async () => {
    const { client, patchEphemeral } = await withPod();
    const before = client.get(pods, 'shop', 'web');
    const after = (await patchEphemeral([debuggerContainer])).object;
    assert.deepEqual(after.spec.ephemeralContainers, [{ ...debuggerContainer, imagePullPolicy: 'Always', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }]);
    assert.deepEqual({ ...after.spec, ephemeralContainers: undefined }, { ...before.spec, ephemeralContainers: undefined });
    assert.equal(after.metadata.generation, before.metadata.generation + 1);
    // Reading the subresource reads the pod.
    assert.deepEqual(client.get(pods, 'shop', 'web', 'ephemeralcontainers').spec.ephemeralContainers, after.spec.ephemeralContainers);
  });

  it('refuses to change or remove one, and the main endpoint may not touch them', async () => {
    const { client, patchEphemeral } = await withPod();
    await patchEphemeral([debuggerContainer]);
    const stored = client.get(pods, 'shop', 'web').spec.ephemeralContainers[0];
    await rejects(client.update(pods, 'shop', { ...client.get(pods, 'shop', 'web'), spec: { ...client.get(pods, 'shop', 'web').spec, ephemeralContainers: [{ ...stored, image: 'alpine' }] } }, {}, 'ephemeralcontainers'), 422, 'Pod "web" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be changed\n');
    await rejects(client.update(pods, 'shop', { ...client.get(pods, 'shop', 'web'), spec: { ...client.get(pods, 'shop', 'web').spec, ephemeralContainers: [] } }, {}, 'ephemeralcontainers'), 422, 'Pod "web" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be removed\n');
    const current = client.get(pods, 'shop', 'web');
    await rejects(client.update(pods, 'shop', { ...current, spec: { ...current.spec, ephemeralContainers: [...current.spec.ephemeralContainers, { ...stored, name: 'second' }] } }), 422, /pod updates may not change fields other than[^]*changed: spec\.ephemeralContainers/);
  });

  it('refuses what an ephemeral container may not have: ports, probes, resources; an unknown target; a taken name', async () => {
    const { patchEphemeral } = await withPod();
    await rejects(patchEphemeral([{ ...debuggerContainer, ports: [{ containerPort: 80 }], readinessProbe: { tcpSocket: { port: 80 } }, resources: { limits: { cpu: '1' } } }]), 422, /spec\.ephemeralContainers\[0\]\.ports: Forbidden: cannot be set for an Ephemeral Container, spec\.ephemeralContainers\[0\]\.readinessProbe: Forbidden: cannot be set for an Ephemeral Container, spec\.ephemeralContainers\[0\]\.resources: Forbidden: cannot be set for an Ephemeral Container/);
    await rejects(patchEphemeral([{ ...debuggerContainer, targetContainerName: 'nope' }]), 422, /spec\.ephemeralContainers\[0\]\.targetContainerName: Not found: "nope"/);
    await rejects(patchEphemeral([{ ...debuggerContainer, name: 'web' }]), 422, /spec\.ephemeralContainers\[0\]\.name: Duplicate value: "web"/);
  });
});
