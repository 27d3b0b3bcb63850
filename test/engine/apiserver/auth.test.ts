import assert from 'node:assert/strict';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-types/rbac/v1';
import { type Attributes, forbidden, UnionAuthorizer } from '../../../engine/apiserver/auth/attributes';
import { bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../../../engine/apiserver/auth/bootstrap';
import { NodeAuthorizer, type NodeGraph } from '../../../engine/apiserver/auth/node';
import { RbacAuthorizer, type RbacSource } from '../../../engine/apiserver/auth/rbac';
import { groups, TokenAuthenticator, type UserInfo, users } from '../../../engine/apiserver/auth/user';

class Policies implements RbacSource {
  clusterRoles = new Map(bootstrapClusterRoles.map((r) => [r.metadata!.name!, r] as const));
  crbs: ClusterRoleBinding[] = [...bootstrapClusterRoleBindings];
  roles: Role[] = [];
  rbs: RoleBinding[] = [];
  clusterRoleBindings() { return this.crbs; }
  roleBindings(ns: string) { return this.rbs.filter((b) => b.metadata?.namespace === ns); }
  clusterRole(name: string): ClusterRole | undefined { return this.clusterRoles.get(name); }
  role(ns: string, name: string) { return this.roles.find((r) => r.metadata?.namespace === ns && r.metadata?.name === name); }
}

const jane: UserInfo = { name: 'jane', groups: [groups.authenticated] };
const admin: UserInfo = { name: 'kubeside-user', groups: [groups.masters, groups.authenticated] };
const get = (user: UserInfo, resource: string, namespace?: string, name?: string, extra: Partial<Attributes> = {}): Attributes =>
  ({ user, verb: 'get', apiGroup: '', resource, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}), ...extra }) as Attributes;

describe('authentication by bearer token', () => {
  it('maps a known token to its user with system:authenticated, and an unknown one to nobody', () => {
    const auth = new TokenAuthenticator();
    auth.add('0123456789abcdef0123', { name: 'jane', groups: ['dev'] });
    assert.deepEqual(auth.authenticate('0123456789abcdef0123'), { name: 'jane', groups: ['dev', groups.authenticated] });
    assert.equal(auth.authenticate('wrong-token-wrong-token'), undefined);
    assert.equal(auth.authenticate(undefined), undefined);
    assert.throws(() => auth.add('short', { name: 'x' }), /at least 16/);
  });
});

describe('RBAC authorizer', () => {
  it('given the bootstrap policy, system:masters may do anything and a plain user only discovery', () => {
    const rbac = new RbacAuthorizer(new Policies());
    assert.equal(rbac.authorize({ ...get(admin, 'secrets', 'default'), verb: 'delete' }).allowed, true);
    assert.equal(rbac.authorize({ user: jane, verb: 'get', path: '/apis' }).allowed, true);
    assert.equal(rbac.authorize({ user: jane, verb: 'get', path: '/metrics' }).allowed, false);
    assert.equal(rbac.authorize(get(jane, 'pods', 'default')).allowed, false);
  });

  it('a RoleBinding to a Role grants exactly its verbs, resources and names in its namespace only', () => {
    const p = new Policies();
    p.roles.push({ metadata: { name: 'pod-reader', namespace: 'shop' }, rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }, { apiGroups: [''], resources: ['configmaps'], resourceNames: ['api-config'], verbs: ['get'] }] });
    p.rbs.push({ metadata: { name: 'jane-reads', namespace: 'shop' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' }, subjects: [{ kind: 'User', name: 'jane' }] });
    const rbac = new RbacAuthorizer(p);
    assert.equal(rbac.authorize(get(jane, 'pods', 'shop', 'web-1')).allowed, true);
    assert.equal(rbac.authorize(get(jane, 'pods', 'shop', 'web-1', { subresource: 'log' })).allowed, true);
    assert.equal(rbac.authorize(get(jane, 'pods', 'shop', 'web-1', { subresource: 'exec' })).allowed, false, 'pods does not cover pods/exec');
    assert.equal(rbac.authorize({ ...get(jane, 'pods', 'shop'), verb: 'delete' }).allowed, false);
    assert.equal(rbac.authorize(get(jane, 'pods', 'default')).allowed, false, 'other namespace');
    assert.equal(rbac.authorize(get(jane, 'configmaps', 'shop', 'api-config')).allowed, true);
    assert.equal(rbac.authorize(get(jane, 'configmaps', 'shop', 'other')).allowed, false);
    assert.equal(rbac.authorize({ ...get(jane, 'configmaps', 'shop'), verb: 'list' }).allowed, false, 'resourceNames never allow list');
  });

  it('a RoleBinding to the view ClusterRole reads workloads but never Secrets; service accounts bind by namespace', () => {
    const p = new Policies();
    p.rbs.push({ metadata: { name: 'ci-view', namespace: 'shop' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'ci' }] });
    const rbac = new RbacAuthorizer(p);
    const ci: UserInfo = { name: users.serviceAccount('shop', 'ci'), groups: [groups.serviceAccounts, groups.serviceAccountsIn('shop'), groups.authenticated] };
    const ciElsewhere: UserInfo = { ...ci, name: users.serviceAccount('other', 'ci') };
    assert.equal(rbac.authorize({ ...get(ci, 'deployments', 'shop'), apiGroup: 'apps', verb: 'list' }).allowed, true);
    assert.equal(rbac.authorize(get(ci, 'secrets', 'shop', 'api-credentials')).allowed, false);
    assert.equal(rbac.authorize({ ...get(ci, 'deployments', 'shop'), apiGroup: 'apps', verb: 'update' }).allowed, false);
    assert.equal(rbac.authorize({ ...get(ciElsewhere, 'deployments', 'shop'), apiGroup: 'apps', verb: 'list' }).allowed, false);
  });

  it('denies with the message and shape kube-apiserver uses', () => {
    const err = forbidden({ user: jane, verb: 'list', apiGroup: 'apps', resource: 'deployments', namespace: 'shop' });
    assert.equal(err.code, 403);
    assert.equal(err.reason, 'Forbidden');
    assert.equal(err.message, 'deployments.apps is forbidden: User "jane" cannot list resource "deployments" in API group "apps" in the namespace "shop"');
    const named = forbidden({ user: jane, verb: 'get', apiGroup: '', resource: 'pods', subresource: 'log', namespace: 'shop', name: 'web-1' });
    assert.equal(named.message, 'pods "web-1" is forbidden: User "jane" cannot get resource "pods/log" in API group "" in the namespace "shop"');
    assert.deepEqual(named.status.details, { group: '', kind: 'pods', name: 'web-1' });
    assert.equal(forbidden({ user: jane, verb: 'list', apiGroup: '', resource: 'nodes' }).message, 'nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope');
    assert.equal(forbidden({ user: jane, verb: 'get', path: '/metrics' }).message, 'forbidden: User "jane" cannot get path "/metrics"');
  });
});

describe('Node authorizer', () => {
  const graph: NodeGraph = {
    referencedByNode: (node, resource, ns, name) => node === 'worker-1' && resource === 'secrets' && ns === 'shop' && name === 'api-credentials',
    podNode: (ns, name) => (ns === 'shop' && name === 'api-1' ? 'worker-1' : 'worker-2'),
  };
  const kubelet = (node: string): UserInfo => ({ name: users.node(node), groups: [groups.nodes, groups.authenticated] });
  const authz = new UnionAuthorizer([new NodeAuthorizer(graph), new RbacAuthorizer(new Policies())]);

  it('lets a kubelet read a Secret only when a pod bound to its node uses it', () => {
    assert.equal(authz.authorize(get(kubelet('worker-1'), 'secrets', 'shop', 'api-credentials')).allowed, true);
    const denied = authz.authorize(get(kubelet('worker-2'), 'secrets', 'shop', 'api-credentials'));
    assert.deepEqual(denied, { allowed: false, reason: "no relationship found between node 'worker-2' and this object" });
    assert.equal(authz.authorize({ ...get(kubelet('worker-1'), 'secrets', 'shop'), verb: 'list' }).allowed, false);
  });

  it('lets a kubelet update only its own Node, Lease and its own pods\' status', () => {
    const k = kubelet('worker-1');
    assert.equal(authz.authorize({ ...get(k, 'nodes', undefined, 'worker-1', { subresource: 'status' }), verb: 'patch' }).allowed, true);
    assert.equal(authz.authorize({ ...get(k, 'nodes', undefined, 'worker-2', { subresource: 'status' }), verb: 'patch' }).allowed, false);
    assert.equal(authz.authorize({ ...get(k, 'leases', 'kube-node-lease', 'worker-1'), apiGroup: 'coordination.k8s.io', verb: 'update' }).allowed, true);
    assert.equal(authz.authorize({ ...get(k, 'leases', 'kube-node-lease', 'worker-2'), apiGroup: 'coordination.k8s.io', verb: 'update' }).allowed, false);
    assert.equal(authz.authorize({ ...get(k, 'pods', 'shop', 'api-1', { subresource: 'status' }), verb: 'update' }).allowed, true);
    assert.equal(authz.authorize({ ...get(k, 'pods', 'shop', 'db-0', { subresource: 'status' }), verb: 'update' }).allowed, false);
    assert.equal(authz.authorize({ ...get(k, 'deployments', 'shop'), apiGroup: 'apps', verb: 'list' }).allowed, false);
  });

  it('the scheduler may bind pods but not read Secrets', () => {
    const scheduler: UserInfo = { name: users.scheduler, groups: [groups.authenticated] };
    assert.equal(authz.authorize({ ...get(scheduler, 'pods', 'shop', 'web-1', { subresource: 'binding' }), verb: 'create' }).allowed, true);
    assert.equal(authz.authorize(get(scheduler, 'secrets', 'shop', 'api-credentials')).allowed, false);
  });
});
