/**
 * Step 2 of a release, per pushed tag: which pipelines a tag runs (release,
 * pre-release, tag only), the metadata read back from its message, the
 * announcement mail as announce.sh and release_notes.py build it, and the
 * upper-constraints edit of update_constraints.sh. Pure.
 */

/** The Zuul pipeline a tag triggers: `release` (1.2.3), `pre-release` (a/b/rc) or only `tag` (EOL and others). */
export function tagPipeline(tag: string): 'release' | 'pre-release' | 'tag-only' {
  if (/^[0-9]+(\.[0-9]+)*$/.test(tag)) return 'release';
  if (/^[0-9]+(\.[0-9]+)*(a|b|rc)[0-9]+$/.test(tag)) return 'pre-release';
  return 'tag-only';
}

/** Workflow ID of a tag's pipelines: one per repository and tag. */
export const releaseTagWorkflowId = (repo: string, tag: string) => `release-tag:${repo}:${tag}`;

/** The `meta:` fields of a tag message (first value of each), or null when it has none (a hand-made tag). */
export function parseTagMetadata(message: string): Record<string, string> | null {
  const meta: Record<string, string> = {};
  let any = false;
  for (const line of message.split('\n')) {
    const m = /^meta:([a-z-]+): *(.*)$/.exec(line);
    if (!m) continue;
    any = true;
    if (line.startsWith('meta:release:')) continue; // the review audit trail, not a field
    if (!(m[1] in meta)) meta[m[1]] = m[2].trim();
  }
  return any ? meta : null;
}

/** announce.sh's warning for a tag without meta lines (announce and the constraints update then do nothing). */
export const missingMetaWarning = (version: string) => `WARNING: Missing meta lines in ${version} tag message, skipping.`;

/** Why announce.sh sends nothing for this tag, or null when it announces. */
export function announceSkipReason(version: string, meta: Record<string, string> | null): string | null {
  if (/(a|b)/.test(version.replace(/rc/g, ''))) return `${version} is an alpha or beta version: not announced`;
  if (!meta) return missingMetaWarning(version);
  return null;
}

export interface AnnounceInput {
  /** Repository basename (announce's project name). */
  project: string;
  /** Tarballs directory name (`<org>/<repo>` basename). */
  version: string;
  meta: Record<string, string>;
  /** The range start: meta diff-start, else the previous tag, else the root commit. */
  diffStart: string;
  firstRelease: boolean;
  /** `git log --oneline --no-merges <range>` lines. */
  changes: string[];
  /** `git diff --stat <range>` lines. */
  diffStat: string[];
  /** Whether `origin/stable/<series>` exists (then a release is a stable one). */
  stableBranchExists: boolean;
  /** Plain-text reno notes of this version, if any. */
  notes: string;
  from: string;
  tarballsUrl: string;
  sourceUrl?: string;
  /** Index page of the package when `meta:pypi: yes`. */
  pypiUrl?: string;
  /** Picks one of the emotions (announce uses a random one; callers pass a deterministic pick). */
  emotionIndex: number;
}

const EMOTIONS = [
  'are amped to', 'are chuffed to', 'contentedly', 'are delighted to', 'eagerly', 'are ecstatic to', 'enthusiastically', 'are excited to',
  'exuberantly', 'are glad to', 'are gleeful to', 'are happy to', 'high-spiritedly', 'are jazzed to', 'joyfully', 'jubilantly',
  'are overjoyed to', 'are pleased to', 'are psyched to', 'are pumped to', 'are satisfied to', 'are stoked to', 'are thrilled to', 'are tickled pink to',
];

export interface AnnounceMail {
  from: string;
  to: string;
  replyTo: string;
  subject: string;
  body: string;
}

/** The announcement: headers as release_notes.py writes them, the release (or RC) text, changes, diffstat. */
export function announceMail(a: AnnounceInput): AnnounceMail {
  const series = a.meta.series ?? '';
  const stable = a.meta['release-type'] === 'release' && a.stableBranchExists && a.meta.first !== 'yes';
  const range = `${a.diffStart}..${a.version}`;
  const tarballs = `${a.tarballsUrl.replace(/\/+$/, '')}/${a.project}/`;
  const out: string[] = [];
  if (/rc[0-9]+$/.test(a.version)) {
    const Series = series.charAt(0).toUpperCase() + series.slice(1);
    out.push(
      'Hello everyone,', '',
      `A new release candidate for ${a.project} for the end of the ${Series}`,
      'cycle is available!  You can find the source code tarball at:', '', `    ${tarballs}`, '',
      'Unless release-critical issues are found that warrant a release',
      'candidate respin, this candidate will be formally released as the',
      `final ${Series} release. You are therefore strongly encouraged`,
      'to test and validate this tarball!', '',
    );
  } else {
    out.push(`We ${EMOTIONS[Math.abs(a.emotionIndex) % EMOTIONS.length]} announce the release of:`, '', `${a.project} ${a.version}`, '');
    if (a.firstRelease) out.push(`This is the first release of ${a.project}.`);
    if (series) out.push(`This release is part of the ${series} ${stable ? 'stable ' : ''}release series.`);
    if (a.sourceUrl) out.push('', 'The source is available from:', '', `    ${a.sourceUrl}`);
    out.push('', 'Download the package from:', '', `    ${a.pypiUrl ?? tarballs}`, '', 'For more details, please see below.', '');
  }
  if (a.notes.trim()) out.push(a.notes.trimEnd(), '');
  if (a.changes.length) {
    const header = `Changes in ${a.project} ${range}`;
    out.push(header, '-'.repeat(header.length), '', ...a.changes, '');
  }
  const stats = a.diffStat.map((l) => l.trim()).filter((l) => l && !l.includes('tests') && !l.startsWith('doc'));
  if (stats.length && !a.firstRelease) out.push('Diffstat (except docs and test files)', '-------------------------------------', '', ...stats, '');
  return {
    from: a.from,
    to: 'release-announce@lists.openstack.org',
    replyTo: 'openstack-discuss@lists.openstack.org',
    subject: `${a.project} ${a.version}${series ? ` (${series})` : ''}`,
    body: `${out.join('\n').trimEnd()}\n`,
  };
}

/** PEP 503's normalised project name. */
export const pep503 = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');

/**
 * update_constraints.sh's edit of upper-constraints.txt: `name===<old>` lines
 * (with or without a python_version marker) of the distribution, by its name or
 * its PEP 503 form, get the new version. Null when it is not listed or already there.
 */
export function updateUpperConstraints(text: string, dist: string, version: string): string | null {
  const names = new Set([dist.toLowerCase(), pep503(dist)]);
  let changed = false;
  const lines = text.split('\n').map((line) => {
    const m = /^([A-Za-z0-9._-]+)===([^;\s]+)(;.*)?$/.exec(line);
    if (!m || !names.has(m[1].toLowerCase()) || m[2] === version) return line;
    changed = true;
    return `${m[1]}===${version}${m[3] ?? ''}`;
  });
  return changed ? lines.join('\n') : null;
}

/** The commit message of the constraints proposal (with the tag's meta lines, as update_constraints.sh). */
export function constraintsCommitMessage(dist: string, version: string, metaLines: readonly string[]): string {
  return [`update constraint for ${dist} to new release ${version}`, '', ...metaLines, ''].join('\n');
}
