/**
 * openstack/releases' release-request validation rules (cmds/validate.py), in
 * its order and wording, over facts about the project repositories gathered
 * beforehand (so the rules stay pure). Rules that need a repository that is not
 * available are reported as skipped, never as errors. Network checks (bug
 * tracker and PyPI lookups, governance, job templates, sdist builds) are not made.
 */
import {
  isEm, isEol, isEom, isLast, isPreReleaseVersion, isReleaseCandidate, stableBranchId, stableStatusOf,
  type Deliverable, type Release, type SeriesInfo,
} from './deliverable';
import { pyRepr, pyReprString, pyTypeRepr } from './pyrepr';
import { versionProblems } from './version';

/** What the validator knows of one project repository. */
export interface RepoFacts {
  /** Tag name → the commit it points at. */
  tags: Record<string, string>;
  /** Branch names (`master`, `stable/2026.1`, …). */
  branches: string[];
  /** For every hash the file names: whether the commit exists, the branches containing it, whether it has a .gitreview. */
  commits: Record<string, { exists: boolean; branches: string[]; gitreview: boolean }>;
  /** `<tag>..<sha>` → whether sha descends from the tag's commit (non-empty `git log --ancestry-path`). */
  descends: Record<string, boolean>;
}

/** The questions about one repository the rules will ask, for the fact gatherer. */
export interface RepoQuestions {
  hashes: string[];
  /** [previous version tag, hash] pairs. */
  ancestry: Array<[string, string]>;
}

export interface ValidationContext {
  series: readonly SeriesInfo[];
  /** The series in development (the "current" one). */
  currentSeries: string | undefined;
  /** Names of the series directories (not starting with `_`). */
  knownSeries: readonly string[];
  /** Facts of a repository, or null when it is not available here. */
  repo(name: string): RepoFacts | null;
  /** The same deliverable in other cycle series: path and branch names, sorted by path (for the series-open rule). */
  siblings: ReadonlyArray<{ file: string; seriesDir: string; branches: string[] }>;
}

export type FindingLevel = 'error' | 'warning' | 'skipped';

export interface Finding {
  level: FindingLevel;
  /** Upstream's check function name (`validate_release_sha_exists`, …). */
  check: string;
  message: string;
}

const VALID_BRANCH_PREFIXES = ['stable', 'unmaintained', 'feature', 'bugfix'];
const USES_PREVER = new Set(['cycle-with-milestones', 'cycle-trailing', 'cycle-with-rc', 'independent']);
const NO_STABLE_BRANCH_CHECK = new Set(['gnocchi', 'rally', 'puppet-pacemaker', 'openstack/tenks']);
const TYPE_TO_RELEASE_TYPE: Record<string, string> = { library: 'python-pypi', service: 'python-service', 'horizon-plugin': 'horizon' };
/** Series whose files upstream no longer validates. */
export const CLOSED_SERIES = new Set(['austin', 'bexar', 'cactus', 'diablo', 'essex', 'folsom', 'grizzly', 'havana', 'icehouse', 'juno', 'kilo', 'liberty', 'mitaka', 'newton', 'ocata', 'pike', 'queens', 'rocky', 'stein', 'train', 'ussuri']);
const PYTHON_REPR_VALID_PREFIXES = `{${VALID_BRANCH_PREFIXES.map((p) => pyReprString(p)).join(', ')}}`;

const isAHash = (v: unknown) => typeof v === 'string' && /^[a-f0-9]{40}$/i.test(v);

/** The repositories and commits the rules will look at. */
export function repoQuestions(d: Deliverable): Map<string, RepoQuestions> {
  const out = new Map<string, RepoQuestions>();
  const q = (repo: string) => {
    let e = out.get(repo);
    if (!e) out.set(repo, (e = { hashes: [], ancestry: [] }));
    return e;
  };
  const prev: Record<string, string> = {};
  for (const r of d.releases) {
    for (const p of r.projects) {
      if (d.retiredRepos.has(p.repo)) continue;
      q(p.repo).hashes.push(p.hash);
      if (prev[p.repo]) q(p.repo).ancestry.push([prev[p.repo], p.hash]);
    }
    for (const p of r.projects) prev[p.repo] = r.version;
  }
  for (const b of d.branches) {
    if (typeof b.location === 'object' && b.location !== null) {
      for (const [repo, sha] of Object.entries(b.location as Record<string, unknown>)) if (typeof sha === 'string') q(repo).hashes.push(sha);
    }
  }
  for (const repo of d.knownRepoNames) if (!d.retiredRepos.has(repo)) q(repo);
  return out;
}

/** The release type of a repository's release: explicit, from the deliverable type, or python-service. */
function releaseTypeOf(d: Deliverable): string {
  if (d.releaseType) return d.releaseType;
  return TYPE_TO_RELEASE_TYPE[d.type] ?? (d.includePypiLink ? 'python-pypi' : 'python-service');
}

/** Validates one deliverable file; findings in upstream's order. */
export function validateDeliverable(d: Deliverable, ctx: ValidationContext): Finding[] {
  const findings: Finding[] = [];
  let check = '';
  const error = (message: string) => findings.push({ level: 'error', check, message });
  const warning = (message: string) => findings.push({ level: 'warning', check, message });
  const skippedRepos = new Set<string>();
  /** Facts of a repo, noting once per check that it is unavailable. */
  const facts = (repo: string): RepoFacts | null => {
    const f = ctx.repo(repo);
    if (!f && !skippedRepos.has(repo)) {
      skippedRepos.add(repo);
      findings.push({ level: 'skipped', check: 'clone_deliverable', message: `repository ${repo} is not available, the checks that need it were not made` });
    }
    return f;
  };
  const tagExists = (repo: string, version: string): boolean | null => {
    const f = ctx.repo(repo);
    return f ? version in f.tags : null;
  };

  const released = d.releases.length > 0;
  const independent = d.series === 'independent';
  const isCurrent = d.series === ctx.currentSeries;
  // Whether the file adds a tag not yet in git; unknown (a repo unavailable) counts as new, so pure rules still run.
  const includesNewTag = d.releases.some((r) => r.projects.some((p) => !d.retiredRepos.has(p.repo) && tagExists(p.repo, r.version) !== true));
  const hasEndTag = d.releases.some((r) => r.version.includes('-em') || r.version.includes('-eom') || r.version.includes('-eol'));
  const seriesInfo = ctx.series.find((s) => s.name === d.series);
  const rules: Array<[string, () => void]> = [];
  const rule = (name: string, fn: () => void) => rules.push([name, fn]);

  rule('validate_bugtracker', () => {
    if (hasEndTag) return;
    if (!d.launchpad && (d.storyboard === undefined || d.storyboard === '')) error('No launchpad or storyboard project given');
  });
  rule('validate_model', () => {
    if (hasEndTag) return;
    if (!independent && !d.model) error('no release-model specified');
    if ((d.model === 'independent' || d.model === 'abandoned') && !independent) {
      error('uses the independent or abandoned release model and should be in the _independent directory');
    }
    const value = d.declaredModel ?? 'independent';
    if (independent && value !== 'independent' && value !== 'abandoned') {
      error('deliverables in the _independent directory should use either the independent or abandoned release models');
    }
    if (d.model === 'untagged' && released) error('untagged deliverables should not have a "releases" section');
  });
  rule('validate_gitreview', () => {
    if (!includesNewTag) return;
    const checked = new Set<string>();
    for (const r of d.releases) {
      for (const p of r.projects) {
        if (checked.has(p.repo) || d.retiredRepos.has(p.repo)) continue;
        checked.add(p.repo);
        const f = facts(p.repo);
        if (!f || r.version in f.tags) continue;
        const c = f.commits[p.hash];
        if (c?.exists && !c.gitreview) error(`${p.repo} has no .gitreview file`);
      }
    }
  });
  rule('validate_deliverable_is_not_abandoned', () => {
    if (includesNewTag && released && d.model === 'abandoned') error('Abandoned deliverables should not see new releases');
  });
  rule('validate_release_sha_exists', () => {
    if (!includesNewTag || !released) return;
    for (const r of d.releases) {
      for (const p of r.projects) {
        if (d.retiredRepos.has(p.repo)) continue;
        if (!isAHash(p.hash)) {
          error(`${p.repo} version ${r.version} release from ${pyRepr(p.hash)}, which is not a hash`);
          continue;
        }
        const f = facts(p.repo);
        if (f && !f.commits[p.hash]?.exists) error(`No commit ${pyRepr(p.hash)} in ${pyRepr(p.repo)}`);
      }
    }
  });
  rule('validate_existing_tags', () => {
    if (!released) return;
    for (const r of d.releases) {
      for (const p of r.projects) {
        if (d.retiredRepos.has(p.repo)) continue;
        const f = facts(p.repo);
        if (!f || !f.commits[p.hash]?.exists) continue;
        const actual = f.tags[r.version];
        if (actual === undefined) continue;
        if (actual !== p.hash) error(`Version ${r.version} in ${p.repo} is on commit ${pyRepr(actual)} instead of ${pyRepr(p.hash)}`);
      }
    }
  });
  rule('validate_version_numbers', () => {
    if (!includesNewTag || !released) return;
    for (const r of d.releases) {
      const branchId = stableBranchId(ctx.series, d.series);
      const endTag = (kind: string, test: (v: string) => boolean, expected: string) => {
        if (!test(r.version)) return false;
        if (independent) warning(`${kind} tag ${r.version} on independent deliverable, branch not validated`);
        else if (r.version.slice(0, r.version.lastIndexOf('-')) !== expected) error(`${kind} tag ${r.version} does not refer to the ${d.series} series.`);
        return true;
      };
      if (endTag('EOL', isEol, branchId) || endTag('EOM', isEom, branchId) || endTag('EM', isEm, d.series)) continue;
      if (isLast(r.version)) {
        if (independent) {
          warning(`LAST tag ${r.version} on independent deliverable, branch not validated`);
          continue;
        }
        if (r.version !== `${branchId}-last`) error(`LAST tag ${r.version} should match branch name (e.g ${branchId}-last for series ${d.series})`);
        const s = seriesInfo?.status;
        if (!(s === 'extended maintenance' || s === 'end of life' || s === 'unmaintained')) {
          error(`LAST tag ${r.version} aren't allowed on a series (${d.series}) that are not EM, EOL, or Unmaintained`);
        }
        continue;
      }
      for (const p of r.projects) {
        const f = ctx.repo(p.repo);
        // Upstream checks a version only where its tag does not exist yet; with no repository, check it anyway.
        if (f && (!f.commits[p.hash]?.exists || r.version in f.tags)) continue;
        for (const problem of versionProblems(r.version, releaseTypeOf(d), USES_PREVER.has(d.model))) {
          error(`could not validate version ${pyRepr(r.version)}: ${problem}`);
        }
      }
    }
  });
  rule('validate_new_releases_at_end', () => {
    if (!includesNewTag || !released) return;
    const fresh = new Map<string, Release>();
    for (const r of d.releases) {
      for (const p of r.projects) {
        const f = facts(p.repo);
        if (!f || !f.commits[p.hash]?.exists || r.version in f.tags) continue;
        fresh.set(r.version, r);
      }
    }
    const last = d.releases[d.releases.length - 1];
    for (const r of fresh.values()) {
      if (r.version !== last.version) error(`new release ${r.version} must be listed last, with one new release per patch`);
    }
  });
  rule('validate_new_releases_in_open_series', () => {
    if (hasEndTag || !includesNewTag || !released) return;
    const status = stableStatusOf(d, ctx.series);
    if (status === 'development' || status === 'maintained') return;
    let fresh = false;
    for (const r of d.releases) {
      for (const p of r.projects) {
        const f = facts(p.repo);
        if (!f || !f.commits[p.hash]?.exists || r.version in f.tags) continue;
        if (!isEol(r.version) && !isEm(r.version) && !isLast(r.version)) fresh = true;
      }
    }
    if (fresh) error(`deliverable ${d.name} has status ${pyRepr(status)} for ${d.series} and cannot have new releases tagged`);
  });
  rule('validate_release_branch_membership', () => {
    if (!released) return;
    if (d.releases.some((r) => isEom(r.version)) && seriesInfo?.status === 'unmaintained') return;
    if (independent) {
      warning('skipping descendant test for independent project, verify branch manually');
      return;
    }
    const fullBranch = `${seriesInfo?.status === 'unmaintained' ? 'unmaintained' : 'stable'}/${stableBranchId(ctx.series, d.series)}`;
    const prev: Record<string, string> = {};
    for (const r of d.releases) {
      for (const p of r.projects) {
        if (d.retiredRepos.has(p.repo)) continue;
        const f = facts(p.repo);
        const c = f?.commits[p.hash];
        if (!f || !c?.exists || r.version in f.tags) continue;
        const onBranch = c.branches.includes(fullBranch) || (!f.branches.includes(fullBranch) && c.branches.includes('master'));
        if (!onBranch) error(`${p.repo} ${p.hash} not present in ${d.series} branch`);
        const before = prev[p.repo];
        if (!before) continue;
        if (f.tags[before] === p.hash) continue; // the same commit tagged again with a new version
        if (!f.descends[`${before}..${p.hash}`]) error(`${p.repo} ${p.hash} receiving ${r.version} is not a descendant of ${before}`);
      }
      for (const p of r.projects) prev[p.repo] = r.version;
    }
  });
  rule('validate_new_releases', () => {
    if (hasEndTag || !isCurrent || !released) return;
    const final = d.releases[d.releases.length - 1];
    const actual = new Set(final.projects.map((p) => p.repo));
    for (const repo of actual) {
      if (!d.knownRepoNames.includes(repo)) error(`release ${final.version} includes repository ${repo} that is not in the repository-settings section`);
    }
    for (const repo of d.knownRepoNames) {
      if (!actual.has(repo)) error(`release ${final.version} is missing ${repo}, which appears in the repository-settings list`);
    }
  });
  rule('validate_series_open', () => {
    if (!includesNewTag || independent || !released || !isCurrent) return;
    const idx = ctx.siblings.findIndex((s) => s.seriesDir === d.seriesDir);
    if (idx <= 0) return;
    const previous = ctx.siblings[idx - 1];
    const expected = `stable/${stableBranchId(ctx.series, previous.seriesDir)}`;
    if (!previous.branches.includes(expected)) warning(`There is no ${expected} branch defined in ${previous.file}. Is the ${d.series} series open?`);
  });
  rule('validate_series_first', () => {
    if (!includesNewTag || !released || independent) return;
    if (d.model === 'untagged' || d.stableBranchType === 'tagless' || d.type === 'tempest-plugin') return;
    if (d.releases.length !== 1) return;
    const v = d.releases[0].version;
    const patch = v.slice(v.lastIndexOf('.') + 1);
    if (!(patch === '0' || patch.startsWith('0b') || patch.startsWith('0rc'))) {
      error(`Initial releases in a series must increment at least the minor version or be beta versions. ${pyRepr(v)}`);
    }
  });
  rule('validate_series_final', () => {
    if (!includesNewTag || !released || d.releases.length < 2) return;
    const previous = d.releases[d.releases.length - 2];
    const current = d.releases[d.releases.length - 1];
    if (isReleaseCandidate(current.version) || !isReleaseCandidate(previous.version)) return;
    const n = Math.min(current.projects.length, previous.projects.length);
    for (let i = 0; i < n; i++) {
      const c = current.projects[i];
      const p = previous.projects[i];
      if (c.repo !== p.repo) error(`${c.repo} does not match ${p.repo} so there is some missing info in this release`);
      else if (c.hash !== p.hash) error(`${current.version} for ${c.repo} is on ${c.hash} but should be ${p.hash} to match version ${previous.version}`);
    }
  });
  rule('validate_pre_release_progression', () => {
    if (!includesNewTag || !isCurrent || !released || independent) return;
    if (d.model !== 'cycle-with-milestones' && d.model !== 'cycle-with-rc') return;
    const current = d.releases[d.releases.length - 1];
    if (d.releases.length === 1) {
      if (!isPreReleaseVersion(current.version)) error('A RC release must be present before final release for deliverables following a milestone-based cycle');
      return;
    }
    const previous = d.releases[d.releases.length - 2];
    const [kind, before, allowed] = current.version.includes('rc') ? ['Release candidate', 'a beta or release candidate', ['b', 'rc']]
      : current.version.includes('b') ? ['Beta', 'an alpha or beta', ['a', 'b']]
        : current.version.includes('a') ? ['Alpha', 'an alpha', ['a']]
          : ['Final', 'a release candidate or final', ['rc', 'final']];
    const ok = (allowed as string[]).some((pre) => (pre === 'final' ? !isPreReleaseVersion(previous.version) : previous.version.includes(pre)));
    if (!ok) error(`${kind as string} version ${current.version} must come after ${before as string} version, not ${previous.version}`);
  });
  const requireOnAllRepos = (current: Release, label: string) => {
    const actual = new Set(current.projects.map((p) => p.repo));
    const expected = new Set(d.repos);
    for (const extra of actual) if (!expected.has(extra)) error(`${label} release ${current.version} includes repository ${extra} that is not in deliverable`);
    for (const missing of expected) if (!actual.has(missing)) error(`release ${current.version} is missing ${missing}, which appears in the deliverable`);
  };
  rule('validate_series_eol', () => {
    if (!includesNewTag || !released) return;
    const current = d.releases[d.releases.length - 1];
    if (!isEol(current.version)) return;
    if (d.branches.length === 0) error('only branched deliverables can be tagged EOL');
    requireOnAllRepos(current, 'EOL');
  });
  rule('validate_series_eom', () => {
    if (!includesNewTag || !released) return;
    const current = d.releases[d.releases.length - 1];
    if (!isEom(current.version)) return;
    if (d.branches.length === 0) error('only branched deliverables can be tagged EOM');
    requireOnAllRepos(current, 'EOM');
  });
  rule('validate_series_em', () => {
    if (!includesNewTag || !released) return;
    const current = d.releases[d.releases.length - 1];
    if (!isEm(current.version)) return;
    if (d.releases.length === 1) {
      error('at least one release will have to been done to mark as extended-maintenance');
      return;
    }
    if (d.branches.length === 0) error('only branched deliverables can be tagged EM');
    requireOnAllRepos(current, 'extended maintenance');
    const previous = d.releases[d.releases.length - 2];
    for (const repo of d.knownRepoNames) {
      const c = current.projects.find((p) => p.repo === repo);
      const p = previous.projects.find((x) => x.repo === repo);
      if (c && p && c.hash !== p.hash) error(`EM tag must match the last release, tagging ${c.hash}, last release ${p.hash}`);
    }
  });
  rule('validate_branch_prefixes', () => {
    for (const b of d.branches) {
      if (!VALID_BRANCH_PREFIXES.includes(b.name.split('/')[0])) error(`branch name ${b.name} does not use a valid prefix: ${PYTHON_REPR_VALID_PREFIXES}`);
    }
  });
  rule('validate_stable_branches', () => validateStableBranches(d, ctx, { error, warning, facts }));
  rule('validate_feature_branches', () => {
    if (d.type === 'tempest-plugin' && d.branches.length) {
      error('Tempest plugins do not support branching.');
      return;
    }
    for (const b of d.branches) {
      const parts = b.name.split('/');
      if (parts.length !== 2) {
        error(`feature branch name expected to be feature/name but got ${b.name}`);
        continue;
      }
      if (parts[0] !== 'feature') continue;
      if (typeof b.location !== 'object' || b.location === null || Array.isArray(b.location)) {
        error(`branch location for ${b.name} is expected to be a mapping but got a ${pyTypeRepr(b.location)}`);
        continue;
      }
      for (const [repo, loc] of Object.entries(b.location as Record<string, unknown>).sort(([a], [c]) => (a < c ? -1 : 1))) {
        if (!isAHash(loc)) error(`feature branches should be created from commits by SHA but location ${String(loc)} for branch ${b.name} of ${repo} does not look like a SHA`);
        const f = facts(repo);
        if (f && !f.commits[String(loc)]?.exists) error(`feature branches should be created from merged commits but location ${String(loc)} for branch ${b.name} of ${repo} does not exist`);
      }
    }
  });
  rule('validate_branch_points', () => {
    if (d.stableBranchType === 'upstream') return;
    for (const b of d.branches) {
      const parts = b.name.split('/');
      if (parts.length !== 2 || parts[0] !== 'stable') continue;
      let location: Record<string, string>;
      if (typeof b.location === 'object' && b.location !== null) location = b.location as Record<string, string>;
      else {
        const rel = d.releases.find((r) => r.version === b.location);
        if (!rel) continue; // reported by validate_stable_branches
        location = Object.fromEntries(rel.projects.map((p) => [p.repo, p.hash]));
      }
      for (const [repo, hash] of Object.entries(location).sort(([a], [c]) => (a < c ? -1 : 1))) {
        if (d.retiredRepos.has(repo)) continue;
        const f = facts(repo);
        if (!f) continue;
        const containing = new Set(f.commits[hash]?.branches ?? []);
        for (const missing of ['master', b.name]) {
          if (containing.has(missing) || !f.branches.includes(missing)) continue;
          if (f.branches.includes(b.name)) error(`${b.name} branch exists in ${repo} and does not seem to have been created from ${hash}`);
          else error(`commit ${hash} is not on the ${missing} branch but it is listed as the branch point for ${b.name} to be created`);
        }
      }
    }
  });

  for (const [name, fn] of rules) {
    check = name;
    fn();
  }
  return findings;
}

interface Reporters {
  error(message: string): void;
  warning(message: string): void;
  facts(repo: string): RepoFacts | null;
}

const isSlurpBranch = (name: string) => {
  const [prefix, id] = name.split('/');
  return prefix === 'stable' && /^[0-9]{4}.[1-2]$/.test(id ?? '');
};

function validateStableBranches(d: Deliverable, ctx: ValidationContext, { error, warning, facts }: Reporters): void {
  if (NO_STABLE_BRANCH_CHECK.has(d.launchpad ?? '') || NO_STABLE_BRANCH_CHECK.has(String(d.storyboard ?? ''))) return;
  if (d.type === 'tempest-plugin' && d.branches.length) {
    error('Tempest plugins do not support branching.');
    return;
  }
  const mode = d.stableBranchType;
  if (d.releases.length && isEol(d.releases[d.releases.length - 1].version)) return;
  for (const b of d.branches) {
    const parts = b.name.split('/');
    if (parts.length !== 2) {
      error(`stable branch name expected to be stable/name but got ${b.name}`);
      continue;
    }
    const [prefix, series] = parts;
    if (prefix !== 'stable' && prefix !== 'bugfix') continue;
    const location = b.location;
    if (mode === 'std' || mode === 'std-with-versions') {
      if (typeof location !== 'string') error(`branch location for ${b.name} is expected to be a string but got a ${pyTypeRepr(location)}`);
      if (d.knownRepoNames.length === 0) {
        error(`Unable to validate branch ${b.name} for ${d.name} without repository information`);
        return;
      }
      const live = d.knownRepoNames.filter((r) => !d.retiredRepos.has(r));
      const repoFacts = live.map((r) => facts(r));
      // Whether the branch exists decides whether the rest applies: unknown without every repository.
      const known = repoFacts.every((f) => f !== null);
      if (known && repoFacts.every((f) => f!.branches.includes(b.name))) continue;
      if (known && !(d.series === 'independent' || prefix === 'bugfix')) {
        const latest = d.releases[d.releases.length - 1];
        if (!latest) {
          error('No tags found for deliverable within this series. Creating a tag is mandatory before creating a branch or stable-branch-type needs to be set as tagless.');
        } else if (location !== latest.version) {
          error(`stable branches must be created from the latest tagged release, and ${String(location)} for ${b.name} does not match ${latest.version}`);
        }
      }
    } else if (mode === 'tagless') {
      if (typeof location !== 'object' || location === null || Array.isArray(location)) {
        error(`branch location for ${b.name} is expected to be a mapping but got a ${pyTypeRepr(location)}`);
        continue;
      }
      for (const [repo, loc] of Object.entries(location as Record<string, unknown>).sort(([a], [c]) => (a < c ? -1 : 1))) {
        if (!isAHash(loc)) {
          error(`tagless stable branches should be created from commits by SHA but location ${String(loc)} for branch ${b.name} of ${repo} does not look like a SHA`);
          continue;
        }
        const f = facts(repo);
        if (f && !f.commits[String(loc)]?.exists) error(`stable branches should be created from merged commits but location ${String(loc)} for branch ${b.name} of ${repo} does not exist`);
      }
    } else if (mode === 'upstream') {
      if (typeof location !== 'string') error(`branch location for ${b.name} is expected to be a string but got a ${pyTypeRepr(location)}`);
    } else {
      error(`unrecognized stable-branch-type ${pyRepr(mode)}`);
    }

    if (mode === 'upstream') warning('skipping branch name check for upstream mode');
    else if (d.series === 'independent') {
      if (!ctx.knownSeries.includes(series)) error(`stable branches must be named for known series but ${b.name} was not found in ${pyRepr([...ctx.knownSeries])}`);
    } else if (series !== d.series) {
      if (mode === 'std-with-versions') {
        const expected = String(location).split('.').slice(0, 2).join('.');
        if (series !== expected && !isSlurpBranch(b.name)) {
          error(`cycle-based projects must match series names for stable branches, or branch based on version for short term support. ${b.name} should be stable/${d.series} or stable/<year>.<release_number> (for example: stable/2023.1) or bugfix/${expected}`);
        }
      } else if (!(mode === 'std' || mode === 'tagless') || !isSlurpBranch(b.name)) {
        error(`cycle-based projects must match series names for stable branches. ${b.name} should be stable/${d.series} or similar to something like stable/2023.1`);
      }
    }
  }
}

/** One output line per finding, as upstream prints its summary: `<file>: <check>: <message>`. */
export function formatFinding(file: string, f: Finding): string {
  return f.level === 'skipped' ? `${file}: ${f.check}: skipped: ${f.message}` : `${file}: ${f.check}: ${f.message}`;
}
