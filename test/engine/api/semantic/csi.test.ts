// CSIDriver, CSINode, VolumeAttachment, CSIStorageCapacity and VolumeAttributesClass: what the API server
// defaults and refuses, with the exact field paths and messages kube-apiserver returns, on create and update.

import assert from 'node:assert/strict';
import { applyDefaults } from '../../../../engine/api/defaults/index.js';
import { formatFieldError } from '../../../../engine/api/errors.js';
import { validateSemantics, type KindRef } from '../../../../engine/api/validation/semantic/index.js';
import { labelValueMsg, qualifiedNameMsg, subdomainMsg } from './messages.js';

type Obj = Record<string, any>;

const group = 'storage.k8s.io';
const kindRef = (kind: string, namespaced = false): KindRef => ({ group, version: 'v1', kind, namespaced });
const csiDriver = kindRef('CSIDriver');
const csiNode = kindRef('CSINode');
const attachment = kindRef('VolumeAttachment');
const capacity = kindRef('CSIStorageCapacity', true);
const vac = kindRef('VolumeAttributesClass');

/** As the API server sees an object: defaulted, then validated (against the stored object on update). */
const errors = (kind: KindRef, obj: Obj, old?: Obj, subresource?: string): string[] =>
  validateSemantics(applyDefaults(obj), kind, old && applyDefaults(old), subresource).map(formatFieldError);

/** A copy of `base` changed by `edit`. */
function edited(base: Obj, edit: (o: Obj) => void): Obj {
  const o = structuredClone(base);
  edit(o);
  return o;
}

const subdomain = (path: string, value: string): string => `${path}: Invalid value: ${JSON.stringify(value)}: ${subdomainMsg}`;

// ---- CSIDriver ----

const driver = (): Obj => ({ apiVersion: `${group}/v1`, kind: 'CSIDriver', metadata: { name: 'ebs.csi.aws.com' }, spec: {} });

describe('CSIDriver defaults', () => {
  it('fills in the spec as SetDefaults_CSIDriver does', () => {
    assert.deepEqual(applyDefaults(driver()).spec, {
      attachRequired: true,
      podInfoOnMount: false,
      storageCapacity: false,
      fsGroupPolicy: 'ReadWriteOnceWithFSType',
      volumeLifecycleModes: ['Persistent'],
      requiresRepublish: false,
      seLinuxMount: false,
    });
  });

  it('keeps what is set, and defaults an empty lifecycle mode list', () => {
    const out = applyDefaults(edited(driver(), (d) => (d.spec = { attachRequired: false, fsGroupPolicy: 'File', volumeLifecycleModes: [], seLinuxMount: true })));
    assert.equal(out.spec.attachRequired, false);
    assert.equal(out.spec.fsGroupPolicy, 'File');
    assert.deepEqual(out.spec.volumeLifecycleModes, ['Persistent']);
    assert.equal(out.spec.seLinuxMount, true);
  });
});

describe('CSIDriver validation', () => {
  it('accepts a driver with every field set', () => {
    const d = edited(driver(), (x) => {
      x.spec = {
        attachRequired: false,
        podInfoOnMount: true,
        storageCapacity: true,
        fsGroupPolicy: 'None',
        volumeLifecycleModes: ['Persistent', 'Ephemeral'],
        tokenRequests: [{ audience: 'vault' }, { audience: '', expirationSeconds: 3600 }],
        requiresRepublish: true,
        seLinuxMount: true,
        nodeAllocatableUpdatePeriodSeconds: 60,
      };
    });
    assert.deepEqual(errors(csiDriver, d), []);
  });

  const cases: [string, (d: Obj) => void, string[]][] = [
    ['a name that is not a DNS subdomain', (d) => (d.metadata.name = 'Bad_Driver'), [subdomain('metadata.name', 'Bad_Driver')]],
    ['an unknown fsGroupPolicy', (d) => (d.spec.fsGroupPolicy = 'Always'), ['spec.fsGroupPolicy: Unsupported value: "Always": supported values: "File", "None", "ReadWriteOnceWithFSType"']],
    ['an unknown lifecycle mode', (d) => (d.spec.volumeLifecycleModes = ['Persistent', 'Shared']), ['spec.volumeLifecycleModes: Unsupported value: "Shared": supported values: "Persistent", "Ephemeral"']],
    ['two token requests for one audience', (d) => (d.spec.tokenRequests = [{ audience: 'vault' }, { audience: 'vault', expirationSeconds: 1 }]), ['spec.tokenRequests[1].audience: Duplicate value: "vault"']],
    ['a token shorter than ten minutes', (d) => (d.spec.tokenRequests = [{ audience: 'a', expirationSeconds: 599 }]), ['spec.tokenRequests[0].expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes']],
    [
      'a token longer than 2^32 seconds',
      (d) => (d.spec.tokenRequests = [{ audience: 'a', expirationSeconds: 4294967297 }]),
      ['spec.tokenRequests[0].expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds'],
    ],
    ['an update period under ten seconds', (d) => (d.spec.nodeAllocatableUpdatePeriodSeconds = 9), ['spec.nodeAllocatableUpdatePeriodSeconds: Invalid value: 9: must be greater than or equal to 10 seconds']],
  ];
  for (const [scenario, edit, expected] of cases) {
    it(`rejects ${scenario}`, () => assert.deepEqual(errors(csiDriver, edited(driver(), edit)), expected));
  }

  it('requires the defaulted fields when they reach validation unset', () => {
    const raw = edited(driver(), (d) => (d.spec = { fsGroupPolicy: 'File' }));
    assert.deepEqual(validateSemantics(raw, csiDriver).map(formatFieldError), [
      'spec.attachedRequired: Required value',
      'spec.podInfoOnMount: Required value',
      'spec.storageCapacity: Required value',
      'spec.seLinuxMount: Required value',
    ]);
  });
});

describe('CSIDriver on update', () => {
  const stored = driver();

  it('lets fsGroupPolicy, podInfoOnMount, storageCapacity, tokenRequests and seLinuxMount change', () => {
    const next = edited(stored, (d) => (d.spec = { fsGroupPolicy: 'File', podInfoOnMount: true, storageCapacity: true, tokenRequests: [{ audience: 'x' }], seLinuxMount: true }));
    assert.deepEqual(errors(csiDriver, next, stored), []);
  });

  it('keeps attachRequired, under the path Kubernetes spells attachedRequired', () => {
    assert.deepEqual(errors(csiDriver, edited(stored, (d) => (d.spec.attachRequired = false)), stored), ['spec.attachedRequired: Invalid value: false: field is immutable']);
  });

  it('keeps volumeLifecycleModes', () => {
    assert.deepEqual(errors(csiDriver, edited(stored, (d) => (d.spec.volumeLifecycleModes = ['Ephemeral'])), stored), [
      'spec.volumeLifecycleModes: Invalid value: ["Ephemeral"]: field is immutable',
    ]);
  });

  it('still checks the spec', () => {
    assert.deepEqual(errors(csiDriver, edited(stored, (d) => (d.spec.fsGroupPolicy = 'Sometimes')), stored), [
      'spec.fsGroupPolicy: Unsupported value: "Sometimes": supported values: "File", "None", "ReadWriteOnceWithFSType"',
    ]);
  });
});

// ---- CSINode ----

const node = (): Obj => ({
  apiVersion: `${group}/v1`,
  kind: 'CSINode',
  metadata: { name: 'node-1' },
  spec: { drivers: [{ name: 'ebs.csi.aws.com', nodeID: 'i-0123', topologyKeys: ['topology.kubernetes.io/zone'], allocatable: { count: 25 } }] },
});
const longName = `${'a'.repeat(60)}.com`;

describe('CSINode validation', () => {
  it('accepts a node with a driver, and one with none', () => {
    assert.deepEqual(errors(csiNode, node()), []);
    assert.deepEqual(errors(csiNode, edited(node(), (n) => (n.spec.drivers = []))), []);
  });

  it('allows a node ID of 256 characters (the strategy allows long IDs)', () => {
    assert.deepEqual(errors(csiNode, edited(node(), (n) => (n.spec.drivers[0].nodeID = 'x'.repeat(256)))), []);
  });

  const cases: [string, (n: Obj) => void, string[]][] = [
    ['a driver without a name', (n) => (n.spec.drivers[0].name = ''), ['spec.drivers[0].name: Required value', subdomain('spec.drivers[0].name', '')]],
    ['a driver name over 63 bytes', (n) => (n.spec.drivers[0].name = longName), ['spec.drivers[0].name: Too long: may not be more than 63 bytes']],
    ['a driver name that is not a subdomain', (n) => (n.spec.drivers[0].name = 'EBS_csi'), [subdomain('spec.drivers[0].name', 'EBS_csi')]],
    ['a driver without a node ID', (n) => (n.spec.drivers[0].nodeID = ''), ['spec.drivers[0].nodeID: Required value']],
    ['a node ID over 256 characters', (n) => (n.spec.drivers[0].nodeID = 'x'.repeat(257)), [`spec.drivers[0].nodeID: Invalid value: "${'x'.repeat(257)}": must be 256 characters or less`]],
    ['a negative allocatable count', (n) => (n.spec.drivers[0].allocatable.count = -1), ['spec.drivers[0].allocatable.count: Invalid value: -1: must be greater than or equal to 0']],
    ['the same driver twice', (n) => n.spec.drivers.push({ ...n.spec.drivers[0], nodeID: 'other' }), ['spec.drivers[1].name: Duplicate value: "ebs.csi.aws.com"']],
    ['a repeated topology key', (n) => n.spec.drivers[0].topologyKeys.push('topology.kubernetes.io/zone'), ['spec.drivers[0]: Duplicate value: "topology.kubernetes.io/zone"']],
    ['an empty topology key', (n) => (n.spec.drivers[0].topologyKeys = ['']), ['spec.drivers[0]: Required value', `spec.drivers[0]: Invalid value: "": name part must be non-empty`, `spec.drivers[0]: Invalid value: "": ${qualifiedNameMsg}`]],
    ['a topology key that is not a qualified name', (n) => (n.spec.drivers[0].topologyKeys = ['zone!']), [`spec.drivers[0]: Invalid value: "zone!": ${qualifiedNameMsg}`]],
  ];
  for (const [scenario, edit, expected] of cases) {
    it(`rejects ${scenario}`, () => assert.deepEqual(errors(csiNode, edited(node(), edit)), expected));
  }
});

describe('CSINode on update', () => {
  const stored = node();

  it('lets the allocatable count change, and drivers come and go', () => {
    assert.deepEqual(errors(csiNode, edited(stored, (n) => (n.spec.drivers[0].allocatable = { count: 10 })), stored), []);
    assert.deepEqual(errors(csiNode, edited(stored, (n) => (n.spec.drivers = [{ name: 'other.csi.io', nodeID: 'n1' }])), stored), []);
  });

  it('keeps a registered driver otherwise fixed', () => {
    assert.deepEqual(errors(csiNode, edited(stored, (n) => (n.spec.drivers[0].nodeID = 'i-9999')), stored), [
      'spec.drivers: Invalid value: {"Name":"ebs.csi.aws.com","NodeID":"i-9999","TopologyKeys":["topology.kubernetes.io/zone"],"Allocatable":null}: field is immutable',
    ]);
  });
});

// ---- VolumeAttachment ----

const va = (): Obj => ({
  apiVersion: `${group}/v1`,
  kind: 'VolumeAttachment',
  metadata: { name: 'csi-0123' },
  spec: { attacher: 'ebs.csi.aws.com', source: { persistentVolumeName: 'pv-1' }, nodeName: 'node-1' },
});
const inline = (): Obj => ({ accessModes: ['ReadWriteOnce'], csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-1' } });

describe('VolumeAttachment validation', () => {
  it('accepts an attachment of a persistent volume, and of an inline CSI volume', () => {
    assert.deepEqual(errors(attachment, va()), []);
    assert.deepEqual(errors(attachment, edited(va(), (v) => (v.spec.source = { inlineVolumeSpec: inline() }))), []);
  });

  const cases: [string, (v: Obj) => void, string[]][] = [
    ['no attacher', (v) => (v.spec.attacher = ''), ['spec.attacher: Required value', subdomain('spec.attacher', '')]],
    ['an attacher that is not a CSI driver name', (v) => (v.spec.attacher = 'ebs_csi'), [subdomain('spec.attacher', 'ebs_csi')]],
    ['an attacher over 63 bytes', (v) => (v.spec.attacher = longName), ['spec.attacher: Too long: may not be more than 63 bytes']],
    ['no source', (v) => (v.spec.source = {}), ['spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName']],
    ['both sources', (v) => (v.spec.source.inlineVolumeSpec = inline()), ['spec.source: Forbidden: must specify exactly one of inlineVolumeSpec and persistentVolumeName']],
    [
      'an empty persistent volume name',
      (v) => (v.spec.source.persistentVolumeName = ''),
      ['spec.source.persistentVolumeName: Required value: must specify non empty persistentVolumeName', subdomain('spec.source.persistentVolumeName', '')],
    ],
    ['a persistent volume name that is not a subdomain', (v) => (v.spec.source.persistentVolumeName = 'PV_1'), [subdomain('spec.source.persistentVolumeName', 'PV_1')]],
    ['no node name', (v) => (v.spec.nodeName = ''), [subdomain('spec.nodeName', '')]],
    ['a node name that is not a subdomain', (v) => (v.spec.nodeName = 'Node_1'), [subdomain('spec.nodeName', 'Node_1')]],
    [
      'a negative attach error code',
      (v) => (v.status = { attached: false, attachError: { message: 'x', errorCode: -1 } }),
      ['status.attachError.errorCode: Invalid value: -1: must be between 0 and 2147483647, inclusive'],
    ],
    ['a detach error message over 1024 bytes', (v) => (v.status = { attached: true, detachError: { message: 'x'.repeat(1025) } }), ['status.detachError.message: Too long: may not be more than 262144 bytes']],
    ['attachment metadata over 256 KiB', (v) => (v.status = { attached: true, attachmentMetadata: { k: 'x'.repeat(262144) } }), ['status.attachmentMetadata: Too long: may not be more than 262144 bytes']],
  ];
  for (const [scenario, edit, expected] of cases) {
    it(`rejects ${scenario}`, () => assert.deepEqual(errors(attachment, edited(va(), edit)), expected));
  }

  const inlineCases: [string, (s: Obj) => void, string[]][] = [
    ['a claimRef', (s) => (s.claimRef = { name: 'c' }), ['spec.source.inlineVolumeSpec.claimRef: Forbidden: may not be specified in the context of inline volumes']],
    ['a capacity', (s) => (s.capacity = { storage: '1Gi' }), ['spec.source.inlineVolumeSpec.capacity: Forbidden: may not be specified in the context of inline volumes']],
    [
      'a source other than csi',
      (s) => {
        delete s.csi;
        s.nfs = { server: 'nfs', path: '/' };
      },
      ['spec.source.inlineVolumeSpec.csi: Required value: has to be specified in the context of inline volumes'],
    ],
    ['a second source', (s) => (s.hostPath = { path: '/data' }), ['spec.source.inlineVolumeSpec.csi: Forbidden: may not specify more than 1 volume type']],
    ['no access mode', (s) => (s.accessModes = []), ['spec.source.inlineVolumeSpec.accessModes: Required value']],
    [
      'an unknown access mode',
      (s) => (s.accessModes = ['ReadWriteSome']),
      ['spec.source.inlineVolumeSpec.accessModes: Unsupported value: "ReadWriteSome": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'],
    ],
    ['ReadWriteOncePod with another mode', (s) => (s.accessModes = ['ReadWriteOncePod', 'ReadOnlyMany']), ['spec.source.inlineVolumeSpec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes']],
    ['a Delete reclaim policy', (s) => (s.persistentVolumeReclaimPolicy = 'Delete'), ['spec.source.inlineVolumeSpec.persistentVolumeReclaimPolicy: Forbidden: may only be Retain in the context of inline volumes']],
    ['node affinity', (s) => (s.nodeAffinity = { required: { nodeSelectorTerms: [] } }), ['spec.source.inlineVolumeSpec.nodeAffinity: Forbidden: may not be specified in the context of inline volumes']],
    ['a storage class', (s) => (s.storageClassName = 'fast'), ['spec.source.inlineVolumeSpec.storageClassName: Forbidden: may not be specified in the context of inline volumes']],
    ['block volume mode', (s) => (s.volumeMode = 'Block'), ['spec.source.inlineVolumeSpec.volumeMode: Forbidden: may not specify volumeMode other than Filesystem in the context of inline volumes']],
    ['an empty volume attributes class', (s) => (s.volumeAttributesClassName = ''), ['spec.source.inlineVolumeSpec.volumeAttributesClassName: Required value: an empty string is disallowed']],
    ['a CSI source without a volume handle', (s) => delete s.csi.volumeHandle, ['spec.source.inlineVolumeSpec.csi.volumeHandle: Required value']],
    ['a bad CSI driver', (s) => (s.csi.driver = 'Bad_Driver'), [subdomain('spec.source.inlineVolumeSpec.csi.driver', 'Bad_Driver')]],
    ['a secret reference without a namespace', (s) => (s.csi.nodePublishSecretRef = { name: 'creds' }), ['spec.source.inlineVolumeSpec.csi.nodePublishSecretRef.namespace: Required value']],
  ];
  for (const [scenario, edit, expected] of inlineCases) {
    it(`rejects an inline volume with ${scenario}`, () => {
      const spec = inline();
      edit(spec);
      assert.deepEqual(errors(attachment, edited(va(), (v) => (v.spec.source = { inlineVolumeSpec: spec }))), expected);
    });
  }
});

describe('VolumeAttachment on update', () => {
  const stored = va();

  it('lets metadata and status change', () => {
    assert.deepEqual(errors(attachment, edited(stored, (v) => (v.metadata.labels = { a: 'b' })), stored), []);
    assert.deepEqual(errors(attachment, edited(stored, (v) => (v.status = { attached: true })), stored, 'status'), []);
  });

  it('keeps the spec, printed as the internal struct', () => {
    assert.deepEqual(errors(attachment, edited(stored, (v) => (v.spec.nodeName = 'node-2')), stored), [
      'spec: Invalid value: {"Attacher":"ebs.csi.aws.com","Source":{"PersistentVolumeName":"pv-1","InlineVolumeSpec":null},"NodeName":"node-2"}: field is immutable',
    ]);
  });

  it('does not apply the v1 create-only checks to a stored attachment', () => {
    // An attacher that is not a DNS subdomain only fails ValidateVolumeAttachmentV1, which runs on create.
    const old = edited(stored, (v) => (v.spec.attacher = 'Legacy_Attacher'));
    assert.deepEqual(errors(attachment, edited(old, (v) => (v.metadata.labels = { a: 'b' })), old), []);
  });

  it('checks the status on a status update', () => {
    assert.deepEqual(errors(attachment, edited(stored, (v) => (v.status = { attached: false, attachError: { errorCode: -2 } })), stored, 'status'), [
      'status.attachError.errorCode: Invalid value: -2: must be between 0 and 2147483647, inclusive',
    ]);
  });
});

// ---- CSIStorageCapacity ----

const cap = (): Obj => ({
  apiVersion: `${group}/v1`,
  kind: 'CSIStorageCapacity',
  metadata: { name: 'csisc-abcde', namespace: 'kube-system' },
  nodeTopology: { matchLabels: { 'topology.kubernetes.io/zone': 'us-east-1a' } },
  storageClassName: 'fast',
  capacity: '100Gi',
  maximumVolumeSize: '16Ti',
});

describe('CSIStorageCapacity validation', () => {
  it('accepts a capacity, and one without a topology or a size', () => {
    assert.deepEqual(errors(capacity, cap()), []);
    assert.deepEqual(
      errors(
        capacity,
        edited(cap(), (c) => {
          delete c.nodeTopology;
          delete c.capacity;
        }),
      ),
      [],
    );
  });

  const cases: [string, (c: Obj) => void, string[]][] = [
    ['no namespace', (c) => delete c.metadata.namespace, ['metadata.namespace: Required value']],
    ['a storage class name that is not a subdomain', (c) => (c.storageClassName = 'Fast_Disks'), [subdomain('storageClassName', 'Fast_Disks')]],
    ['no storage class name', (c) => (c.storageClassName = ''), [subdomain('storageClassName', '')]],
    ['a negative capacity', (c) => (c.capacity = '-1Gi'), ['capacity: Invalid value: "-1Gi": must be greater than or equal to 0']],
    ['a bad topology operator', (c) => (c.nodeTopology = { matchExpressions: [{ key: 'zone', operator: 'Near' }] }), ['nodeTopology.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator']],
    [
      'a topology value that is not a label value',
      (c) => (c.nodeTopology = { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a b'] }] }),
      [`nodeTopology.matchExpressions[0].values[0]: Invalid value: "a b": ${labelValueMsg}`],
    ],
  ];
  for (const [scenario, edit, expected] of cases) {
    it(`rejects ${scenario}`, () => assert.deepEqual(errors(capacity, edited(cap(), edit)), expected));
  }
});

describe('CSIStorageCapacity on update', () => {
  const stored = cap();

  it('lets the capacity and maximum volume size change', () => {
    const next = edited(stored, (c) => {
      c.capacity = '50Gi';
      c.maximumVolumeSize = '1Ti';
    });
    assert.deepEqual(errors(capacity, next, stored), []);
  });

  it('keeps the topology and the storage class', () => {
    const next = edited(stored, (c) => {
      c.nodeTopology = { matchLabels: { 'topology.kubernetes.io/zone': 'us-east-1b' } };
      c.storageClassName = 'slow';
    });
    assert.deepEqual(errors(capacity, next, stored), [
      'nodeTopology: Invalid value: {"matchLabels":{"topology.kubernetes.io/zone":"us-east-1b"}}: field is immutable',
      'storageClassName: Invalid value: "slow": field is immutable',
    ]);
  });

  it('tolerates an invalid topology value the stored object already had', () => {
    const old = edited(stored, (c) => (c.nodeTopology = { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a b'] }] }));
    assert.deepEqual(errors(capacity, edited(old, (c) => (c.capacity = '1Gi')), old), []);
  });
});

// ---- VolumeAttributesClass ----

const attrs = (): Obj => ({
  apiVersion: `${group}/v1`,
  kind: 'VolumeAttributesClass',
  metadata: { name: 'gold' },
  driverName: 'ebs.csi.aws.com',
  parameters: { iops: '5000', throughput: '250' },
});

describe('VolumeAttributesClass validation', () => {
  it('accepts a class', () => assert.deepEqual(errors(vac, attrs()), []));

  const cases: [string, (v: Obj) => void, string[]][] = [
    ['no driver name', (v) => (v.driverName = ''), ['driverName: Required value']],
    ['a driver name that is not a qualified name', (v) => (v.driverName = 'ebs csi'), [`driverName: Invalid value: "ebs csi": ${qualifiedNameMsg}`]],
    ['a driver name checked once lowercased', (v) => (v.driverName = 'EBS CSI'), [`driverName: Invalid value: "ebs csi": ${qualifiedNameMsg}`]],
    ['no parameters', (v) => (v.parameters = {}), ['parameters: Required value: must contain at least one key/value pair']],
    ['an empty parameter key', (v) => (v.parameters = { '': 'x' }), ['parameters: Invalid value: "": field can not be empty.']],
    ['more than 512 parameters', (v) => (v.parameters = Object.fromEntries(Array.from({ length: 513 }, (_, i) => [`k${i}`, 'v']))), ['parameters: Too long: may not be more than 512 bytes']],
    ['parameters over 256 KiB', (v) => (v.parameters = { big: 'x'.repeat(262144) }), ['parameters: Too long: may not be more than 262144 bytes']],
  ];
  for (const [scenario, edit, expected] of cases) {
    it(`rejects ${scenario}`, () => assert.deepEqual(errors(vac, edited(attrs(), edit)), expected));
  }
});

describe('VolumeAttributesClass on update', () => {
  const stored = attrs();

  it('lets labels change', () => {
    assert.deepEqual(errors(vac, edited(stored, (v) => (v.metadata.labels = { tier: 'gold' })), stored), []);
  });

  it('forbids changing the driver and the parameters, before re-checking the class', () => {
    const next = edited(stored, (v) => {
      v.driverName = '';
      v.parameters = { iops: '6000' };
    });
    assert.deepEqual(errors(vac, next, stored), [
      'driverName: Forbidden: updates to driverName are forbidden.',
      'parameters: Forbidden: updates to parameters are forbidden.',
      'driverName: Required value',
    ]);
  });
});
