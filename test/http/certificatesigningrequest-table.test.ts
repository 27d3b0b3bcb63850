// `kubectl get csr`: the columns kube-apiserver's printer (printCertificateSigningRequest) gives
// CertificateSigningRequests, with its condition summary and requested duration.

import assert from 'node:assert/strict';
import { toTable } from '../../engine/http/table';

const now = Date.UTC(2026, 10, 23, 12);
const csr = (spec: Record<string, unknown>, status?: Record<string, unknown>) => ({
  metadata: { name: 'jane', creationTimestamp: '2026-11-23T11:00:00Z' },
  spec: { request: 'LS0t', usages: ['client auth'], username: 'system:admin', ...spec },
  ...(status ? { status } : {}),
});
const cells = (obj: Record<string, unknown>) => toTable('certificates.k8s.io', 'certificatesigningrequests', [obj], {}, { include: 'None', now }).rows[0].cells;

describe('CertificateSigningRequest table', () => {
  it('has the columns kubectl shows', () => {
    const table = toTable('certificates.k8s.io', 'certificatesigningrequests', [], {}, { include: 'None', now });
    assert.deepEqual(
      table.columnDefinitions.map((c: any) => c.name),
      ['Name', 'Age', 'SignerName', 'Requestor', 'RequestedDuration', 'Condition'],
    );
    assert.match(table.columnDefinitions[2].description, /signerName indicates the requested signer/);
  });

  it('prints the signer, the requestor and the requested duration, <none> when unset', () => {
    assert.deepEqual(cells(csr({ signerName: 'kubernetes.io/kube-apiserver-client', expirationSeconds: 86400 })), ['jane', '60m', 'kubernetes.io/kube-apiserver-client', 'system:admin', '24h', 'Pending']);
    assert.deepEqual(cells(csr({ expirationSeconds: 600 })).slice(2, 5), ['<none>', 'system:admin', '10m']);
    assert.deepEqual(cells(csr({ signerName: 'example.com/x' })).slice(4), ['<none>', 'Pending']);
  });

  it('summarizes the conditions as extractCSRStatus does', () => {
    const condition = (...types: string[]) => cells(csr({ signerName: 'example.com/x' }, { conditions: types.map((type) => ({ type, status: 'True' })) }))[5];
    assert.equal(condition('Approved'), 'Approved');
    assert.equal(condition('Denied'), 'Denied');
    assert.equal(condition('Approved', 'Denied'), 'Denied');
    assert.equal(condition('Approved', 'Failed'), 'Approved,Failed');
    assert.equal(condition('Failed'), 'Pending,Failed');
    assert.equal(cells(csr({ signerName: 'example.com/x' }, { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0t' }))[5], 'Approved,Issued');
  });
});
