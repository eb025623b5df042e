import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createBuildDriver } from '../../src/activities/build/select';
import { createMockDriver, mockArgv, writeSlotConfig } from '../../src/activities/build/mock';
import { createSimulatedDriver } from '../../src/activities/build/simulated';
import { parseRpmFileName } from '../../src/activities/build/rpm-names';
import { buildSrpm } from '../../src/activities/build/srpm';
import { generateDemoTrunk, pushBreakingAndFixingCommits, type DemoPackage, type DemoTrunk } from '../../src/activities/demo';
import { commitsSince, describeVersion, exportTree, resolveBranch, syncClone } from '../../src/activities/git';
import { run } from '../../src/activities/process';
import { PROJECT_ROOT } from '../../src/config';
import { alive, exited, readPid, waitFor } from './helpers';

let tmp: string;
let demo: DemoTrunk;
let pkg: DemoPackage;
let upstream: string;
let distgit: string;
let n = 0;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tf-build-'));
  demo = await generateDemoTrunk(join(tmp, 'demo'));
  pkg = demo.packages.find((p) => p.name === demo.failingPackage)!;
  upstream = join(tmp, 'cache', pkg.name);
  distgit = join(tmp, 'cache', `${pkg.name}_distro`);
  await syncClone(pkg.upstream, upstream);
  await syncClone(pkg.distgit, distgit);
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const exists = (p: string) => stat(p).then(() => true, () => false);
const query = async (rpm: string) =>
  (await run('rpm', ['-qp', '--nosignature', '--nodigest', '--queryformat', '%{NAME} %{VERSION} %{RELEASE} %{ARCH}', rpm])).stdout;

/** DLRN's steps up to the SRPM for one upstream commit of the demo package, in a fresh output dir. */
async function srpmFor(sha: string, distgitDir?: string) {
  const outDir = join(tmp, `out-${++n}`);
  await mkdir(outDir);
  const up = join(tmp, `up-${n}`);
  await exportTree(upstream, sha, up);
  let dg = distgitDir;
  if (!dg) {
    dg = join(tmp, `dg-${n}`);
    await exportTree(distgit, (await resolveBranch(distgit, 'rpm-master')).sha, dg);
  }
  const tag = await describeVersion(upstream, sha);
  expect(tag).toBe('1.0.0');
  const release = `0.20231115000000.${sha.slice(0, 7)}`;
  const logFile = join(outDir, 'rpmbuild.log');
  const { srpm, nvr } = await buildSrpm({
    packageName: pkg.name, upstreamUrl: pkg.upstream, upstreamClone: upstream, commitHash: sha, distgitDir: dg,
    dtBuild: Date.UTC(2023, 10, 15) / 1000, numbering: '0.date.hash', releaseMinor: '0', pythonEnv: () => Promise.reject(new Error('a demo package needs no Python tools')),
    keepTarball: false, keepChangelog: false, outDir, workDir: join(tmp, `work-${n}`), logFile,
  });
  return { outDir, logFile, srpm, nvr, release };
}

describe('buildSrpm + rpmbuild driver', () => {
  test('build a real noarch RPM from a demo package', async () => {
    const tip = (await resolveBranch(upstream, 'master')).sha;
    const { outDir, logFile, srpm, nvr, release } = await srpmFor(tip);
    expect(nvr).toBe(`${pkg.name}-1.0.1-${release}`);
    expect(srpm).toBe(join(outDir, `${nvr}.src.rpm`));
    const files = (await run('rpm', ['-qlp', '--nosignature', srpm])).stdout.split('\n');
    expect(files).toEqual(expect.arrayContaining([`1.0.1-${release}.tar.gz`, `${pkg.name}.spec`]));

    const progress: string[] = [];
    const { rpms } = await createBuildDriver({ driver: 'rpmbuild' }).build({ srpm, outDir, logFile, onProgress: (d) => progress.push(d) });
    const binary = join(outDir, `${nvr}.noarch.rpm`);
    expect(rpms).toEqual([binary, srpm].sort());
    expect(await query(binary)).toBe(`${pkg.name} 1.0.1 ${release} noarch`);
    expect((await run('rpm', ['-qlp', '--nosignature', binary])).stdout).toContain(`/usr/share/${pkg.name}/data.txt`);
    expect(await exists(join(outDir, 'installed'))).toBe(true);
    const log = await readFile(logFile, 'utf8');
    expect(log).toMatch(/^\+ rpmbuild -bs /m);
    expect(log).toMatch(/^\+ rpmbuild --rebuild /m);
    // No private _topdir left behind.
    expect((await readdir(outDir)).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  test('the breaking commit makes rpmbuild throw with the log tail, without `installed`; the fix builds', async () => {
    const tipBefore = await resolveBranch(upstream, 'master');
    const { breaking, fixing } = await pushBreakingAndFixingCommits(demo, pkg.name);
    await syncClone(pkg.upstream, upstream);
    expect(await commitsSince(upstream, 'origin/master', tipBefore.ctime)).toEqual([
      { sha: tipBefore.sha, ctime: tipBefore.ctime },
      breaking,
      fixing,
    ]);

    const bad = await srpmFor(breaking.sha);
    const err = await createBuildDriver({ driver: 'rpmbuild' })
      .build({ srpm: bad.srpm, outDir: bad.outDir, logFile: bad.logFile })
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`rpmbuild of ${basename(bad.srpm)} failed (log: ${bad.logFile})`);
    expect((err as Error).message).toMatch(/data\.txt.*No such file or directory/);
    expect((err as Error).message).toContain('Bad exit status');
    expect((err as Error).message.split('\n').length).toBeLessThanOrEqual(21);
    expect(await exists(join(bad.outDir, 'installed'))).toBe(false);
    expect(await readFile(bad.logFile, 'utf8')).toContain('RPM build errors');

    const good = await srpmFor(fixing.sha);
    const { rpms } = await createBuildDriver({ driver: 'rpmbuild' }).build({ srpm: good.srpm, outDir: good.outDir, logFile: good.logFile });
    expect(rpms.map((r) => basename(r))).toContain(`${good.nvr}.noarch.rpm`);
  });

  test('aborting an rpmbuild build kills rpmbuild and its build script', async () => {
    const tip = (await resolveBranch(upstream, 'master')).sha;
    const dg = join(tmp, 'slow-distgit');
    const pidFile = join(tmp, 'slow.pid');
    await exportTree(distgit, (await resolveBranch(distgit, 'rpm-master')).sha, dg);
    const spec = join(dg, `${pkg.name}.spec`);
    await writeFile(spec, (await readFile(spec, 'utf8')).replace('# Nothing to compile.', `sleep 60 & echo $! > ${pidFile}; wait`));
    const { srpm, outDir, logFile } = await srpmFor(tip, dg);

    const ac = new AbortController();
    const build = createBuildDriver({ driver: 'rpmbuild' }).build({ srpm, outDir, logFile, signal: ac.signal });
    const pid = await readPid(pidFile);
    expect(alive(pid)).toBe(true);
    const t0 = Date.now();
    ac.abort();
    await expect(build).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - t0).toBeLessThan(3000);
    await exited(pid);
    expect(await exists(join(outDir, 'installed'))).toBe(false);
    expect((await readdir(outDir)).filter((f) => f.startsWith('.rpmbuild-'))).toEqual([]);
  });

  test('buildSrpm names the package and the missing spec', async () => {
    const empty = join(tmp, 'no-spec');
    await mkdir(empty);
    const tip = (await resolveBranch(upstream, 'master')).sha;
    await expect(
      buildSrpm({
        packageName: 'p', upstreamUrl: pkg.upstream, upstreamClone: upstream, commitHash: tip, distgitDir: empty, dtBuild: 0,
        numbering: '0.date.hash', releaseMinor: '0', pythonEnv: () => Promise.reject(new Error('a demo package needs no Python tools')), keepTarball: false, keepChangelog: false,
        outDir: join(tmp, 'x'), workDir: join(tmp, 'x-work'), logFile: join(tmp, 'x.log'),
      }),
    ).rejects.toThrow(`p: finding the spec failed (log: ${join(tmp, 'x.log')}): ${empty}: expected exactly one .spec file, found none`);
  });
});

describe('simulated driver', () => {
  const srpmName = 'python-tfdemo-alpha-1.0.1-0.20231115000000.abcdef1.src.rpm';

  test('writes a placeholder RPM marked as simulated, the srpm, a log and `installed`', async () => {
    const outDir = join(tmp, 'sim-ok');
    const logFile = join(tmp, 'sim-ok.log');
    const { rpms } = await createBuildDriver({ driver: 'simulated', simulated: { durationMs: 50 } }).build({
      srpm: join(tmp, 'nowhere', srpmName),
      outDir,
      logFile,
    });
    expect(rpms).toEqual([join(outDir, 'python-tfdemo-alpha-1.0.1-0.20231115000000.abcdef1.noarch.rpm'), join(outDir, srpmName)]);
    expect(await readFile(rpms[0], 'utf8')).toContain('SIMULATED');
    expect(await readFile(logFile, 'utf8')).toContain('SIMULATED build');
    expect(await exists(join(outDir, 'installed'))).toBe(true);
  });

  test('failPattern makes matching builds fail with a log tail', async () => {
    const outDir = join(tmp, 'sim-fail');
    const driver = createSimulatedDriver({ durationMs: 0, failPattern: 'tfdemo-al' });
    const err = await driver.build({ srpm: join(tmp, srpmName), outDir, logFile: join(tmp, 'sim-fail.log') }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/simulated build of .* failed[^]*SIMULATED failure: .* matches failPattern/);
    expect(await exists(join(outDir, 'installed'))).toBe(false);
  });

  test('abort rejects at once', async () => {
    const ac = new AbortController();
    const b = createSimulatedDriver({ durationMs: 60_000 }).build({ srpm: srpmName, outDir: join(tmp, 'sim-abort'), logFile: join(tmp, 'sim-abort.log'), signal: ac.signal });
    await waitFor(async () => ((await readFile(join(tmp, 'sim-abort.log'), 'utf8')) ? true : undefined));
    const t0 = Date.now();
    const reason = new Error('cancelled');
    ac.abort(reason);
    await expect(b).rejects.toBe(reason);
    expect(Date.now() - t0).toBeLessThan(200);
    expect(await exists(join(tmp, 'sim-abort', 'installed'))).toBe(false);
  });
});

describe('mock driver', () => {
  test('builds the production command line', () => {
    expect(mockArgv({ config: '/data/dlrn-1.cfg', srpm: '/out/a-1-1.src.rpm', outDir: '/out' })).toEqual([
      '-v', '-r', '/data/dlrn-1.cfg', '--resultdir', '/out', '--postinstall', '--rebuild', '/out/a-1-1.src.rpm',
    ]);
    expect(mockArgv({ config: 'centos-stream-9-x86_64', srpm: 's', outDir: 'o', installAfterBuild: false })).toEqual([
      '-v', '-r', 'centos-stream-9-x86_64', '--resultdir', 'o', '--rebuild', 's',
    ]);
  });

  /** A target template shaped as DLRN's <target>.cfg: the dnf.conf string closes on the last line. */
  const TEMPLATE = [
    "config_opts['root'] = 'centos-stream-9-x86_64'",
    "config_opts['target_arch'] = 'x86_64'",
    "config_opts['dnf.conf'] = \"\"\"",
    '[main]',
    'keepcache=1',
    '',
    '[baseos]',
    'name=BaseOS',
    'baseurl=http://mirror.example.org/9-stream/BaseOS/x86_64/os/',
    '"""',
  ].join('\n');
  const CURRENT_REPO = '[delorean]\nname=delorean-python-oslo-config-cac8283\nbaseurl=http://127.0.0.1/repos/t/ca/c8/cac8283_9dce7f81\nenabled=1\n';
  const DEPS_REPO = '[delorean-flamingo-testing]\nname=dlrn-flamingo-testing\nbaseurl=http://deps.example.org/flamingo/\nenabled=1\n';

  /** Slot configuration files for one test, the current repo file present. */
  async function slots(name: string, depsUrl?: string) {
    const dir = join(tmp, name);
    await mkdir(join(dir, 'current'), { recursive: true });
    await writeFile(join(dir, 'centos9-stream.cfg'), TEMPLATE);
    await writeFile(join(dir, 'current', 'delorean.repo'), CURRENT_REPO);
    await writeFile(join(dir, 'delorean-deps.repo'), DEPS_REPO);
    return {
      template: join(dir, 'centos9-stream.cfg'), configDir: join(dir, 'cfg'), currentRepo: join(dir, 'current', 'delorean.repo'),
      depsUrl: depsUrl ?? join(dir, 'delorean-deps.repo'),
    };
  }

  /** What mock itself would read: the .cfg executed as Python, config_opts' nested sections (plugin_conf, …) there as in mock. */
  async function mockView(cfg: string): Promise<{ root: string; dnf: string }> {
    const py = 'import collections,json,sys\ntree=lambda: collections.defaultdict(tree)\nconfig_opts=tree()\nexec(open(sys.argv[1]).read())\n' +
      'print(json.dumps({"root": config_opts["root"], "dnf": config_opts["dnf.conf"]}))';
    const { stdout } = await run('python3', ['-c', py, cfg]);
    return JSON.parse(stdout) as { root: string; dnf: string };
  }

  test('each build slot gets its own configuration: unique root, current and deps repos in dnf.conf', async () => {
    const s = await slots('mock-slots');
    // A stand-in mock that holds its slot until released, so two builds run at once.
    const bin = join(tmp, 'fake-mock-slow');
    await writeFile(bin, `#!/bin/sh\nwhile [ "$1" != -r ]; do shift; done\ncfg=$2\nwhile [ "$1" != --resultdir ]; do shift; done\necho "$cfg" > "$2/cfg-used"\nwhile [ ! -f "${tmp}/release-mock" ]; do sleep 0.05; done\necho rpm > "$2/a-1-1.noarch.rpm"\n`);
    await chmod(bin, 0o755);
    const driver = createMockDriver({ slots: s, mockBin: bin });
    const outs = [join(tmp, 'mock-slot-a'), join(tmp, 'mock-slot-b')];
    const builds = outs.map(async (outDir) => {
      await mkdir(outDir);
      await writeFile(join(outDir, 'a-1-1.src.rpm'), 'srpm');
      return driver.build({ srpm: join(outDir, 'a-1-1.src.rpm'), outDir, logFile: join(outDir, 'rpmbuild.log') });
    });
    const used = await Promise.all(outs.map((o) => waitFor(() => readFile(join(o, 'cfg-used'), 'utf8').then((t) => t.trim()))));
    await writeFile(join(tmp, 'release-mock'), '');
    await Promise.all(builds);
    expect(used.sort()).toEqual([join(s.configDir, 'dlrn-1.cfg'), join(s.configDir, 'dlrn-2.cfg')]);
    const views = await Promise.all(used.map(mockView));
    expect(views.map((v) => v.root)).toEqual(['centos-stream-9-x86_64-1', 'centos-stream-9-x86_64-2']);
    for (const v of views) {
      expect(v.dnf).toContain('[baseos]');
      expect(v.dnf).toContain(CURRENT_REPO);
      expect(v.dnf).toContain(DEPS_REPO);
    }
    // The next build reuses slot 1, and an unchanged configuration is not rewritten (mock keeps its cache).
    const before = (await stat(used[0])).mtimeMs;
    const outDir = join(tmp, 'mock-slot-c');
    await mkdir(outDir);
    await driver.build({ srpm: join(outDir, 'a-1-1.src.rpm'), outDir, logFile: join(outDir, 'rpmbuild.log') }).catch(() => undefined);
    expect((await readFile(join(outDir, 'cfg-used'), 'utf8')).trim()).toBe(join(s.configDir, 'dlrn-1.cfg'));
    expect((await stat(used[0])).mtimeMs).toBe(before);
  });

  test("DLRN's own centos9-stream.cfg template (from the DLRN wheel) gets a slot root and the trunk's repos", async () => {
    const templates = (await run('bash', [join(PROJECT_ROOT, 'scripts', 'dlrn-templates.sh')])).stdout.trim();
    const s = { ...(await slots('mock-dlrn-template')), template: join(templates, 'centos9-stream.cfg') };
    const view = await mockView(await writeSlotConfig(s, 2, join(tmp, 'dlrn-template.log')));
    expect(view.root).toBe('dlrn-centos9stream-x86_64-2');
    expect(view.dnf).toMatch(/^\[baseos\]$/m); // the template's own repositories stay
    expect(view.dnf).toContain(CURRENT_REPO);
    expect(view.dnf).toContain(DEPS_REPO);
  }, 120_000);

  test('deps_url is fetched over HTTP; an unreadable one is left out with a warning, as DLRN does', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/trunk/delorean-deps.repo') res.end(DEPS_REPO);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const log = join(tmp, 'deps.log');
      const ok = await writeSlotConfig(await slots('mock-deps-http', `http://127.0.0.1:${port}/trunk/delorean-deps.repo`), 3, log);
      expect(await mockView(ok)).toMatchObject({ root: 'centos-stream-9-x86_64-3', dnf: expect.stringContaining(DEPS_REPO) as string });
      const missing = await writeSlotConfig(await slots('mock-deps-404', `http://127.0.0.1:${port}/nope.repo`), 1, log);
      const view = await mockView(missing);
      expect(view.dnf).toContain(CURRENT_REPO);
      expect(view.dnf).not.toContain('delorean-flamingo-testing');
      expect(await readFile(log, 'utf8')).toContain(`WARNING: could not read deps_url http://127.0.0.1:${port}/nope.repo (HTTP 404)`);
    } finally {
      server.close();
    }
  });

  /** A stand-in mock: records its argv, writes an RPM into --resultdir, optionally prints mock's install warning. */
  async function fakeMock(warn: boolean) {
    const bin = join(tmp, `fake-mock-${warn}`);
    await writeFile(
      bin,
      `#!/bin/sh\necho "$@" > "$0.args"\nwhile [ "$1" != --resultdir ]; do shift; done\necho rpm > "$2/a-1-1.noarch.rpm"\n${warn ? 'echo "WARNING: Failed install built packages"\n' : ''}`,
    );
    await chmod(bin, 0o755);
    return bin;
  }

  test('runs mock, collects the RPMs and marks `installed`', async () => {
    const outDir = join(tmp, 'mock-ok');
    await mkdir(outDir);
    const srpm = join(outDir, 'a-1-1.src.rpm');
    await writeFile(srpm, 'srpm');
    const bin = await fakeMock(false);
    const s = await slots('mock-ok-slots');
    const { rpms } = await createMockDriver({ slots: s, mockBin: bin }).build({ srpm, outDir, logFile: join(outDir, 'rpmbuild.log') });
    expect(rpms).toEqual([join(outDir, 'a-1-1.noarch.rpm'), srpm]);
    expect((await readFile(`${bin}.args`, 'utf8')).trim()).toBe(`-v -r ${join(s.configDir, 'dlrn-1.cfg')} --resultdir ${outDir} --postinstall --rebuild ${srpm}`);
    expect(await exists(join(outDir, 'installed'))).toBe(true);
  });

  test('a failed install in the chroot is a failure, as in DLRN', async () => {
    const outDir = join(tmp, 'mock-warn');
    await mkdir(outDir);
    const bin = await fakeMock(true);
    await expect(
      createMockDriver({ slots: await slots('mock-warn-slots'), mockBin: bin }).build({ srpm: join(outDir, 'a-1-1.src.rpm'), outDir, logFile: join(outDir, 'rpmbuild.log') }),
    ).rejects.toThrow(/Error installing a-1-1\.src\.rpm/);
    expect(await exists(join(outDir, 'installed'))).toBe(false);
  });

  test('createBuildDriver wires each driver by name', async () => {
    expect(createBuildDriver({ driver: 'rpmbuild' }).name).toBe('rpmbuild');
    expect(createBuildDriver({ driver: 'mock', mock: await slots('wire') }).name).toBe('mock');
    expect(createBuildDriver({ driver: 'simulated', simulated: { durationMs: 1 } }).name).toBe('simulated');
    expect(() => createBuildDriver({ driver: 'mock' })).toThrow(/mockTemplate/);
  });
});

describe('RPM file names', () => {
  test('parseRpmFileName', () => {
    expect(parseRpmFileName('/x/python-foo-bar-1.0.1-0.2023.abc.el9.noarch.rpm')).toEqual({
      name: 'python-foo-bar', version: '1.0.1', release: '0.2023.abc.el9', arch: 'noarch',
    });
    expect(parseRpmFileName('foo.tar.gz')).toBeNull();
  });
});
