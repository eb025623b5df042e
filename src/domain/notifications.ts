/**
 * Texts of DLRN's failure notifications (`notifications.sendnotifymail` and
 * `scripts/submit_review.sh`) and the mail throttle. Pure: no I/O.
 */

/** DLRN `projects.last_email`: at most one failure mail per package per 24 h. */
export const MAIL_THROTTLE_SECONDS = 86400;

/** DLRN projects.ini `gerrit_topic` default. */
export const DEFAULT_FTBFS_TOPIC = 'rdo-FTBFS';

/** How many log lines a failure mail quotes at most. */
export const MAIL_LOG_LINES = 40;

export interface BuildFailureDetails {
  packageName: string;
  /** OpenStack release the trunk builds, e.g. `flamingo`. */
  release: string;
  /** The trunk's branch label, e.g. `master` (what DLRN's subject names). */
  trunk: string;
  commitHash: string;
  distroHash: string;
  logUrl: string;
  /** Upstream source repository, if known. */
  repoUrl?: string;
  logTail: string;
}

/** DLRN's subject, verbatim: `[dlrn] <pkg> master package build failed`. */
export function buildFailureSubject(pkg: string, branchLabel = 'master'): string {
  return `[dlrn] ${pkg} ${branchLabel} package build failed`;
}

/** The last `n` lines of a log, without the trailing newline's empty line. */
export function lastLines(text: string, n: number): string {
  const lines = text.replace(/\s+$/, '').split(/\r?\n/);
  return lines.slice(Math.max(0, lines.length - n)).join('\n');
}

export function buildFailureBody(d: BuildFailureDetails, maxLogLines = MAIL_LOG_LINES): string {
  const rows: [string, string | undefined][] = [
    ['Package', d.packageName],
    ['Release', d.release],
    ['Trunk', d.trunk],
    ['Upstream commit', d.commitHash],
    ['Distgit commit', d.distroHash],
    ['Upstream repo', d.repoUrl],
    ['Build log', d.logUrl],
  ];
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  const table = rows
    .filter(([, v]) => v)
    .map(([k, v]) => `  ${`${k}:`.padEnd(width)} ${v}`)
    .join('\n');
  const tail = lastLines(d.logTail, maxLogLines);
  return [
    `A build of the package ${d.packageName} has failed against the current ${d.trunk} of the`,
    'upstream project. Please see the log and update the packaging.',
    '',
    table,
    '',
    `You are receiving this email because you are listed as one of the maintainers of ${d.packageName}.`,
    '',
    tail ? `Last lines of the build log:\n\n${tail}` : 'The build log is empty.',
    '',
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
