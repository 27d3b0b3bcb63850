// The shell and programs of a simulated container, run directly: given files, a writable layer and
// a read-only mount, when a script uses redirections, pipes and the small tools, then it prints,
// writes and exits as dash and coreutils (or busybox) would.
import assert from 'node:assert/strict';
import { type ExecContext, runCommand } from '../../../engine/kubelet/execCommand';

/** A container with /etc/app read-only (a ConfigMap volume) and everything else writable. */
function container(flavor: ExecContext['flavor'] = 'coreutils') {
  const files = new Map<string, string>([['/etc/app/settings', 'mode=fast\nlevel=3\nmode=slow\n']]);
  let now = Date.UTC(2026, 11, 6, 9, 5, 7);
  const ctx: ExecContext = {
    env: { PATH: '/usr/bin:/bin', HOME: '/root', APP_MODE: 'fast', APP_LEVEL: '3' },
    files,
    flavor,
    get now() {
      return now;
    },
    // The container's clock: sleeping moves it on.
    sleep: async (ms) => void (now += ms),
    write: (path, contents) => (path.startsWith('/etc/app/') ? 'Read-only file system' : (files.set(path, contents), undefined)),
    remove: (path) => (path.startsWith('/etc/app/') ? 'Read-only file system' : (files.delete(path), undefined)),
  };
  /** Runs `sh -c script`: its exit code, stdout and stderr. */
  const sh = async (script: string) => {
    let stdout = '';
    let stderr = '';
    const code = await runCommand(['sh', '-c', script], ctx, { stdout: (d) => (stdout += d), stderr: (d) => (stderr += d) });
    return { code, stdout, stderr };
  };
  return { files, sh, elapsed: () => now - Date.UTC(2026, 11, 6, 9, 5, 7) };
}

describe('simulated container shell', () => {
  it('redirects output into files, appends with >>, reads with <, and discards into /dev/null', async () => {
    const { files, sh } = container();
    assert.deepEqual(await sh('echo one > /tmp/log; echo two >> /tmp/log; cat < /tmp/log'), { code: 0, stdout: 'one\ntwo\n', stderr: '' });
    assert.equal(files.get('/tmp/log'), 'one\ntwo\n');
    assert.deepEqual(await sh('echo gone > /dev/null; cat /nope 2>/dev/null; echo $?'), { code: 0, stdout: '1\n', stderr: '' });
    assert.deepEqual(await sh('cat /nope > /tmp/out 2>&1; cat /tmp/out'), { code: 0, stdout: 'cat: /nope: No such file or directory\n', stderr: '' });
    // A redirection the shell cannot open fails the command before it runs.
    assert.deepEqual(await sh('echo x > /etc/app/new'), { code: 2, stdout: '', stderr: 'sh: 1: cannot create /etc/app/new: Read-only file system\n' });
    assert.deepEqual(await sh('cat < /nope'), { code: 2, stdout: '', stderr: 'sh: 1: cannot open /nope: No such file\n' });
  });

  it('pipes each command into the next, the pipeline\'s status the last one\'s', async () => {
    const { sh } = container();
    assert.deepEqual(await sh('env | grep APP_ | sort | head -n 1'), { code: 0, stdout: 'APP_LEVEL=3\n', stderr: '' });
    assert.deepEqual(await sh('cat /etc/app/settings | grep -c mode'), { code: 0, stdout: '2\n', stderr: '' });
    assert.deepEqual(await sh('grep mode /etc/app/settings | tail -1 | wc -l'), { code: 0, stdout: '1\n', stderr: '' });
    assert.deepEqual(await sh('echo hello | grep -q bye'), { code: 1, stdout: '', stderr: '' });
    assert.deepEqual(await sh('grep -n "mode=\\(fast\\|slow\\)" /etc/app/settings'), { code: 0, stdout: '1:mode=fast\n3:mode=slow\n', stderr: '' });
    assert.deepEqual(await sh('grep -E "^(level)" /etc/app/settings /nope'), { code: 2, stdout: '/etc/app/settings:level=3\n', stderr: 'grep: /nope: No such file or directory\n' });
    assert.deepEqual(await sh('wc -l /etc/app/settings; printf "%s=%d\\n" a 1 b 2 | sort -r'), { code: 0, stdout: '3 /etc/app/settings\nb=2\na=1\n', stderr: '' });
  });

  it('expands $? as each command is reached', async () => {
    const { sh } = container();
    assert.equal((await sh('false; echo $?; true && echo $?; grep -q x /nope; echo $?')).stdout, '1\n0\n2\n');
  });

  it('makes, touches and removes files and directories; a directory stays while empty', async () => {
    const { sh } = container();
    assert.deepEqual(await sh('mkdir /tmp/work && ls /tmp && test -d /tmp/work && ls /tmp/work'), { code: 0, stdout: 'work\n', stderr: '' });
    assert.deepEqual(await sh('mkdir /tmp/work'), { code: 1, stdout: '', stderr: "mkdir: cannot create directory '/tmp/work': File exists\n" });
    assert.deepEqual(await sh('mkdir /a/b; mkdir -p /a/b && test -d /a'), { code: 0, stdout: '', stderr: "mkdir: cannot create directory '/a/b': No such file or directory\n" });
    assert.deepEqual(await sh('touch /tmp/work/f && rm /tmp/work; rm -r /tmp/work && ls /tmp'), { code: 0, stdout: '', stderr: "rm: cannot remove '/tmp/work': Is a directory\n" });
    assert.deepEqual(await sh('rm /etc/app/settings; rm /tmp/none; rm -f /tmp/none'), { code: 0, stdout: '', stderr: "rm: cannot remove '/etc/app/settings': Read-only file system\nrm: cannot remove '/tmp/none': No such file or directory\n" });
  });

  it('loops with while, until and for, branches with if, keeps variables, and sleeps on the container\'s clock', async () => {
    const { sh, elapsed } = container();
    assert.deepEqual(await sh('i=0; while [ $i -lt 3 ]; do echo "tick $i"; i=$((i+1)); sleep 2; done; echo "done $i"'), { code: 0, stdout: 'tick 0\ntick 1\ntick 2\ndone 3\n', stderr: '' });
    // Three sleeps of 2 s, and a moment for each round of the loop.
    assert.equal(elapsed(), 6_003);
    assert.equal((await sh('n=0\nuntil [ $n -ge 2 ]\ndo\n  n=$((n + 1))\ndone\necho $n')).stdout, '2\n');
    assert.equal((await sh('for m in $(grep mode /etc/app/settings | cut); do echo $m; done')).stderr, 'sh: 1: cut: not found\n');
    assert.equal((await sh('for m in $(grep mode= /etc/app/settings); do if [ "$m" = mode=fast ]; then echo fast; elif [ "$m" = mode=slow ]; then echo slow; else echo other; fi; done')).stdout, 'fast\nslow\n');
    assert.equal((await sh('level=$(grep level /etc/app/settings); echo "${level}" $((7 % 4 * (2 + 1)))')).stdout, 'level=3 9\n');
    assert.equal((await sh('MODE=slow printenv MODE; printenv MODE || echo unset')).stdout, 'slow\nunset\n');
  });

  it('refuses a script that does not parse, and a malformed test, as dash does', async () => {
    const { sh } = container();
    assert.deepEqual(await sh('while true; do echo x'), { code: 2, stdout: '', stderr: 'sh: 1: Syntax error: end of file unexpected (expecting "done")\n' });
    assert.deepEqual(await sh('echo a; fi'), { code: 2, stdout: '', stderr: 'sh: 1: Syntax error: "fi" unexpected\n' });
    assert.deepEqual(await sh('[ x -lt 3 ]'), { code: 2, stdout: '', stderr: 'sh: 1: [: Illegal number: x\n' });
  });

  it('words its errors as busybox in busybox images', async () => {
    const { sh } = container('busybox');
    assert.deepEqual(await sh('echo x > /etc/app/new'), { code: 1, stdout: '', stderr: "sh: can't create /etc/app/new: Read-only file system\n" });
    assert.deepEqual(await sh('head /nope; mkdir /x/y'), { code: 1, stdout: '', stderr: "head: can't open '/nope': No such file or directory\nmkdir: can't create directory '/x/y': No such file or directory\n" });
  });

  it('tells the date from the clock, whole or by format', async () => {
    const { sh } = container();
    assert.equal((await sh('date; date +%F_%T; date +%s')).stdout, `Sun Dec  6 09:05:07 UTC 2026\n2026-12-06_09:05:07\n${Date.UTC(2026, 11, 6, 9, 5, 7) / 1000}\n`);
  });
});
