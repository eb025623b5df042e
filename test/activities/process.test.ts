import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, ProcessError } from '../../src/activities/process';
import { alive, exited, readPid } from './helpers';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tf-process-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test('returns stdout and stderr of a successful command', async () => {
  const r = await run('sh', ['-c', 'echo out; echo err >&2']);
  expect(r).toEqual({ stdout: 'out\n', stderr: 'err\n' });
});

test('failure names the command and carries the last 20 lines of stderr', async () => {
  const err = await run('sh', ['-c', 'for i in $(seq 1 50); do echo line$i >&2; done; exit 3'], { cwd: dir }).catch((e) => e);
  expect(err).toBeInstanceOf(ProcessError);
  expect(err.exitCode).toBe(3);
  expect(err.message).toContain('sh -c');
  expect(err.message).toContain('exited with 3');
  expect(err.message).toContain(dir);
  expect(err.tail.split('\n')).toEqual(Array.from({ length: 20 }, (_, i) => `line${31 + i}`));
});

test('a missing executable is reported, not thrown raw', async () => {
  await expect(run('tf-no-such-command', [])).rejects.toThrow(/tf-no-such-command could not start/);
});

test('logFile gets a header and the interleaved output, appended', async () => {
  const log = join(dir, 'run.log');
  await run('sh', ['-c', 'echo one; echo two >&2'], { logFile: log });
  await run('echo', ['three'], { logFile: log });
  expect(await readFile(log, 'utf8')).toBe("+ sh -c 'echo one; echo two >&2'\none\ntwo\n+ echo three\nthree\n");
});

test('onProgress is called while the command runs', async () => {
  const seen: string[] = [];
  await run('sh', ['-c', 'echo started; sleep 0.5'], { onProgress: (d) => seen.push(d), progressIntervalMs: 100 });
  expect(seen.length).toBeGreaterThanOrEqual(2);
  expect(seen[seen.length - 1]).toMatch(/^sh running \d+s: started$/);
});

test('abort kills the whole process group and rejects with the abort reason', async () => {
  const pidFile = join(dir, 'grandchild.pid');
  const ac = new AbortController();
  // The grandchild (sleep) is what a plain child.kill() would leave behind.
  const p = run('sh', ['-c', `sleep 30 & echo $! > ${pidFile}; wait`], { signal: ac.signal });
  const pid = await readPid(pidFile);
  expect(alive(pid)).toBe(true);
  const t0 = Date.now();
  const reason = new Error('cancelled by test');
  ac.abort(reason);
  await expect(p).rejects.toBe(reason);
  expect(Date.now() - t0).toBeLessThan(1500);
  await exited(pid);
});

test('a child ignoring SIGTERM is SIGKILLed after the grace period', async () => {
  const pidFile = join(dir, 'stubborn.pid');
  const ac = new AbortController();
  const p = run('sh', ['-c', `trap '' TERM; sleep 30 & echo $! > ${pidFile}; wait`], { signal: ac.signal });
  const pid = await readPid(pidFile);
  const t0 = Date.now();
  ac.abort();
  await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  expect(Date.now() - t0).toBeLessThan(4000);
  await exited(pid);
});

test('an already aborted signal never starts the command', async () => {
  const marker = join(dir, 'never');
  await expect(run('touch', [marker], { signal: AbortSignal.abort() })).rejects.toThrow();
  await expect(stat(marker)).rejects.toThrow();
});

test('timeout kills the command and says so', async () => {
  const t0 = Date.now();
  const err = await run('sleep', ['30'], { timeoutMs: 200 }).catch((e) => e);
  expect(err).toBeInstanceOf(ProcessError);
  expect(err.timedOut).toBe(true);
  expect(err.message).toMatch(/sleep 30 timed out after 200 ms/);
  expect(Date.now() - t0).toBeLessThan(2000);
});

test('an unwritable log file fails before the command runs', async () => {
  const marker = join(dir, 'not-run');
  await expect(run('touch', [marker], { logFile: join(dir, 'no', 'such', 'dir', 'log') })).rejects.toThrow(/no\/such\/dir\/log/);
  await expect(stat(marker)).rejects.toThrow();
});
