/**
 * Deliverable files (`deliverables/<series>/<name>.yaml`) and the series status
 * data as openstack/releases reads them: names from the path, defaults for
 * absent keys, release kinds (pre-release, EOL, EM…) from the version text.
 */

export interface ReleaseProject {
  repo: string;
  hash: string;
  tarballBase?: string;
}

export interface Release {
  version: string;
  /** Sorted by repository name, as upstream iterates them. */
  projects: ReleaseProject[];
  diffStart?: string;
  flags: string[];
}

export interface Branch {
  name: string;
  /** A version (std), or repo → SHA (tagless and feature branches). */
  location: unknown;
}

export interface Deliverable {
  /** The path as given (messages start with it). */
  file: string;
  /** File basename without `.yaml`. */
  name: string;
  /** Directory name without a leading `_` (`independent`). */
  series: string;
  /** The directory name as it is (`_independent`, `gazpacho`), for tag metadata. */
  seriesDir: string;
  team: string;
  /** `release-model`, `independent` for files in `_independent` (unless abandoned), '' when absent. */
  model: string;
  /** The raw `release-model` value (upstream checks it apart from `model`). */
  declaredModel: string | undefined;
  type: string;
  releaseType: string | undefined;
  includePypiLink: boolean;
  artifactLinkMode: string;
  /** null for `none`, as upstream's property returns. */
  stableBranchType: string | null;
  stableStatus: string | undefined;
  launchpad: string | undefined;
  storyboard: string | number | undefined;
  releaseNotes: unknown;
  releases: Release[];
  branches: Branch[];
  /** Every repository: repository-settings keys and every repo a release names, sorted. */
  repos: string[];
  /** The keys of repository-settings. */
  knownRepoNames: string[];
  retiredRepos: Set<string>;
  pypiNames: Record<string, string>;
}

export interface SeriesInfo {
  name: string;
  releaseId: string;
  status: string;
}

const rec = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const optStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The series directory and deliverable name of a path ending in `<series>/<name>.yaml`. */
export function deliverablePathParts(file: string): { seriesDir: string; name: string } {
  const parts = file.split(/[\\/]/).filter(Boolean);
  const base = parts[parts.length - 1] ?? file;
  return { seriesDir: parts[parts.length - 2] ?? '', name: base.replace(/\.[^.]*$/, '') };
}

/** A deliverable from its path and parsed YAML (assumed to have passed the schema check). */
export function parseDeliverable(file: string, raw: unknown): Deliverable {
  const data = rec(raw);
  const { seriesDir, name } = deliverablePathParts(file);
  const series = seriesDir.replace(/^_+/, '');
  const declaredModel = optStr(data['release-model']);
  const model = series === 'independent' && declaredModel !== 'abandoned' ? 'independent' : declaredModel ?? '';
  const settings = rec(data['repository-settings']);
  const releases: Release[] = list(data.releases).map((r) => {
    const rr = rec(r);
    const projects = list(rr.projects).map((p) => {
      const pp = rec(p);
      return { repo: String(pp.repo), hash: String(pp.hash), tarballBase: optStr(pp['tarball-base']) ?? optStr(rec(settings[String(pp.repo)])['tarball-base']) };
    });
    // Upstream keys projects by repo (a repeated repo keeps its last entry) and sorts them.
    const byRepo = new Map(projects.map((p) => [p.repo, p]));
    return {
      version: String(rr.version),
      projects: [...byRepo.values()].sort((a, b) => (a.repo < b.repo ? -1 : a.repo > b.repo ? 1 : 0)),
      diffStart: optStr(rr['diff-start']),
      flags: list(rr.flags).map(String),
    };
  });
  const repos = new Set(Object.keys(settings));
  for (const r of releases) for (const p of r.projects) repos.add(p.repo);
  const retiredRepos = new Set(Object.entries(settings).filter(([, s]) => list(rec(s).flags).includes('retired')).map(([r]) => r));
  const pypiNames: Record<string, string> = {};
  for (const [r, s] of Object.entries(settings)) {
    const pn = optStr(rec(s)['pypi-name']);
    if (pn) pypiNames[r] = pn;
  }
  const branchType = optStr(data['stable-branch-type']) ?? 'std';
  let type = optStr(data.type) ?? 'other';
  if (name.includes('tempest-plugin')) type = 'tempest-plugin';
  else if (model === 'cycle-trailing') type = 'trailing';
  return {
    file, name, series, seriesDir,
    team: String(data.team ?? ''),
    model, declaredModel, type,
    releaseType: optStr(data['release-type']),
    includePypiLink: data['include-pypi-link'] === true,
    artifactLinkMode: optStr(data['artifact-link-mode']) ?? 'tarball',
    stableBranchType: branchType === 'none' ? null : branchType,
    stableStatus: optStr(data['stable-status']),
    launchpad: optStr(data.launchpad),
    storyboard: typeof data.storyboard === 'number' || typeof data.storyboard === 'string' ? data.storyboard : undefined,
    releaseNotes: data['release-notes'],
    releases,
    branches: list(data.branches).map((b) => ({ name: String(rec(b).name), location: rec(b).location })),
    repos: [...repos].sort(),
    knownRepoNames: Object.keys(settings),
    retiredRepos,
    pypiNames,
  };
}

/** `data/series_status.yaml`: each series' release id and status, newest first. */
export function parseSeriesStatus(raw: unknown): SeriesInfo[] {
  return list(raw).map((s) => {
    const r = rec(s);
    return { name: String(r.name), releaseId: String(r['release-id'] ?? r.name), status: String(r.status ?? '') };
  });
}

/** The series under development (openstack/releases' `defaults.RELEASE`). */
export function currentSeries(series: readonly SeriesInfo[]): string | undefined {
  return series.find((s) => s.status === 'development')?.name;
}

export const isEol = (v: string) => v.endsWith('-eol');
export const isEom = (v: string) => v.endsWith('-eom');
export const isEm = (v: string) => v.endsWith('-em');
export const isLast = (v: string) => v.endsWith('-last');
/** Upstream's test: any `rc`, `a` or `b` in the version string. */
export const isPreReleaseVersion = (v: string) => /rc|a|b/.test(v);
export const isReleaseCandidate = (v: string) => v.includes('rc');

/** The series' stable branch id (its release id, e.g. 2026.1), or the name for unknown series. */
export function stableBranchId(series: readonly SeriesInfo[], name: string): string {
  return series.find((s) => s.name === name)?.releaseId ?? name;
}

/** A deliverable's effective stable status: its own, else its series' (`development` for independent; abandoned is EOL). */
export function stableStatusOf(d: Deliverable, series: readonly SeriesInfo[]): string {
  let status = d.stableStatus ?? (d.series === 'independent' ? 'development' : series.find((s) => s.name === d.series)?.status ?? '');
  if (d.model === 'abandoned') status = 'end of life';
  return status;
}
