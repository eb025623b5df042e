/**
 * How DLRN's `scripts/build_srpm.sh` makes a package's source tarball: which
 * recipe a source tree gets (pbr sdist, puppet module, plain tree), the
 * tarball's top directory, the name Source0 gets, and the spec edits around
 * it. Pure: the caller lists the tree's files and runs the tools.
 */

/** The recipe build_srpm.sh picks for a source tree. */
export type SourceKind =
  /** setup.py and no metadata.json: version from `setup.py --version`, tarball from `setup.py sdist`. */
  | 'python'
  /** a *.gemspec: `gem build` (not supported here). */
  | 'gem'
  /** anything else: version from metadata.json, a Modulefile or git tags; tarball of the tree. */
  | 'tree';

/** Which files of the tree's top level decide the recipe. */
export interface SourceTreeFiles {
  /** Names of the files at the top of the source tree. */
  names: readonly string[];
}

/**
 * build_srpm.sh's order: `setup.py` without `metadata.json` is Python (some
 * puppet modules carry a setup.py too, for their docs), then a gemspec, then
 * the tree itself.
 */
export function sourceKind(tree: SourceTreeFiles): SourceKind {
  const has = (n: string) => tree.names.includes(n);
  if (has('setup.py') && !has('metadata.json')) return 'python';
  if (tree.names.some((n) => n.endsWith('.gemspec'))) return 'gem';
  return 'tree';
}

export interface TreeTarballInput {
  /** The package name (DLRN's PROJECT_NAME, e.g. `puppet-oslo`). */
  packageName: string;
  /** The upstream URL (`git remote -v`'s first URL). */
  upstreamUrl: string;
  /** Top-level file names of the tree. */
  names: readonly string[];
  /** metadata.json's `name`, when the tree has one. */
  metadataName?: string | null;
}

/** The remote URL's last path element without `.git` (build_srpm.sh's sed over `git remote -v`). */
export function repoBaseName(url: string): string {
  return url.replace(/.*\//, '').replace(/\.git$/, '');
}

/**
 * TARNAME of a tree tarball, whose top directory is `<TARNAME>-<version>`:
 * a puppet module's metadata.json name when it matches bash's
 * `=~ openstack-*` (that is, contains `openstack`: OpenStack puppet modules
 * are named `openstack-<x>`), else the repository name; a Modulefile module
 * the repository name; a kernel tree `linux`; anything else the package name.
 */
export function treeTarballName(input: TreeTarballInput): string {
  const has = (n: string) => input.names.includes(n);
  if (has('metadata.json')) {
    const name = input.metadataName ?? '';
    return /openstack-*/.test(name) ? name : repoBaseName(input.upstreamUrl);
  }
  if (has('Modulefile')) return repoBaseName(input.upstreamUrl);
  if (has('Kconfig') && has('Kbuild')) return 'linux';
  return input.packageName;
}

/**
 * The Source0 file name build_srpm.sh gives the tarball: its base name, then
 * `-<release>`, then the extension (`oslo.config-9.5.0.dev7.tar.gz` →
 * `oslo.config-9.5.0.dev7-0.20240313000000.cac8283.tar.gz`).
 */
export function sourceWithRelease(tarball: string, release: string): string {
  const ext = tarball.endsWith('.gem') ? '.gem' : '.tar.gz';
  const base = tarball.endsWith(ext) ? tarball.slice(0, -ext.length) : tarball;
  return `${base}-${release}${ext}`;
}

/**
 * build_srpm.sh's edit of `requirements.txt` and `test-requirements.txt`
 * before anything else: environment markers on `python_version` and
 * `sys_platform` comparisons are cut off the line.
 */
export function stripRequirementMarkers(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/; *python_version.*[!=<>]=?.*/g, '').replace(/; *sys_platform.*[!=<>]=?.*/g, ''))
    .join('\n');
}

/** The requirement files build_srpm.sh edits. */
export const REQUIREMENT_FILES: readonly string[] = ['test-requirements.txt', 'requirements.txt'];

/** build_srpm.sh's `sed '/^%changelog/q'`: everything up to and including the first %changelog line. */
export function truncateChangelog(spec: string): string {
  const lines = spec.split('\n');
  const at = lines.findIndex((l) => l.startsWith('%changelog'));
  return at < 0 ? spec : `${lines.slice(0, at + 1).join('\n')}\n`;
}

/**
 * DLRN keeps the distgit's own Source0 (`keep_tarball`) only with the gitrepo
 * package-info driver, and only while the package follows the trunk's source
 * branch or master (build.py).
 */
export function keepsTarball(o: { keepTarball: boolean; pkginfoDriver: string; commitBranch: string; sourceBranch: string }): boolean {
  return o.keepTarball && o.pkginfoDriver === 'gitrepo' && (o.commitBranch === o.sourceBranch || o.commitBranch === 'master');
}

/** The one spec of a distgit directory (build_srpm.sh copies `*.spec`), or an error naming what is there. */
export function pickSpecFile(names: readonly string[], where: string): string {
  const specs = names.filter((n) => n.endsWith('.spec'));
  if (specs.length === 1) return specs[0];
  throw new Error(`${where}: expected exactly one .spec file, found ${specs.length ? specs.join(', ') : 'none'}`);
}
