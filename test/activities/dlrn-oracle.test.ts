/**
 * DLRN itself as the oracle of the source RPMs: its released
 * `build_srpm.sh` and `common-functions` (from the DLRN wheel, see
 * scripts/dlrn-templates.sh) run on the real fixtures next to trunkflow's
 * buildSrpm, with the same build tools, commit and release date. mock cannot
 * run here (no CentOS repositories), so a stand-in takes its place: its
 * `--chroot` runs the command on this host with the target's build tools first
 * in PATH, `--copyout` copies, `--buildsrpm` runs rpmbuild -bs with the
 * template's %dist. The scripts are used as shipped, with /usr/bin/mock
 * pointed at the stand-in.
 */
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildSrpm } from '../../src/activities/build/srpm';
import { ensureBuildTools } from '../../src/activities/build/tools';
import { run } from '../../src/activities/process';
import { buildConfig, PROJECT_ROOT } from '../../src/config';
import { releaseDate } from '../../src/domain/trunk/release-number';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures', 'real-packages');
const DT_BUILD = Date.UTC(2024, 2, 13, 1, 2, 3) / 1000;
const tools = buildConfig({}, 'test', PROJECT_ROOT, {}).buildTools;

let tmp: string;
let scripts: string;

/** The stand-in for /usr/bin/mock (see the file comment); $FAKE_ROOT is the "chroot", $TOOLS the build tools' bin. */
const FAKE_MOCK = `#!/bin/bash
set -e
action= ; cmd= ; out= ; spec= ; sources= ; copy=()
while [ $# -gt 0 ]; do
  case "$1" in
    -r|--resultdir|--spec) [ "$1" = --resultdir ] && out=$2; [ "$1" = --spec ] && spec=$2; shift 2;;
    --sources=*) sources=\${1#--sources=}; shift;;
    --chroot) action=chroot; cmd=$2; shift 2;;
    --copyout) action=copyout; copy=("$2" "$3"); shift 3;;
    --buildsrpm) action=buildsrpm; shift;;
    -p) echo "$FAKE_ROOT"; exit 0;;
    --clean|--init) exit 0;;
    -v|-q) shift;;
    *) echo "stand-in mock: unexpected argument $1" >&2; exit 2;;
  esac
done
case "$action" in
  chroot) cd "$FAKE_ROOT"; PATH="$TOOLS:$PATH" HOME="$FAKE_ROOT" bash -c "\${cmd//\\/var\\/tmp\\/pkgsrc/$FAKE_ROOT/var/tmp/pkgsrc}";;
  copyout) cp -r "$FAKE_ROOT\${copy[0]}" "\${copy[1]}";;
  buildsrpm) top=$(mktemp -d); rpmbuild -bs --nodeps --define "_topdir $top" --define "_sourcedir $sources" --define "_srcrpmdir $out" --define 'dist .el9' "$spec"; rm -rf "$top";;
esac
`;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'tf-dlrn-oracle-'));
  const shipped = (await run('bash', [join(PROJECT_ROOT, 'scripts', 'dlrn-templates.sh')])).stdout.trim();
  scripts = join(tmp, 'scripts');
  await mkdir(scripts);
  for (const f of ['build_srpm.sh', 'common-functions']) {
    await writeFile(join(scripts, f), (await readFile(join(shipped, f), 'utf8')).split('/usr/bin/mock').join(join(scripts, 'mock')));
    await chmod(join(scripts, f), 0o755);
  }
  await writeFile(join(scripts, 'mock'), FAKE_MOCK);
  await chmod(join(scripts, 'mock'), 0o755);
  // spectool only fetches remote sources; none are needed once Source0 is the local tarball.
  await mkdir(join(tmp, 'bin'));
  await writeFile(join(tmp, 'bin', 'spectool'), '#!/bin/sh\nexit 0\n');
  await chmod(join(tmp, 'bin', 'spectool'), 0o755);
}, 120_000);
afterAll(() => rm(tmp, { recursive: true, force: true }));

interface Case {
  pkg: string;
  upstream: string;
  distgit: string;
  commit: string;
  distro: string;
  tools: 'el9' | 'el10';
}

/** DLRN's build_srpm.sh on a clone of the fixtures: its SRPM's directory. */
async function dlrnSrpm(c: Case, venv: string): Promise<string> {
  const base = join(tmp, `dlrn-${c.pkg}-${c.tools}`);
  const data = join(base, 'data');
  await mkdir(join(base, 'root', 'var', 'tmp'), { recursive: true });
  await run('git', ['clone', '--quiet', join(FIXTURES, `${c.upstream}.bundle`), join(data, c.pkg)]);
  await run('git', ['clone', '--quiet', join(FIXTURES, `${c.distgit}.bundle`), join(data, `${c.pkg}_distro`)]);
  await run('git', ['-C', join(data, `${c.pkg}_distro`), 'checkout', '--quiet', c.distro]);
  const out = join(base, 'out');
  await run('bash', [join(scripts, 'build_srpm.sh'), 'centos9-stream', c.pkg, out, data, 'https://trunk.example.org', join(data, `${c.pkg}_distro`)], {
    cwd: base,
    env: {
      PATH: `${join(tmp, 'bin')}:${process.env.PATH ?? ''}`, FAKE_ROOT: join(base, 'root'), TOOLS: join(venv, 'bin'),
      RELEASE_NUMBERING: '0.date.hash', RELEASE_DATE: releaseDate(DT_BUILD), MOCK_CONFIG: 'dlrn-1.cfg', DLRN_SOURCE_COMMIT: c.commit,
      HOME: join(base, 'root'), GIT_CONFIG_NOSYSTEM: '1',
    },
  });
  return out;
}

/** trunkflow's SRPM of the same commit. */
async function ourSrpm(c: Case, venv: string): Promise<string> {
  const base = join(tmp, `ours-${c.pkg}-${c.tools}`);
  const clone = join(base, 'clone');
  const distgit = join(base, 'distgit');
  await run('git', ['clone', '--quiet', '--no-checkout', join(FIXTURES, `${c.upstream}.bundle`), clone]);
  await mkdir(distgit, { recursive: true });
  await run('git', ['clone', '--quiet', '--bare', join(FIXTURES, `${c.distgit}.bundle`), join(base, 'distgit.git')]);
  await run('sh', ['-c', `git -C "${join(base, 'distgit.git')}" archive ${c.distro} | tar -x -C "${distgit}"`]);
  const out = join(base, 'out');
  await buildSrpm({
    packageName: c.pkg, upstreamUrl: join(FIXTURES, `${c.upstream}.bundle`), upstreamClone: clone, commitHash: c.commit, distgitDir: distgit,
    dtBuild: DT_BUILD, numbering: '0.date.hash', releaseMinor: '0', pythonEnv: async () => venv, keepTarball: false, keepChangelog: false,
    dist: '.el9', outDir: out, workDir: join(base, 'work'), logFile: join(base, 'log'),
  });
  return out;
}

/** Everything in an SRPM: spec text and, for the tarball, its name and file list. */
async function contents(dir: string) {
  const [srpm] = (await readdir(dir)).filter((f) => f.endsWith('.src.rpm'));
  const unpacked = await mkdtemp(join(tmp, 'unpack-'));
  await run('sh', ['-c', `rpm2archive - < "${join(dir, srpm)}" | tar -xz -C "${unpacked}"`]);
  const files = (await readdir(unpacked)).sort();
  const tarball = files.find((f) => f.endsWith('.tar.gz'))!;
  const specFile = files.find((f) => f.endsWith('.spec'))!;
  const listing = (await run('tar', ['-tzf', join(unpacked, tarball)])).stdout.split('\n').map((l) => l.replace(/\/$/, '')).filter(Boolean).sort();
  await copyFile(join(unpacked, specFile), join(dir, `${basename(dir)}.spec`));
  return { srpm, files, spec: await readFile(join(unpacked, specFile), 'utf8'), listing };
}

test.each([
  { pkg: 'python-oslo-config', upstream: 'oslo.config', distgit: 'oslo-config-distgit', commit: 'cac8283414be20b94442690b83723d10e02a896c', distro: 'rpm-master', tools: 'el9' },
  { pkg: 'python-oslo-config', upstream: 'oslo.config', distgit: 'oslo-config-distgit', commit: 'cac8283414be20b94442690b83723d10e02a896c', distro: 'rpm-master', tools: 'el10' },
  { pkg: 'puppet-oslo', upstream: 'puppet-oslo', distgit: 'puppet-oslo-distgit', commit: 'a1a9f3348cb004ac3ec1b1307e4f987b5047423d', distro: 'rpm-master', tools: 'el9' },
] as Case[])('$pkg with the $tools tools: the same SRPM as DLRN\'s build_srpm.sh (name, sources, spec, tarball contents)', async (c) => {
  const venv = await ensureBuildTools(tools[c.tools]);
  const theirs = await contents(await dlrnSrpm(c, venv));
  const ours = await contents(await ourSrpm(c, venv));
  expect(theirs.srpm).toMatch(new RegExp(`^${c.pkg}-[0-9.]+-0\\.20240313010203\\.${c.commit.slice(0, 7)}\\.el9\\.src\\.rpm$`));
  expect(theirs.spec).toMatch(/^%global dlrn 1$/m);
  expect(ours.srpm).toBe(theirs.srpm);
  expect(ours.files).toEqual(theirs.files);
  expect(ours.spec).toBe(theirs.spec);
  expect(ours.listing).toEqual(theirs.listing);
}, 300_000);
