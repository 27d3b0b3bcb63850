// What a simulated container does, read from its image, command and annotations.
import assert from 'node:assert/strict';
import { behaviorOf, fileExists, parseDuration } from '../../../engine/kubelet/behavior';

describe('container behavior', () => {
  it('serves until stopped for a server image, and ends at once for a bare shell image', () => {
    const nginx = behaviorOf({ name: 'web', image: 'nginx:1.27' });
    assert.deepEqual([nginx.serves, nginx.exitCode, nginx.ignoreSigterm], [true, undefined, false]);
    const busybox = behaviorOf({ name: 'sh', image: 'busybox:1.36' });
    assert.deepEqual([busybox.serves, busybox.exitCode, busybox.runForMs], [false, 0, 0]);
  });

  it('keeps a bare shell with its stdin open running, waiting for input; a script or a closed stdin still ends', () => {
    for (const c of [{ image: 'busybox' }, { image: 'busybox', command: ['sh'] }, { image: 'ubuntu', args: ['bash'] }]) {
      const b = behaviorOf({ name: 'repl', stdin: true, ...c }, {}, 'Never');
      assert.deepEqual([b.interactive, b.exitCode, b.serves, b.ignoreSigterm], [true, undefined, false, true], JSON.stringify(c));
    }
    assert.equal(behaviorOf({ name: 'repl', image: 'busybox', command: ['sh'] }, {}, 'Never').interactive, false);
    const script = behaviorOf({ name: 'job', image: 'busybox', stdin: true, command: ['sh', '-c', 'exit 2'] });
    assert.deepEqual([script.interactive, script.exitCode], [false, 2]);
  });

  it('runs as it is a command made only of the simulated shell and programs; not a bare shell, tail -f, another program, nor one an annotation directs', () => {
    const run = (command: string[], image = 'busybox:1.37', annotations = {}) => behaviorOf({ name: 'c', image, command }, annotations, 'Never').run;
    for (const runs of [
      ['sh', '-c', 'date; echo Hello from the Kubernetes cluster'],
      ['wget', '-qO-', 'http://web'],
      ['sh', '-c', 'echo start; sleep 30'],
      ['sh', '-c', 'until nslookup mydb.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for mydb; sleep 2; done'],
      ['sh', '-c', 'for i in 1 2 3; do if [ "$i" = 2 ]; then echo two; else echo $i; fi; done'],
    ]) assert.deepEqual(run(runs), runs);
    assert.deepEqual(run(['curl', '-s', 'http://web'], 'curlimages/curl:8.11.1'), ['curl', '-s', 'http://web']);
    for (const read of [['tail', '-f', '/dev/null'], ['sh'], ['curl', 'http://web'], ['python', 'app.py'], ['sh', '-c', 'python app.py; echo done'], ['sh', '-c', 'while true; do date']]) assert.equal(run(read), undefined, JSON.stringify(read));
    assert.equal(run(['sh', '-c', 'echo hi'], 'busybox', { 'kubeside.dev/behavior': 'exit=4' }), undefined);
  });

  it('reads the plain shapes of a shell script: echo, sleep and exit', () => {
    const b = behaviorOf({ name: 'job', image: 'busybox:1.36', command: ['sh', '-c', 'echo "migrating"; sleep 5; exit 3'] });
    assert.deepEqual([b.output, b.runForMs, b.exitCode, b.serves, b.ignoreSigterm], [['migrating'], 5000, 3, false, true]);
    const loop = behaviorOf({ name: 'tick', image: 'busybox:1.36', command: ['sh', '-c', 'while true; do date; sleep 1; done'] });
    assert.deepEqual([loop.exitCode, loop.serves, loop.ignoreSigterm], [undefined, false, true]);
    assert.equal(behaviorOf({ name: 'f', image: 'alpine', command: ['false'] }).exitCode, 1);
    assert.equal(behaviorOf({ name: 's', image: 'alpine', command: ['sleep'], args: ['30'] }).runForMs, 30_000);
  });

  it('follows the files a script creates and removes, for exec probes', () => {
    const b = behaviorOf({ name: 'liveness', image: 'busybox', args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; echo ok > /tmp/done; sleep 600'] });
    assert.deepEqual([fileExists(b, '/tmp/healthy', 0), fileExists(b, '/tmp/healthy', 29_999), fileExists(b, '/tmp/healthy', 30_000)], [true, true, false]);
    assert.equal(fileExists(b, '/tmp/done', 30_000), true);
    assert.deepEqual([b.runForMs, b.exitCode], [630_000, 0]);
  });

  it('leaves a server\'s own command line to its image, and takes a program a shell starts for a server', () => {
    assert.equal(behaviorOf({ name: 'web', image: 'nginx:1.27', command: ['nginx', '-g', 'daemon off;'] }).serves, true);
    const app = behaviorOf({ name: 'app', image: 'python:3.12', command: ['sh', '-c', 'echo starting; python app.py'] });
    assert.deepEqual([app.serves, app.exitCode, app.output], [true, undefined, ['starting']]);
  });

  it('takes a program it cannot read in a pod that is not restarted for a batch task that completes', () => {
    const pi = { name: 'pi', image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] };
    assert.deepEqual([behaviorOf(pi, {}, 'Never').exitCode, behaviorOf(pi, {}, 'Never').runForMs], [0, 5000]);
    assert.equal(behaviorOf(pi, {}, 'Always').exitCode, undefined, 'under restartPolicy Always it is a long-running program');
  });

  it('lets the pod annotation override, and a container\'s own annotation override that', () => {
    const annotations = { 'kubeside.dev/behavior': 'crash-after=30s, fail-readiness', 'kubeside.dev/behavior.sidecar': 'serve' };
    const web = behaviorOf({ name: 'web', image: 'nginx:1.27' }, annotations);
    assert.deepEqual([web.exitCode, web.runForMs, web.failReadiness], [1, 30_000, true]);
    const sidecar = behaviorOf({ name: 'sidecar', image: 'nginx:1.27' }, annotations);
    assert.deepEqual([sidecar.exitCode, sidecar.serves], [undefined, true]);
    assert.equal(behaviorOf({ name: 'hog', image: 'nginx' }, { 'kubeside.dev/behavior': 'memory=600Mi' }).memoryBytes, 600 * 1024 * 1024);
    assert.equal(behaviorOf({ name: 'db', image: 'postgres:16.4' }).keepsData, true);
  });

  it('parses Go durations and refuses anything else', () => {
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.throws(() => parseDuration('30'), /time: invalid duration "30"/);
  });
});
