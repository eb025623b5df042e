/** A real pypiserver (from PyPI, in the release virtualenv) on a free loopback port, for upload tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { releaseVenv } from '../../src/activities/release/tag-jobs';

export interface PypiServer {
  url: string;
  packagesDir: string;
  stop(): Promise<void>;
}

const freePort = () => new Promise<number>((resolve, reject) => {
  const s = createServer();
  s.listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
  s.on('error', reject);
});

export async function startPypiServer(): Promise<PypiServer> {
  const venv = await releaseVenv();
  const packagesDir = await mkdtemp(path.join(tmpdir(), 'tf-pypi-'));
  const port = await freePort();
  // No authentication (-a . -P .): the index is on loopback for the test only; existing files answer 409.
  const child: ChildProcess = spawn(path.join(venv, 'bin', 'pypi-server'), ['run', '-i', '127.0.0.1', '-p', String(port), '-a', '.', '-P', '.', packagesDir], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const end = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${url}/simple/`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > end || child.exitCode !== null) throw new Error(`pypiserver did not start on ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    packagesDir,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    }),
  };
}
