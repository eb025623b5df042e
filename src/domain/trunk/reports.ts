/**
 * DLRN's static reports (`reporting.genreports`): `report.html` (latest
 * builds), `status_report.html` and `status_report.csv` (latest status per
 * package). Our own HTML; the CSV matches DLRN's bytes. Everything
 * interpolated is HTML-escaped.
 */
import { latestRowByProject } from './consistency';
import { shardedCommitDir } from './hashes';
import { pyStr } from './repo-files';
import type { CommitRow, PackageInfo } from './types';

/** DLRN shows the last 300 builds. */
export const REPORT_LENGTH = 300;

/**
 * HTML escaping as Jinja2/markupsafe autoescape does it:
 * `&` `<` `>` `"` `'` → `&amp;` `&lt;` `&gt;` `&#34;` `&#39;`.
 */
export function escapeHtml(value: string | number | null | undefined): string {
  return pyStr(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');
}

/** `strftime('%Y-%m-%d %H:%M:%S', gmtime(ts))`; '' for a missing timestamp. */
export function formatUtc(epochSeconds: number | null | undefined): string {
  if (epochSeconds === null || epochSeconds === undefined || !Number.isFinite(epochSeconds)) return '';
  const d = new Date(Math.trunc(epochSeconds) * 1000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return (
    `${String(d.getUTCFullYear()).padStart(4, '0')}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
  );
}

/**
 * DLRN `get_commit_url`: the prefix a commit hash is appended to.
 * opendev.org / github.com → `https://<host><path>/commit/`;
 * git.openstack.org → `http://git.openstack.org/cgit<path>/commit/?id=`;
 * any other URL → the upstream URL itself; no upstream → ''.
 */
export function commitUrlPrefix(upstream: string | null | undefined): string {
  if (!upstream) return '';
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)([^?#]*)/.exec(upstream);
  const host = m ? m[1] : '';
  const path = m ? m[2] : '';
  if (host === 'git.openstack.org') return `http://git.openstack.org/cgit${path}/commit/?id=`;
  if (host === 'github.com' || host === 'opendev.org') return `https://${host}${path}/commit/`;
  return upstream;
}

/**
 * The href DLRN's pages give a commit hash: its `get_commit_url` filter's
 * prefix (`???` for a package no longer listed, `''` without an upstream)
 * followed by the hash, so every hash is a link, as on DLRN's pages.
 */
export function commitHref(
  row: Pick<CommitRow, 'projectName' | 'commitHash'>,
  packages: ReadonlyArray<Pick<PackageInfo, 'name' | 'upstream'>>,
): string {
  const pkg = byName(packages).get(row.projectName);
  return (pkg ? commitUrlPrefix(pkg.upstream) : '???') + row.commitHash;
}

// A page links hundreds of hashes into a list of a thousand packages: each list is indexed once.
const indexes = new WeakMap<ReadonlyArray<Pick<PackageInfo, 'name'>>, Map<string, Pick<PackageInfo, 'name' | 'upstream'>>>();
function byName(packages: ReadonlyArray<Pick<PackageInfo, 'name' | 'upstream'>>): Map<string, Pick<PackageInfo, 'name' | 'upstream'>> {
  let index = indexes.get(packages);
  if (!index) {
    index = new Map();
    for (const p of packages) if (!index.has(p.name)) index.set(p.name, p);
    indexes.set(packages, index);
  }
  return index;
}

/**
 * Rows of report.html: rpm builds that are not RETRY, newest (highest id)
 * first, at most `limit`.
 */
export function reportRows(rows: readonly CommitRow[], limit = REPORT_LENGTH, type = 'rpm'): CommitRow[] {
  return rows
    .filter((r) => r.type === type && r.status !== 'RETRY')
    .sort((a, b) => b.id - a.id)
    .slice(0, limit);
}

export interface ReportPageOptions {
  /** Title part (projects.ini `project_name`, e.g. `RDO`). */
  projectName?: string;
  /** projects.ini `reponame`, `target`, `source`: shown in the heading. */
  reponame: string;
  target: string;
  source: string;
  /** For commit links (upstream URL per package). */
  packages: ReadonlyArray<Pick<PackageInfo, 'name' | 'upstream'>>;
}

/** Jinja's `capitalize`: first character upper case, the rest lower case. */
const capitalize = (s: string): string => (s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s);

/**
 * `styles.css`, written beside the pages (they link it, as DLRN's do): the
 * table layout and DLRN's colours (dark red header, pink failure rows), with
 * no external imports, so the pages look the same offline.
 */
export const REPORT_STYLESHEET = [
  'body { font-family: sans-serif; margin: 1em 2em; }',
  'h1 { color: #7f0a0c; font-size: 2em; margin: 1em 0; }',
  '#dlrn { border-collapse: collapse; width: 100%; font-size: 0.9em; }',
  '#dlrn th { color: #fff; background-color: #550000; text-align: left; padding: 4px 8px; }',
  '#dlrn td { border-bottom: 1px solid #ddd; padding: 3px 8px; }',
  '#dlrn td.commit { font-family: monospace; }',
  '#dlrn tr:hover td { background-color: #f4f4f4; }',
  '#dlrn tr.failure td { color: #000; background-color: #f5c6cb; }',
  '#dlrn tr.failure:hover td { background-color: #f1b0b7; }',
  '',
].join('\n');

function page(title: string, heading: string, table: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${title}</title>`,
    '<link rel="stylesheet" href="styles.css">',
    '</head>',
    '<body>',
    `<h1>${heading}</h1>`,
    table,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function headingOf(opts: ReportPageOptions): string {
  return `${escapeHtml(capitalize(opts.reponame))} - ${escapeHtml(capitalize(opts.target))} (${escapeHtml(opts.source)})`;
}

function titleOf(opts: ReportPageOptions): string {
  return `${escapeHtml(opts.projectName ?? '')} Packaging By DLRN`.trim();
}

/** DLRN marks FAILED rows only. */
function statusClass(status: string): string {
  return status === 'FAILED' ? ' class="failure"' : '';
}

function table(headers: readonly string[], body: string): string {
  return (
    `<table id="dlrn">\n<thead><tr>${headers.map((h) => `<th>${h}</th>`).join('')}</tr></thead>\n` +
    `<tbody>\n${body}${body ? '\n' : ''}</tbody>\n</table>`
  );
}

function hashLink(row: Pick<CommitRow, 'projectName' | 'commitHash'>, packages: ReportPageOptions['packages']): string {
  return `<a href="${escapeHtml(commitHref(row, packages))}">${escapeHtml(row.commitHash)}</a>`;
}

/**
 * report.html: the latest {@link REPORT_LENGTH} builds, newest first, in
 * DLRN's columns: build date, commit date, project, commit hash (linked
 * upstream), component (`None` when unset, as Jinja prints it), status
 * (SUCCESS or FAILED), and links to the repo dir and its rpmbuild.log
 * (relative to `repos/`, where the report lives).
 */
export function reportHtml(rows: readonly CommitRow[], opts: ReportPageOptions & { limit?: number }): string {
  const body = reportRows(rows, opts.limit ?? REPORT_LENGTH)
    .map((r) => {
      const dir = escapeHtml(shardedCommitDir(r));
      return (
        `<tr${statusClass(r.status)}>` +
        `<td>${escapeHtml(formatUtc(r.dtBuild))}</td>` +
        `<td>${escapeHtml(formatUtc(r.dtCommit))}</td>` +
        `<td>${escapeHtml(r.projectName)}</td>` +
        `<td class="commit">${hashLink(r, opts.packages)}</td>` +
        `<td>${escapeHtml(r.component)}</td>` +
        `<td>${r.status === 'SUCCESS' ? 'SUCCESS' : 'FAILED'}</td>` +
        `<td><a href="${dir}">repo</a></td>` +
        `<td><a href="${dir}/rpmbuild.log">build log</a></td>` +
        '</tr>'
      );
    })
    .join('\n');
  const headers = ['Build Date Time', 'Commit Date Time', 'Project Name', 'Commit Hash', 'Component', 'Status', 'Repository', 'Build Log'];
  return page(titleOf(opts), headingOf(opts), table(headers, body));
}

/** A build waiting in the trunk's queue, as queue.html lists it. */
export type PendingBuild = Pick<CommitRow, 'projectName' | 'commitHash' | 'dtCommit'>;

/**
 * queue.html, DLRN's page of the commits still to build: commit date,
 * project and commit hash (linked upstream), in queue order.
 */
export function queueHtml(pending: readonly PendingBuild[], opts: Omit<ReportPageOptions, 'projectName' | 'reponame'>): string {
  const body = pending
    .map((r) => (
      '<tr>' +
      `<td>${escapeHtml(formatUtc(r.dtCommit))}</td>` +
      `<td>${escapeHtml(r.projectName)}</td>` +
      `<td class="commit">${hashLink(r, opts.packages)}</td>` +
      '</tr>'
    ))
    .join('\n');
  const title = 'Pending commits for the current run';
  return page(title, `${title}: ${escapeHtml(capitalize(opts.target))} (${escapeHtml(opts.source)})`, table(['Commit Date Time', 'Project Name', 'Commit Hash'], body));
}

/** One package line of the status reports. */
export interface PackageStatus {
  name: string;
  /** Latest rpm row (RETRY included). */
  lastBuild: CommitRow;
  /**
   * For a non-SUCCESS latest build: the first FAILED row after the last
   * success (or the first FAILED ever when there was never a success);
   * null when none qualifies.
   */
  firstFailure: CommitRow | null;
  /** Whole days since the last success's build; -1 = never succeeded; null when latest is SUCCESS. */
  daysSinceSuccess: number | null;
}

/**
 * Per-package status, sorted by name; packages without any rpm row are left
 * out (as DLRN does). `now` is epoch seconds.
 */
export function packageStatuses(
  rows: readonly CommitRow[],
  packages: ReadonlyArray<Pick<PackageInfo, 'name'>>,
  now: number,
  type = 'rpm',
): PackageStatus[] {
  const out: PackageStatus[] = [];
  const lastByProject = latestRowByProject(rows, { type });
  const lastSuccessByProject = latestRowByProject(rows, { type, status: 'SUCCESS' });
  const failedByProject = new Map<string, CommitRow[]>();
  for (const r of rows) {
    if (r.type !== type || r.status !== 'FAILED') continue;
    failedByProject.set(r.projectName, [...(failedByProject.get(r.projectName) ?? []), r]);
  }
  for (const { name } of packages) {
    const lastBuild = lastByProject.get(name) ?? null;
    if (!lastBuild) continue;
    if (lastBuild.status === 'SUCCESS') {
      out.push({ name, lastBuild, firstFailure: null, daysSinceSuccess: null });
      continue;
    }
    const lastSuccess = lastSuccessByProject.get(name) ?? null;
    const failed = [...(failedByProject.get(name) ?? [])].sort((a, b) => a.id - b.id);
    if (!lastSuccess) {
      out.push({ name, lastBuild, firstFailure: failed[0] ?? null, daysSinceSuccess: -1 });
      continue;
    }
    const since = lastSuccess.dtBuild ?? 0;
    const firstFailure = failed.find((r) => r.dtBuild !== null && r.dtBuild !== undefined && r.dtBuild > since) ?? null;
    out.push({ name, lastBuild, firstFailure, daysSinceSuccess: Math.floor((now - since) / 86400) });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** DLRN's status_report.csv header. */
export const STATUS_REPORT_CSV_HEADER = 'Project,Source Sha,Dist Sha,Extended Sha,Component,Status,Timestamp,Packages';

/**
 * status_report.csv byte-for-byte as DLRN's Jinja template renders it: no CSV
 * quoting, every value passed through Jinja's HTML autoescape (so `&` is
 * `&amp;` even here), None → `None`, and the artifact list with `,` → `|`.
 */
export function statusReportCsv(statuses: readonly PackageStatus[]): string {
  let out = STATUS_REPORT_CSV_HEADER + '\n';
  for (const s of statuses) {
    const b = s.lastBuild;
    out +=
      [
        escapeHtml(s.name),
        escapeHtml(b.commitHash),
        escapeHtml(b.distroHash),
        escapeHtml(b.extendedHash),
        escapeHtml(b.component),
        escapeHtml(b.status),
        escapeHtml(b.dtBuild),
        escapeHtml(b.artifacts).replace(/,/g, '|'),
      ].join(',') + '\n';
  }
  return out;
}

/**
 * status_report.html in DLRN's four columns: package, latest status (linked
 * to its rpmbuild.log), first failure after the last success (commit link +
 * build log) and days since the last success ("Never").
 */
export function statusReportHtml(
  statuses: readonly PackageStatus[],
  opts: ReportPageOptions & { headOnly?: boolean },
): string {
  const msg = opts.headOnly ? ' (all commit not built)' : '';
  const body = statuses
    .map((s) => {
      const b = s.lastBuild;
      const status = b.status === 'SUCCESS' || b.status === 'RETRY' ? b.status : 'FAILED';
      let failureCell = '';
      let daysCell = '';
      if (status === 'FAILED') {
        const f = s.firstFailure;
        failureCell = f ? `${hashLink(f, opts.packages)} (<a href="${escapeHtml(shardedCommitDir(f))}/rpmbuild.log">build log</a>)` : '??????';
        daysCell = s.daysSinceSuccess === -1 || s.daysSinceSuccess === null ? 'Never' : `${s.daysSinceSuccess} days`;
      }
      return (
        `<tr${statusClass(status)}>` +
        `<td>${escapeHtml(s.name)}</td>` +
        `<td><a href="${escapeHtml(shardedCommitDir(b))}/rpmbuild.log">${status}</a></td>` +
        `<td>${failureCell}</td>` +
        `<td>${daysCell}</td>` +
        '</tr>'
      );
    })
    .join('\n');
  const headers = ['Project Name', 'Status', `First failure after success${escapeHtml(msg)}`, 'Number of days since last success'];
  return page(titleOf(opts), headingOf(opts), table(headers, body));
}
