import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../../src/config';
import { SHARED_RDOINFO, stackEnv } from '../support/stack';

const BIN = path.join(PROJECT_ROOT, 'bin', 'trunkflow.js');

function trunkflow(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd: fs.mkdtempSync(path.join(os.tmpdir(), 'tf-cli-')), // no stray trunkflow.yaml
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TRUNKFLOW_RDOINFO: SHARED_RDOINFO, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('trunkflow CLI', () => {
  it('prints the resolved packages of a release as JSON', () => {
    const run = trunkflow(['packages', '--release', 'flamingo', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const packages = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(packages).toHaveLength(249);
    for (const key of ['name', 'project', 'upstream', 'master-distgit', 'distgit', 'maintainers', 'tags']) {
      expect(packages[0]).toHaveProperty(key);
    }
  });

  it('stops with one line naming an unknown release', () => {
    const run = trunkflow(['packages', '--release', 'nosuchrelease']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('nosuchrelease');
  });

  it('names the file and field of a bad configuration', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-cli-cfg-'));
    const file = path.join(dir, 'trunkflow.yaml');
    fs.writeFileSync(file, 'http:\n  port: 99999\n');
    const run = trunkflow(['--config', file, 'status']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file}: http.port:`);
  });

  it('refuses bad one-off and purge options with one line naming the option, before reaching Temporal', () => {
    const noTemporal = { TEMPORAL_ADDRESS: '127.0.0.1:9' };
    const bad = trunkflow(['trunk', 'build', '--package', 'a b', '--head-only'], noTemporal);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('trunkflow: --package: "a b" is not a package name');
    const missing = trunkflow(['trunk', 'build', '--dev'], noTemporal);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("required option '-p, --package <name>' not specified");
    const days = trunkflow(['trunk', 'purge', 'demo', '--dry-run', '--keep-days', 'soon'], noTemporal);
    expect(days.code).toBe(1);
    expect(days.stderr.trim()).toBe('trunkflow: --keep-days: expected a whole number of days >= 0, got "soon"');
    const trunk = trunkflow(['trunk', 'purge', 'nosuchtrunk', '--dry-run'], noTemporal);
    expect(trunk.code).toBe(1);
    expect(trunk.stderr.trim()).toBe('unknown trunk "nosuchtrunk" (configured: demo)');
  });

  it('reports each part of the stack in status --json', () => {
    const { temporalAddress, adminDatabaseUrl } = stackEnv();
    const run = trunkflow(['status', '--json'], {
      TEMPORAL_ADDRESS: temporalAddress,
      DATABASE_URL: adminDatabaseUrl,
      TRUNKFLOW_HTTP_PORT: '9', // nothing listens there: the API must show as down
    });
    const status = JSON.parse(run.stdout);
    expect(status.temporal).toMatchObject({ url: temporalAddress, up: true });
    expect(status.database.up).toBe(true);
    expect(status.api).toMatchObject({ url: 'http://127.0.0.1:9', up: false });
    expect(run.code).toBe(3);
  });
});
