/**
 * A self-contained demo trunk on local files: bare "remote" git repositories
 * for six obviously fake packages (upstream on master, distgit on rpm-master
 * with a real noarch spec) and the package list the `local` pkginfo driver
 * reads (DLRN's package keys). History uses fixed identities and dates, so the same content
 * gets the same SHAs on every machine.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { commitFile, commitTime, git, initBare, initWorkTree, pushBranch, tag, type CommitInfo } from './git';

export interface DemoPackage {
  /** RPM name (rdoinfo `name`). */
  name: string;
  /** rdoinfo `project`. */
  project: string;
  /** file:// URL of the upstream bare repo (branch master). */
  upstream: string;
  /** file:// URL of the distgit bare repo (branch rpm-master). */
  distgit: string;
}

export interface DemoTrunk {
  root: string;
  /** `packages.yml`, read by the local pkginfo driver. */
  packagesFile: string;
  release: 'demo';
  packages: DemoPackage[];
  /** Name of the package meant to be broken with pushBreakingAndFixingCommits. */
  failingPackage: string;
}

const RELEASE = 'demo';
const UPSTREAM_BRANCH = 'master';
const DISTGIT_BRANCH = 'rpm-master';
/** 2023-11-14T22:13:20Z; every demo commit is dated from here. */
const BASE_DATE = 1_700_000_000;
const AUTHOR = { name: 'trunkflow demo', email: 'demo@example.org' };

const PACKAGES: Array<{ project: string; conf: 'tfdemo-core' | 'tfdemo-client'; maintainer: string }> = [
  { project: 'tfdemo-alpha', conf: 'tfdemo-client', maintainer: 'alice@example.org' },
  { project: 'tfdemo-beta', conf: 'tfdemo-client', maintainer: 'bob@example.org' },
  { project: 'tfdemo-gamma', conf: 'tfdemo-core', maintainer: 'carol@example.org' },
  { project: 'tfdemo-delta', conf: 'tfdemo-core', maintainer: 'dave@example.org' },
  { project: 'tfdemo-epsilon', conf: 'tfdemo-core', maintainer: 'erin@example.org' },
  { project: 'tfdemo-zeta', conf: 'tfdemo-client', maintainer: 'frank@example.org' },
];
const FAILING_PROJECT = 'tfdemo-gamma';
const nameOf = (p: (typeof PACKAGES)[number]) => `${p.conf === 'tfdemo-core' ? 'openstack' : 'python'}-${p.project}`;

/** The trunk's description; a pure function of root. */
function describeDemo(root: string): DemoTrunk {
  const remotes = join(root, 'remotes');
  return {
    root,
    packagesFile: join(root, 'packages.yml'),
    release: RELEASE,
    packages: PACKAGES.map((p) => ({
      name: nameOf(p),
      project: p.project,
      upstream: `file://${join(remotes, `${p.project}.git`)}`,
      distgit: `file://${join(remotes, `${p.project}-distgit.git`)}`,
    })),
    failingPackage: nameOf(PACKAGES.find((p) => p.project === FAILING_PROJECT)!),
  };
}

const exists = (p: string) => stat(p).then(() => true, () => false);

/** Creates the demo trunk under root, unless root/.complete says it is already there. */
export async function generateDemoTrunk(root: string): Promise<DemoTrunk> {
  root = resolve(root);
  const demo = describeDemo(root);
  if ((await exists(join(root, '.complete'))) && (await exists(demo.packagesFile))) return demo;
  // A previous run died half-way: start over (same dates, so the same SHAs).
  for (const d of ['remotes', '.work']) await rm(join(root, d), { recursive: true, force: true });

  for (const [i, pkg] of demo.packages.entries()) {
    const work = join(root, '.work', pkg.project);
    // Upstream: a tag on the first commit, then 2-4 more; packages interleave in time.
    await initBare(join(root, 'remotes', `${pkg.project}.git`), UPSTREAM_BRANCH);
    await initWorkTree(work, UPSTREAM_BRANCH);
    const at = (n: number) => ({ authorDate: BASE_DATE + 3600 * (n + 1) + 60 * i, author: AUTHOR });
    await commitFile(work, upstreamFiles(pkg.project), `Initial import of ${pkg.project}`, at(0));
    await tag(work, '1.0.0');
    const extra = 2 + (i % 3);
    for (let n = 1; n <= extra; n++) {
      await commitFile(work, { 'NEWS.txt': news(pkg.project, n) }, `${pkg.project}: change number ${n}`, at(n));
    }
    await pushBranch(work, pkg.upstream, UPSTREAM_BRANCH, { tags: true });

    // Distgit: the spec, dated before any upstream commit.
    const dg = `${work}-distgit`;
    await initBare(join(root, 'remotes', `${pkg.project}-distgit.git`), DISTGIT_BRANCH);
    await initWorkTree(dg, DISTGIT_BRANCH);
    await commitFile(dg, { [`${pkg.name}.spec`]: specFile(pkg) }, `Add ${pkg.name} spec`, { authorDate: BASE_DATE + 60 * i, author: AUTHOR });
    await pushBranch(dg, pkg.distgit, DISTGIT_BRANCH);
  }
  await rm(join(root, '.work'), { recursive: true, force: true });

  await writeFile(demo.packagesFile, packageList(demo));
  await writeFile(join(root, '.complete'), `${JSON.stringify(demo, null, 2)}\n`);
  return demo;
}

function upstreamFiles(project: string): Record<string, string> {
  return {
    'README.md': `# ${project}\n\nDemo upstream project generated by trunkflow. Not real software.\n`,
    'data.txt': `${project} demo data\n`,
    'NEWS.txt': news(project, 0),
  };
}

const news = (project: string, n: number) =>
  [`${project} news`, ...Array.from({ length: n }, (_, k) => `- change number ${k + 1}`)].join('\n') + '\n';

/** A noarch spec that only installs README.md and data.txt: buildable with plain rpmbuild. */
function specFile(pkg: DemoPackage): string {
  return `Name:           ${pkg.name}
Version:        XXX
Release:        XXX%{?dist}
Summary:        trunkflow demo package ${pkg.project} (not real software)
License:        Apache-2.0
URL:            https://example.org/tfdemo/${pkg.project}
Source0:        https://example.org/tfdemo/${pkg.project}-%{upstream_version}.tar.gz
BuildArch:      noarch

%description
A package of trunkflow's demo trunk. It installs two text files.

%prep
%setup -q -n %{name}-%{upstream_version}

%build
# Nothing to compile.

%install
mkdir -p %{buildroot}%{_datadir}/%{name}
cp -p README.md data.txt %{buildroot}%{_datadir}/%{name}/

%files
%dir %{_datadir}/%{name}
%{_datadir}/%{name}/README.md
%{_datadir}/%{name}/data.txt

%changelog
* Tue Nov 14 2023 trunkflow demo <demo@example.org> - 1.0.0-1
- Initial demo package
`;
}

/** The demo's package list, with DLRN's keys, for the local pkginfo driver. */
function packageList(demo: DemoTrunk): string {
  const doc = {
    packages: PACKAGES.map((p) => {
      const pkg = demo.packages.find((x) => x.project === p.project)!;
      return {
        name: pkg.name,
        project: pkg.project,
        upstream: pkg.upstream,
        'master-distgit': pkg.distgit,
        maintainers: [p.maintainer],
        component: p.conf === 'tfdemo-core' ? 'common' : 'clients',
      };
    }),
  };
  return `# trunkflow demo packages, generated: fake packages served from ${join(demo.root, 'remotes')}\n${stringify(doc, { indentSeq: false })}`;
}

function packageOf(demo: DemoTrunk, pkg: string): DemoPackage {
  const p = demo.packages.find((x) => x.name === pkg || x.project === pkg);
  if (!p) throw new Error(`demo trunk ${demo.root}: no package '${pkg}' (have ${demo.packages.map((x) => x.name).join(', ')})`);
  return p;
}

/**
 * Clones a remote into a scratch work tree, lets `change` commit, pushes.
 * Each commit is dated 60 s after the branch tip so it always sorts after it.
 */
async function withUpstream<T>(pkg: DemoPackage, change: (work: string, nextDate: () => Promise<number>) => Promise<T>): Promise<T> {
  const work = await mkdtemp(join(tmpdir(), 'tfdemo-'));
  try {
    await git(work, ['clone', '--quiet', '--branch', UPSTREAM_BRANCH, pkg.upstream, '.']);
    const result = await change(work, async () => (await commitTime(work, 'HEAD')) + 60);
    await pushBranch(work, 'origin', UPSTREAM_BRANCH);
    return result;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Lands one new commit on the upstream master of `project` (a name or project). */
export async function pushUpstreamCommit(demo: DemoTrunk, project: string, message: string): Promise<CommitInfo> {
  const pkg = packageOf(demo, project);
  return withUpstream(pkg, async (work, nextDate) => {
    const date = await nextDate();
    const sha = await commitFile(work, { [`changes/${date}.txt`]: `${message}\n` }, message, { authorDate: date, author: AUTHOR });
    return { sha, ctime: date };
  });
}

/**
 * Pushes to the package's upstream a commit that breaks its RPM build (it
 * deletes data.txt, which the spec installs) and then one that fixes it.
 * Defaults to the demo's failingPackage.
 */
export async function pushBreakingAndFixingCommits(
  demo: DemoTrunk,
  pkg: string = demo.failingPackage,
): Promise<{ breaking: CommitInfo; fixing: CommitInfo }> {
  const p = packageOf(demo, pkg);
  return withUpstream(p, async (work, nextDate) => {
    const d1 = await nextDate();
    const breaking = await commitFile(work, { 'data.txt': null }, `${p.project}: drop data.txt (breaks the package)`, { authorDate: d1, author: AUTHOR });
    const d2 = await nextDate();
    const fixing = await commitFile(work, { 'data.txt': `${p.project} demo data, restored\n` }, `${p.project}: restore data.txt`, {
      authorDate: d2,
      author: AUTHOR,
    });
    return { breaking: { sha: breaking, ctime: d1 }, fixing: { sha: fixing, ctime: d2 } };
  });
}
