/**
 * Texts of DLRN's failure notifications (`notifications.sendnotifymail` and
 * `scripts/submit_review.sh`) and the mail throttle. Pure: no I/O.
 */

/** DLRN `projects.last_email`: at most one failure mail per package per 24 h. */
export const MAIL_THROTTLE_SECONDS = 86400;

/** DLRN projects.ini `gerrit_topic` default. */
export const DEFAULT_FTBFS_TOPIC = 'rdo-FTBFS';

export interface BuildFailureDetails {
  packageName: string;
  /** The package's upstream repository (rdoinfo `upstream`). */
  upstream: string;
  /** The package's distgit (rdoinfo `master-distgit`). */
  distgit: string;
  /** The failed build's repo dir URL, `<baseurl>/<sharded commit dir>`, where rpmbuild.log is. */
  logUrl: string;
}

/**
 * DLRN's subject. It says `master` whatever branch the trunk builds, as
 * DLRN's does; mail filters match on it.
 */
export function buildFailureSubject(pkg: string): string {
  return `[dlrn] ${pkg} master package build failed`;
}

/**
 * The body DLRN renders from its notification_email template (Jinja drops
 * the template's final newline): the package, the three numbered links
 * (upstream, the build's repo dir, the distgit) and why the reader gets it.
 */
export function buildFailureBody(d: BuildFailureDetails): string {
  return [
    `A build of the package ${d.packageName} has failed against the current master[1] of`,
    'the upstream project, please see log[2] and update the packaging[3].',
    '',
    'You are receiving this email because you are listed as one of the',
    `maintainers for the ${d.packageName}.`,
    '',
    `[1] - ${d.upstream}`,
    `[2] - ${d.logUrl}`,
    `[3] - ${d.distgit}`,
  ].join('\n');
}

/**
 * DLRN `Project.suppress_email()`: mail is suppressed while `last_email` is
 * more recent than `now - 86400`; a package that was never mailed is mailed.
 */
export function shouldSendMail(lastEmailEpoch: number | null | undefined, nowEpoch: number): boolean {
  if (lastEmailEpoch === null || lastEmailEpoch === undefined) return true;
  return lastEmailEpoch <= nowEpoch - MAIL_THROTTLE_SECONDS;
}

/** What the FTBFS review is about; the fields review drivers need for texts. */
export interface FtbfsText {
  packageName: string;
  commitHash: string;
  distroHash: string;
  logUrl: string;
  topic?: string;
}

export function ftbfsSubject(r: Pick<FtbfsText, 'packageName' | 'commitHash'>): string {
  return `FTBFS: ${r.packageName} at ${r.commitHash.slice(0, 8)}`;
}

/** Commit message of the review, with the body submit_review.sh writes. */
export function ftbfsCommitMessage(r: FtbfsText, trailers: string[] = []): string {
  const body = [
    ftbfsSubject(r),
    '',
    `Need to fix the build error caused by upstream commit ${r.commitHash}`,
    `(distgit ${r.distroHash}).`,
    `See log at ${r.logUrl}`,
  ];
  return [...body, ...(trailers.length ? ['', ...trailers] : [])].join('\n') + '\n';
}

export function removeMeLine(logUrl: string): string {
  return `# REMOVEME: build failed, see ${logUrl}`;
}

/**
 * The pseudo-modification that gives the review something to change (DLRN
 * appends it with sed): one line at the end of the spec.
 */
export function appendRemoveMe(spec: string, logUrl: string): string {
  const sep = spec === '' || spec.endsWith('\n') ? '' : '\n';
  return `${spec}${sep}${removeMeLine(logUrl)}\n`;
}
