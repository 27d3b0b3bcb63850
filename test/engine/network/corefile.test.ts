// CoreDNS's Corefile: given the text a user keeps in the coredns ConfigMap, when it is parsed, then
// its server blocks and plugins are read as CoreDNS reads them or refused in CoreDNS's words with
// the line; and when a name is asked, then the server and plugins CoreDNS would run answer it.
import assert from 'node:assert/strict';
import { answer, type Corefile, kubeadmCorefile, type KubernetesPlugin, parseCorefile } from '../../../engine/network/corefile';

/** A kubernetes plugin that knows the names listed, by zone. */
const known = (...names: string[]) => (name: string, _plugin: KubernetesPlugin, zone: string) => (names.includes(name) ? `${name}@${zone}` : undefined);
const ask = (corefile: Corefile, name: string, ...names: string[]) => {
  const a = answer(corefile, name, known(...names));
  return a.kind === 'record' ? `record ${a.record} (${a.label})` : a.kind === 'address' ? `address ${a.ip} (${a.label})` : a.kind;
};

describe('Corefile', () => {
  it("reads kubeadm's Corefile: one server for every zone on port 53, the kubernetes plugin for the cluster zone with pod records", () => {
    const corefile = parseCorefile(kubeadmCorefile('cluster.local'));
    assert.equal(corefile.servers.length, 1);
    const [server] = corefile.servers;
    assert.deepEqual([server!.zones, server!.port], [['.'], 53]);
    assert.deepEqual(server!.kubernetes, { zones: ['cluster.local.', 'in-addr.arpa.', 'ip6.arpa.'], pods: 'insecure', namespaces: [], fallthrough: ['in-addr.arpa.', 'ip6.arpa.'], endpointPodNames: false });
    assert.equal(ask(corefile, 'web.shop.svc.cluster.local', 'web.shop.svc.cluster.local'), 'record web.shop.svc.cluster.local@cluster.local (web.shop.svc.cluster.local)');
    // A cluster name the plugin does not know is NXDOMAIN (no fallthrough there); any other goes upstream, which knows none.
    assert.equal(ask(corefile, 'nothing.shop.svc.cluster.local'), 'nxdomain');
    assert.equal(ask(corefile, 'example.com.'), 'nxdomain');
  });

  it('refuses what CoreDNS refuses, naming the line', () => {
    const refused = (text: string) => {
      try {
        parseCorefile(text);
        return 'parsed';
      } catch (e) {
        return (e as Error).message;
      }
    };
    assert.equal(refused('.:53 {\n    errors\n    rewrites name a b\n}\n'), "Corefile:3 - Error during parsing: Unknown directive 'rewrites'");
    assert.equal(refused('.:53 {\n    kubernetes cluster.local {\n       pods sometimes\n    }\n}\n'), 'plugin/kubernetes: Corefile:3 - Error during parsing: wrong value for pods: sometimes,  must be one of: disabled, verified, insecure');
    assert.equal(refused('.:53 {\n    kubernetes cluster.local {\n       podz insecure\n    }\n}\n'), "plugin/kubernetes: Corefile:3 - Error during parsing: unknown property 'podz'");
    assert.equal(refused('.:53 {\n    rewrite name\n}\n'), "plugin/rewrite: Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'rewrite'");
    assert.equal(refused('.:53 {\n    rewrite name regex (.*\\.local web.shop.svc.cluster.local\n}\n').startsWith('plugin/rewrite: Corefile:2 - Error during parsing: invalid regex pattern in a name rule: (.*\\.local'), true);
    assert.equal(refused('.:53 {\n    hosts {\n       10.96.0.50\n    }\n}\n'), 'plugin/hosts: Corefile:3 - Error during parsing: an address needs a name: 10.96.0.50');
    assert.equal(refused('.:53 {\n    forward .\n}\n'), "plugin/forward: Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'forward'");
    assert.equal(refused('.:53 {\n    kubernetes cluster.local\n    kubernetes other.local\n}\n'), 'plugin/kubernetes: this plugin can only be used once per Server Block');
    assert.equal(refused('.:53 {\n    errors\n'), 'Corefile:1 - Error during parsing: Unexpected EOF');
    assert.equal(refused('.:5300x {\n}\n'), "Corefile:1 - Error during parsing: invalid port '5300x' in server block key '.:5300x'");
    assert.equal(refused('# nothing but a comment\n'), 'Corefile is empty: no server block');
  });

  it('rewrites a name before the other plugins see it: exact, suffix, prefix, substring and regex rules, stopping at the first unless told to continue', () => {
    const corefile = parseCorefile(
      [
        '.:53 {',
        '    kubernetes cluster.local',
        '    rewrite name api.example.com web.shop.svc.cluster.local',
        '    rewrite name suffix .internal. .svc.cluster.local.',
        '    rewrite continue name prefix web-v1. web.v1.',
        '    rewrite name regex (.*)\\.legacy\\.corp {1}.shop.svc.cluster.local answer auto',
        '    rewrite name substring .v1. .',
        '    forward . /etc/resolv.conf',
        '}',
      ].join('\n'),
    );
    const web = 'web.shop.svc.cluster.local';
    // The rewrite lines run before kubernetes although it comes first: CoreDNS orders plugins itself.
    assert.equal(ask(corefile, 'API.example.com', web), `record ${web}@cluster.local (api.example.com → ${web} (Corefile rewrite, line 3))`);
    assert.equal(ask(corefile, 'web.shop.internal', web), `record ${web}@cluster.local (web.shop.internal → ${web} (Corefile rewrite, line 4))`);
    assert.equal(ask(corefile, 'db.legacy.corp', 'db.shop.svc.cluster.local'), 'record db.shop.svc.cluster.local@cluster.local (db.legacy.corp → db.shop.svc.cluster.local (Corefile rewrite, line 6))');
    // A rule that says continue lets a later rule match what it made (web.v1.…, which the substring rule then takes).
    assert.equal(ask(corefile, 'web-v1.shop.svc.cluster.local', web), `record ${web}@cluster.local (web-v1.shop.svc.cluster.local → ${web} (Corefile rewrite, line 7))`);
    assert.equal(ask(corefile, 'other.example.com'), 'nxdomain');
  });

  it('answers from hosts entries, and with no fallthrough claims every other name of its zones, as a hosts line in the root zone does', () => {
    const withHosts = (hosts: string) => parseCorefile(`.:53 {\n    hosts {\n       10.96.7.7 legacy.example.com\n${hosts}    }\n    kubernetes cluster.local\n    forward . /etc/resolv.conf\n}\n`);
    const web = 'web.shop.svc.cluster.local';
    const through = withHosts('       fallthrough\n');
    assert.equal(ask(through, 'legacy.example.com', web), 'address 10.96.7.7 (legacy.example.com (Corefile hosts))');
    assert.equal(ask(through, web, web), `record ${web}@cluster.local (${web})`);
    // Without fallthrough the hosts plugin answers NXDOMAIN for every name it lacks: the cluster's too.
    const claiming = withHosts('');
    assert.equal(ask(claiming, 'legacy.example.com', web), 'address 10.96.7.7 (legacy.example.com (Corefile hosts))');
    assert.equal(ask(claiming, web, web), 'nxdomain');
  });

  it('sends a name to the server block of the longest zone that holds it, and refuses a name no block or plugin takes', () => {
    const corefile = parseCorefile(
      [
        'corp.example:53 {',
        '    hosts {',
        '       10.96.8.8 wiki.corp.example',
        '    }',
        '}',
        'cluster.local:53 {',
        '    kubernetes cluster.local {',
        '       fallthrough',
        '    }',
        '}',
        'metrics.local:9153 {',
        '    hosts {',
        '       10.96.9.9 x.metrics.local',
        '    }',
        '}',
      ].join('\n'),
    );
    assert.equal(ask(corefile, 'wiki.corp.example'), 'address 10.96.8.8 (wiki.corp.example (Corefile hosts))');
    assert.equal(ask(corefile, 'mail.corp.example'), 'nxdomain');
    assert.equal(ask(corefile, 'web.shop.svc.cluster.local', 'web.shop.svc.cluster.local'), 'record web.shop.svc.cluster.local@cluster.local (web.shop.svc.cluster.local)');
    // kubernetes falls through, and nothing after it takes the name; a server on another port answers no pod.
    assert.equal(ask(corefile, 'nothing.shop.svc.cluster.local'), 'refused');
    assert.equal(ask(corefile, 'x.metrics.local'), 'refused');
    assert.equal(ask(corefile, 'example.com'), 'refused');
  });
});
