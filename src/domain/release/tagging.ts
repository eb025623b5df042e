/**
 * Step 1 of a release (tag-releases): which files of a merged release request
 * are processed, the tags and branches their last release asks for, and the
 * tag message with its `meta:` lines as release.sh writes them. Pure.
 */
import { currentSeries as developmentSeries, stableBranchId, type Deliverable, type SeriesInfo } from './deliverable';

/** One tag to push: the last release of a deliverable, in one of its repositories. */
export interface TagRequest {
  deliverable: string;
  /** The file it comes from, relative to the releases repository. */
  file: string;
  repo: string;
  version: string;
  hash: string;
  /** The annotated tag's message: title, blank line, meta lines. */
  message: string;
}

/** One branch to create in one repository (make_branch.sh). */
export interface BranchRequest {
  deliverable: string;
  repo: string;
  branch: string;
  /** The commit it starts from. */
  hash: string;
}

/** `development milestone`, `release candidate` or `release` (EOL/EOM tags included), as release.sh names them. */
export function releaseKind(version: string): string {
  if (/\.[0-9]+[ab][0-9]+/.test(version)) return 'development milestone';
  if (/\.[0-9]+rc[0-9]+/.test(version)) return 'release candidate';
  return 'release';
}

/** `meta:first`: this version is the first non-pre-release version of the file. */
export function isFirstFinal(d: Deliverable, version: string): boolean {
  const finals = d.releases.filter((r) => !/\.(\d+(?:[ab]|rc)+\d*)$/.test(r.version));
  return finals.length > 0 && finals[0].version === version;
}

/** `meta:branch`: master for the series in development and independent ones, else `stable/<release-id>`. */
export function constraintsBranch(d: Deliverable, series: readonly SeriesInfo[], current = developmentSeries(series)): string {
  if (d.series === 'independent' || d.series === current) return 'master';
  return `stable/${stableBranchId(series, d.series)}`;
}

/** The review audit lines of the merged request (`git show --show-notes=review` output) release.sh copies as `meta:release:` lines. */
export function reviewMetaLines(showOutput: string): string[] {
  return showOutput.split('\n').map((l) => l.trim()).filter((l) => /^(Author|Commit:|Code-Review|Workflow|Change-Id)/.test(l)).map((l) => `meta:release:${l}`);
}

export interface TagMessageInput {
  repo: string;
  version: string;
  team: string;
  diffStart: string | undefined;
  seriesDir: string;
  branch: string;
  pypi: boolean;
  first: boolean;
  reviewLines: readonly string[];
}

/** The tag message: `<repo-basename> <version> <kind>`, a blank line, then the meta lines in release.sh's order. */
export function tagMessage(m: TagMessageInput): string {
  const base = m.repo.split('/').pop() ?? m.repo;
  const lines = [
    `${base} ${m.version} ${releaseKind(m.version)}`,
    '',
    `meta:version: ${m.version}`,
    `meta:team: ${m.team}`,
    `meta:diff-start: ${m.diffStart ?? '-'}`,
    `meta:series: ${m.seriesDir.replace(/^_+/, '')}`,
    `meta:branch: ${m.branch}`,
    `meta:release-type: ${releaseKind(m.version)}`,
    `meta:pypi: ${m.pypi ? 'yes' : 'no'}`,
    `meta:first: ${m.first ? 'yes' : 'no'}`,
    ...m.reviewLines,
  ];
  return `${lines.join('\n')}\n`;
}

/** Why tag-releases leaves a changed file alone, or null when it processes it. */
export function skipReason(d: Deliverable, series: readonly SeriesInfo[]): string | null {
  if (d.series !== 'independent' && d.type !== 'trailing' && series.find((s) => s.name === d.series)?.status === 'end of life') {
    return `series ${d.series} is end of life`;
  }
  if (d.releases.length === 0 && d.branches.length === 0) return 'no releases and no branches';
  return null;
}

/** The tags (one per project of the last release) and branches a processed file asks for. */
export function tagAndBranchRequests(d: Deliverable, file: string, series: readonly SeriesInfo[], reviewLines: readonly string[], current?: string): { tags: TagRequest[]; branches: BranchRequest[] } {
  const tags: TagRequest[] = [];
  const last = d.releases[d.releases.length - 1];
  if (last) {
    const branch = constraintsBranch(d, series, current);
    for (const p of last.projects) {
      if (d.retiredRepos.has(p.repo)) continue;
      tags.push({
        deliverable: d.name, file, repo: p.repo, version: last.version, hash: p.hash,
        message: tagMessage({
          repo: p.repo, version: last.version, team: d.team, diffStart: last.diffStart, seriesDir: d.seriesDir, branch,
          pypi: d.includePypiLink, first: isFirstFinal(d, last.version), reviewLines,
        }),
      });
    }
  }
  const branches: BranchRequest[] = [];
  for (const b of d.branches) {
    let map: Record<string, string>;
    if (typeof b.location === 'object' && b.location !== null) map = b.location as Record<string, string>;
    else {
      const rel = d.releases.find((r) => r.version === b.location);
      if (!rel) continue;
      map = Object.fromEntries(rel.projects.map((p) => [p.repo, p.hash]));
    }
    for (const [repo, hash] of Object.entries(map)) if (!d.retiredRepos.has(repo)) branches.push({ deliverable: d.name, repo, branch: b.name, hash: String(hash) });
  }
  return { tags, branches };
}

/** Deliverable files among the paths a commit changed (`deliverables/<series>/<name>.yaml`). */
export function deliverablePaths(changed: readonly string[]): string[] {
  return changed.filter((p) => /^deliverables\/[^/]+\/[^/]+\.yaml$/.test(p));
}

/** Workflow ID of step 1 for a merged request: one per merge commit. */
export const releaseRequestWorkflowId = (commit: string) => `release-request:${commit}`;

