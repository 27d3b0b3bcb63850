// The cluster network's allocators: node pod CIDRs, pod IPs handed out round-robin, Service cluster IPs.
import assert from 'node:assert/strict';
import { ClusterIPAllocator } from '../../../engine/network/clusterIPAllocator';
import { IPAllocator } from '../../../engine/network/ipAllocator';
import { PodNetwork } from '../../../engine/network/podNetwork';
import { Random } from '../../../engine/util/random';

describe('network', () => {
  it('gives each node its own /24 of 10.244.0.0/16 and an InternalIP, and reuses a departed node\'s once the others are taken', () => {
    const net = new PodNetwork();
    assert.deepEqual([net.attach('control-plane').podCIDR, net.attach('worker-1').podCIDR, net.attach('worker-2').podCIDR], ['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24']);
    assert.deepEqual([net.get('control-plane')!.internalIP, net.get('worker-1')!.internalIP], ['172.18.0.2', '172.18.0.3']);
    assert.equal(net.attach('worker-1'), net.get('worker-1'), 'attaching twice is the same network');
    net.detach('worker-1');
    // As the range allocator's cidrset: the search goes on from the last CIDR handed out, wrapping around.
    assert.equal(net.attach('worker-3').podCIDR, '10.244.3.0/24');
    const small = new PodNetwork('10.244.0.0/22');
    assert.deepEqual(['a', 'b', 'c', 'd'].map((n) => small.attach(n).podCIDR), ['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24', '10.244.3.0/24']);
    small.detach('b');
    assert.equal(small.attach('e').podCIDR, '10.244.1.0/24', 'the freed CIDR, found after wrapping around');
    assert.throws(() => small.attach('f'), /there are no remaining CIDRs left to allocate/);
  });

  it('hands out pod IPs from .2 on, never the one just released, and fails when the range is full', () => {
    const ips = new IPAllocator('10.244.1.0/29');
    assert.deepEqual([ips.allocateNext(), ips.allocateNext()], ['10.244.1.2', '10.244.1.3']);
    ips.release('10.244.1.3');
    assert.equal(ips.allocateNext(), '10.244.1.4', 'host-local moves on round-robin');
    assert.equal(ips.allocateNext(), '10.244.1.5');
    assert.equal(ips.allocateNext(), '10.244.1.6');
    assert.equal(ips.allocateNext(), '10.244.1.3', 'then wraps to a free address');
    assert.throws(() => ips.allocateNext(), /no IP addresses available in range set: 10\.244\.1\.2-10\.244\.1\.6/);
    assert.equal(ips.allocate('10.244.1.7'), false, 'the broadcast address is never a pod\'s');
  });

  it('allocates cluster IPs in 10.96.0.0/12, at random from the upper band, and refuses a taken one', () => {
    const alloc = new ClusterIPAllocator(new Random(3));
    assert.equal(alloc.allocate('10.96.0.1', 'kubernetes'), '10.96.0.1');
    const ip = alloc.allocateNext('web');
    const [a, b, c, d] = ip.split('.').map(Number);
    const offset = ((b! - 96) * 256 + c!) * 256 + d! ;
    assert.equal(a, 10);
    assert.ok(offset >= 256 && offset < 2 ** 20 - 1, `${ip} is in the dynamic band`);
    assert.throws(() => alloc.allocate('10.96.0.1', 'dns'), (err: Error) => err.message === 'Service "dns" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: failed to allocate IP 10.96.0.1: provided IP is already allocated');
    assert.throws(() => alloc.allocate('10.112.0.1', 'dns'), /the provided IP \(10\.112\.0\.1\) is not in the valid range\. The range of valid IPs is 10\.96\.0\.0\/12/);
    alloc.release(ip);
    assert.equal(alloc.has(ip), false);
  });
});
