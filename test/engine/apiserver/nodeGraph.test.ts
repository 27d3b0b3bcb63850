// The Node authorizer's graph over a real API server: a kubelet may read a Secret or ConfigMap only
// while a pod bound to its node uses it, and may write only its own pods' status — through pod
// creation, binding, status writes, deletion and a new pod that takes the old one's name.
import assert from 'node:assert/strict';
import { configmaps, newCluster, pod, pods, rejects, secrets } from './fixture';

const bind = (name: string, node: string) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } });

describe('Node authorizer graph', () => {
  it('follows each pod from binding through status writes to deletion, and a new pod of the same name on another node', async () => {
    const { client, kubelet, namespace } = await newCluster();
    await namespace('shop');
    await client.create(secrets, 'shop', { metadata: { name: 'token-a' }, stringData: { t: 'a' } });
    await client.create(configmaps, 'shop', { metadata: { name: 'settings-b' }, data: { k: 'b' } });
    const withSecret = pod('api', { spec: { automountServiceAccountToken: false, volumes: [{ name: 's', secret: { secretName: 'token-a' } }] }, container: { volumeMounts: [{ name: 's', mountPath: '/s' }] } });
    await client.create(pods, 'shop', withSecret);
    // Not bound yet: no kubelet may read what it uses.
    await rejects(() => kubelet('worker-1').get(secrets, 'shop', 'token-a'), 403);
    await client.create(pods, 'shop', bind('api', 'worker-1'), {}, { name: 'api', subresource: 'binding' });
    assert.equal(kubelet('worker-1').get(secrets, 'shop', 'token-a').metadata.name, 'token-a');
    await rejects(() => kubelet('worker-2').get(secrets, 'shop', 'token-a'), 403);
    // Status writes of the bound pod: only its own node's kubelet.
    for (let i = 0; i < 3; i++) await kubelet('worker-1').patch(pods, 'shop', 'api', 'merge', { status: { message: `report ${i}` } }, {}, 'status');
    await rejects(kubelet('worker-2').patch(pods, 'shop', 'api', 'merge', { status: { message: 'not mine' } }, {}, 'status'), 403);
    assert.equal(kubelet('worker-1').get(secrets, 'shop', 'token-a').metadata.name, 'token-a');

    // The pod goes; a new one takes its name, uses a ConfigMap instead, and lands on worker-2.
    await client.delete(pods, 'shop', 'api', { gracePeriodSeconds: 0 });
    await rejects(() => kubelet('worker-1').get(secrets, 'shop', 'token-a'), 403);
    await client.create(pods, 'shop', pod('api', { spec: { automountServiceAccountToken: false, volumes: [{ name: 'c', configMap: { name: 'settings-b' } }] }, container: { volumeMounts: [{ name: 'c', mountPath: '/c' }] } }));
    await client.create(pods, 'shop', bind('api', 'worker-2'), {}, { name: 'api', subresource: 'binding' });
    await kubelet('worker-2').patch(pods, 'shop', 'api', 'merge', { status: { message: 'mine now' } }, {}, 'status');
    await rejects(kubelet('worker-1').patch(pods, 'shop', 'api', 'merge', { status: { message: 'not any more' } }, {}, 'status'), 403);
    assert.equal(kubelet('worker-2').get(configmaps, 'shop', 'settings-b').metadata.name, 'settings-b');
    await rejects(() => kubelet('worker-1').get(configmaps, 'shop', 'settings-b'), 403);
    await rejects(() => kubelet('worker-2').get(secrets, 'shop', 'token-a'), 403);
  });
});
