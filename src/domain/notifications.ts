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
  /** `git rev-parse --short` of the commit in the upstream clone (7 digits or more); the first 7 when absent. */
  shortHash?: string;
  distroHash: string;
  /** The upstream commit's web page (DLRN's GERRIT_URL, see commitUrl). */
  commitUrl: string;
  /** The build's repo directory URL, where its logs are (DLRN's GERRIT_LOG). */
  logUrl: string;
  topic?: string;
}

/**
 * DLRN's `get_commit_url` + the hash: the commit's page on the known code
 * hosts (opendev.org, github.com, cgit on git.openstack.org), else the
 * upstream URL with the hash appended as DLRN does.
 */
export function commitUrl(upstream: string, commitHash: string): string {
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    return `${upstream}${commitHash}`;
  }
  switch (url.host) {
    case 'git.openstack.org': return `http://${url.host}/cgit${url.pathname}/commit/?id=${commitHash}`;
    case 'github.com':
    case 'opendev.org': return `https://${url.host}${url.pathname}/commit/${commitHash}`;
    default: return `${upstream}${commitHash}`;
  }
}

/** submit_review.sh's subject: `<package>: failed to build <short sha>`. */
export function ftbfsSubject(r: Pick<FtbfsText, 'packageName' | 'commitHash' | 'shortHash'>): string {
  return `${r.packageName}: failed to build ${r.shortHash ?? r.commitHash.slice(0, 7)}`;
}

/** submit_review.sh's commit message (trailers, if any, for drivers without Gerrit's own fields). */
export function ftbfsCommitMessage(r: FtbfsText, trailers: string[] = []): string {
  const body = [ftbfsSubject(r), '', `Need to fix build error caused by ${r.commitUrl}`, `See log at ${r.logUrl}`];
  return [...body, ...(trailers.length ? ['', ...trailers] : [])].join('\n') + '\n';
}

/** The pseudo-modification's line: `# REMOVEME: error caused by commit <commit URL>`. */
export function removeMeLine(url: string): string {
  return `# REMOVEME: error caused by commit ${url}`;
}

/**
 * The pseudo-modification that gives the review something to change (DLRN
 * appends it to the spec with sed): one line at the end.
 */
export function appendRemoveMe(spec: string, url: string): string {
  const sep = spec === '' || spec.endsWith('\n') ? '' : '\n';
  return `${spec}${sep}${removeMeLine(url)}\n`;
}
