import { truncateChangelog } from './source-tarball';

/**
 * RPM Version/Release numbering as DLRN's `scripts/build_srpm.sh` +
 * `scripts/common-functions` compute it. Pure: the git/setup.py outputs the
 * shell script would read are passed in.
 */

/** projects.ini `release_numbering` values the build script understands. */
export type ReleaseNumbering = '0.date.hash' | '0.1.date.hash' | 'minor.date.hash';

/** DLRN (build.py) maps any unknown `release_numbering` to the default. */
export function normalizeReleaseNumbering(value: string | null | undefined): ReleaseNumbering {
  return value === '0.1.date.hash' || value === 'minor.date.hash' ? value : '0.date.hash';
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/**
 * `RELEASE_DATE`: the build start (`dt_build`, epoch seconds) in UTC as
 * `%Y%m%d%H%M%S`. Fractions are truncated, as DLRN stores `int(time())`.
 */
export function releaseDate(epochSeconds: number): string {
  if (!Number.isFinite(epochSeconds)) throw new Error(`invalid build timestamp: ${epochSeconds}`);
  const d = new Date(Math.trunc(epochSeconds) * 1000);
  return (
    pad(d.getUTCFullYear(), 4) +
    pad(d.getUTCMonth() + 1) +
    pad(d.getUTCDate()) +
    pad(d.getUTCHours()) +
    pad(d.getUTCMinutes()) +
    pad(d.getUTCSeconds())
  );
}

/**
 * The `%h` of `git log --abbrev=7 -n1 --format=format:%h`: the first 7 hex
 * digits. (git may print more when 7 are ambiguous in that clone; pass the
 * longer `abbrev` the caller observed in that case.)
 */
export function shortHash(commitHash: string, abbrev = 7): string {
  if (!/^[0-9a-f]+$/.test(commitHash)) {
    throw new Error(`commitHash must be lowercase hex, got ${JSON.stringify(commitHash)}`);
  }
  if (commitHash.length < abbrev) {
    throw new Error(`commitHash ${JSON.stringify(commitHash)} is shorter than ${abbrev} chars`);
  }
  return commitHash.slice(0, abbrev);
}

export interface ReleaseInput {
  /** Build start, epoch seconds (DLRN `dt_build`). */
  dtBuild: number;
  commitHash: string;
  numbering?: ReleaseNumbering | string;
  /** projects.ini `release_minor` (default `'0'`), used by `minor.date.hash`. */
  releaseMinor?: string;
  abbrev?: number;
}

/**
 * The RPM Release DLRN writes (before `%{?dist}`):
 * `0.<date>.<short>` (default), `0.1.<date>.<short>` or `<minor>.<date>.<short>`.
 */
export function releaseString(input: ReleaseInput): string {
  const date = releaseDate(input.dtBuild);
  const hash = shortHash(input.commitHash, input.abbrev);
  switch (normalizeReleaseNumbering(input.numbering)) {
    case '0.1.date.hash':
      return `0.1.${date}.${hash}`;
    case 'minor.date.hash':
      return `${input.releaseMinor ?? '0'}.${date}.${hash}`;
    default:
      return `0.${date}.${hash}`;
  }
}

/** Which `setversionandrelease` branch produced the Version. */
export type VersionRule =
  | 'version-release'
  | 'rc'
  | 'beta'
  | 'alpha'
  | 'dev'
  | 'git-suffix'
  | 'pre'
  | 'plain'
  | 'unparseable';

export interface SplitVersion {
  /** RPM `Version:` (before the `-` → `.` fix-up of {@link nvrVersion}). */
  version: string;
  /** What goes into `%define upstream_version`. */
  upstreamVersion: string;
  rule: VersionRule;
}

// Order matters: the first rule that matches wins. The `(.*)` groups are
// greedy, as bash's POSIX regex treats the script's `(.*?)` (leftmost-longest).
const VERSION_RULES: ReadonlyArray<[VersionRule, RegExp]> = [
  ['version-release', /([^-]*)-(.+)/], // 1.0.0-d7f1b849
  ['rc', /(.*)\.(0rc.+)/], // 7.0.0.0rc2.dev1
  ['beta', /(.*)\.(0b.+)/], // 2.0.0.0b4.dev15
  ['alpha', /(.*)\.(0a.+)/], // 7.0.0.0a1.dev1
  ['dev', /(.*)\.(dev.+)/], // 2014.2.dev50.g99bef1f, 2.0.1.dev17
  ['git-suffix', /(.*)\.(g.+)/], // 0.10.1.11.ga5f0e3c
  ['pre', /(.*)\.pre.*/], // 1.8.0.pre
  ['plain', /^([.0-9]*)$/], // 1.7.3 (also matches the empty string)
];

/**
 * `setversionandrelease`'s Version derivation from an upstream version string
 * (pbr's `setup.py --version`, a gemspec version, or a tag-derived version).
 * Anything that matches no rule (e.g. a bare hash, `1.2.3.post4`) becomes
 * `0.0.1`. `tarball` mirrors the script's `TARBALL` special case
 * (`alembic-0.8.2.dev0.tar.gz`).
 */
export function splitUpstreamVersion(upstreamVersion: string, tarball?: string): SplitVersion {
  for (const [rule, re] of VERSION_RULES) {
    const m = re.exec(upstreamVersion);
    if (!m) continue;
    let upstream = upstreamVersion;
    if (rule === 'plain' && tarball !== undefined && /\.dev[0-9]+\./.test(tarball)) {
      // sed 's/.*-\(.*\).tar.gz/\1/' (input unchanged when it does not match)
      upstream = tarball.replace(/.*-(.*).tar.gz/, '$1');
    }
    return { version: m[1], upstreamVersion: upstream, rule };
  }
  return { version: '0.0.1', upstreamVersion, rule: 'unparseable' };
}

/** `set_nvr_in_spec`: the first `-` of Version becomes `.`. */
export function nvrVersion(version: string): string {
  return version.replace('-', '.');
}

/** `sed 's/^[vVrR]//'`: drop one leading v/V/r/R from a tag. */
export function stripTagPrefix(tag: string): string {
  return tag.replace(/^[vVrR]/, '');
}

/**
 * Tags (as `git describe --exclude` globs) the script deletes before describing, so they never define a
 * version: `private-*`, `*-em`, `*-eol`, `*-eom`.
 */
export const IGNORED_VERSION_TAGS: readonly string[] = ['private-*', '*-em', '*-eol', '*-eom'];

function awkNumber(field: string): number {
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(field);
  return m ? Number(m[0]) : 0;
}

function awkFormat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  // awk's OFMT %.6g
  const s = n.toPrecision(6);
  return s.includes('e') ? s.replace(/\.?0+e/, 'e').replace(/e([+-])(\d)$/, 'e$10$2') : s.replace(/\.?0+$/, '');
}

/**
 * `awk -F. '{ for (i=1;i<NF;i++) printf $i"."; print $NF+1 }'`: add one to
 * the numeric value of the last dot-separated field (`1.2.3` → `1.2.4`,
 * `1.2.0rc1` → `1.2.1`, since awk reads a leading number and drops the rest).
 */
export function bumpLastComponent(version: string): string {
  const fields = version.split('.');
  const last = fields.pop() as string;
  return [...fields, awkFormat(awkNumber(last) + 1)].join('.');
}

export interface TagVersionInput {
  /** `version` from metadata.json, or the `version '...'` line of a Modulefile. */
  metadataVersion?: string | null;
  /** `git describe --abbrev=0 --tags` (nearest tag), ignored tags already removed. */
  describeTag?: string | null;
  /** `git describe --tags` (`<tag>-<n>-g<sha>` when HEAD is past the tag). */
  describe?: string | null;
  /** openstack/rpm-packaging only: first `Version` value of the distgit spec. */
  specVersion?: string | null;
}

export interface TagVersion {
  version: string;
  source: 'metadata' | 'tag' | 'spec' | 'fallback';
  /** True when the post-tag `.Z` bump was applied. */
  bumped: boolean;
}

/**
 * Version for sources that are neither Python (setup.py) nor gems: puppet
 * modules and plain tarballs. Version = metadata, else the nearest tag
 * without its v/r prefix, else (rpm-packaging) the spec Version. If HEAD is
 * after the tag (`describe` differs from `describeTag`) and the version IS that
 * tag and does not contain `-rc`, the last component is bumped
 * (tag `1.2.3` + 4 commits → `1.2.4`). Nothing at all → `0.0.1`.
 * The result then goes through {@link splitUpstreamVersion}.
 */
export function tagBasedVersion(input: TagVersionInput): TagVersion {
  let version = input.metadataVersion ?? '';
  let source: TagVersion['source'] = 'metadata';
  const currentTag = stripTagPrefix(input.describeTag ?? '');
  if (!version) {
    version = currentTag;
    source = 'tag';
  }
  if (!version) {
    version = input.specVersion ?? '';
    source = 'spec';
  }
  let bumped = false;
  if (version) {
    const postVersion = stripTagPrefix(input.describe ?? '');
    if (postVersion !== currentTag && version === currentTag && !version.includes('-rc')) {
      version = bumpLastComponent(version);
      bumped = true;
    }
    return { version, source, bumped };
  }
  return { version: '0.0.1', source: 'fallback', bumped: false };
}

/**
 * `grep -e '^Version:' *.spec | awk '{print $2}'` (DLRN_KEEP_VERSION), or
 * with `anywhere`, `grep Version *.spec | awk '{print $2}' | head -n 1`
 * (the rpm-packaging variant, any line containing `Version`). Returns the
 * second whitespace-separated field of the first matching line, or null.
 * Note awk's `$2` of `Version:1.0` (no space) is empty.
 */
export function parseSpecVersion(specText: string, opts: { anywhere?: boolean } = {}): string | null {
  for (const line of specText.split(/\r?\n/)) {
    const hit = opts.anywhere ? line.includes('Version') : line.startsWith('Version:');
    if (!hit) continue;
    const fields = line.trim().split(/\s+/);
    return fields[1] ?? '';
  }
  return null;
}

export interface SpecRewrite {
  /** RPM Version (set_nvr_in_spec turns its first `-` into `.`). */
  version: string;
  release: string;
  /** %{upstream_version}, which RDO specs use in Source0 and %setup. */
  upstreamVersion: string;
  /** The tarball's file name in SOURCES (see sourceWithRelease): Source0, and `dlrn_nvr` without its extension. */
  source: string;
  /** DLRN_KEEP_TARBALL: leave the spec's Source/Source0 alone. */
  keepTarball?: boolean;
  /** DLRN_KEEP_CHANGELOG: keep the entries below %changelog. */
  keepChangelog?: boolean;
}

/**
 * build_srpm.sh's spec edits, in its order: `%define upstream_version`,
 * `%global dlrn 1` and `%global dlrn_nvr` replaced or inserted at the top,
 * `UPSTREAMVERSION` substituted, then set_nvr_in_spec (every `Version:` and
 * `Release:` anywhere on a line, up to its end; Release always gets
 * `%{?dist}`), Source/Source0 pointed at the tarball unless keepTarball, and
 * the changelog cut after `%changelog` unless keepChangelog.
 */
export function rewriteSpec(spec: string, r: SpecRewrite): string {
  const replaceOrInsert = (text: string, re: RegExp, line: string) =>
    re.test(text) ? text.replace(new RegExp(re.source, 'gm'), () => line) : `${line}\n${text}`;
  const nvr = r.source.replace(/(\.tar\.gz|\.gem)$/, '');
  let out = replaceOrInsert(spec, /^%define upstream_version.*$/m, `%define upstream_version ${r.upstreamVersion}`);
  out = replaceOrInsert(out, /^%global dlrn .*$/m, '%global dlrn 1');
  out = replaceOrInsert(out, /^%global dlrn_nvr .*$/m, `%global dlrn_nvr ${nvr}`);
  out = out.split('UPSTREAMVERSION').join(r.upstreamVersion);
  out = out
    .replace(/Version:.*$/gm, () => `Version: ${nvrVersion(r.version)}`)
    .replace(/Release:.*$/gm, () => `Release: ${r.release}%{?dist}`);
  if (!r.keepTarball) out = out.replace(/^(Source|Source0):.*$/gm, (_m, tag: string) => `${tag}: ${r.source}`);
  return r.keepChangelog ? out : truncateChangelog(out);
}

export interface VersionAndReleaseInput extends ReleaseInput {
  /** Upstream version string (pbr output, gem version or {@link tagBasedVersion}). */
  upstreamVersion: string;
  tarball?: string;
}

/** Everything `setversionandrelease` + `set_nvr_in_spec` produce. */
export function versionAndRelease(input: VersionAndReleaseInput): {
  version: string;
  upstreamVersion: string;
  release: string;
  rule: VersionRule;
} {
  const split = splitUpstreamVersion(input.upstreamVersion, input.tarball);
  return {
    version: nvrVersion(split.version),
    upstreamVersion: split.upstreamVersion,
    release: releaseString(input),
    rule: split.rule,
  };
}
