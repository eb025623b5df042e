/**
 * DLRN's static reports (`reporting.genreports`): `report.html` (latest
 * builds), `status_report.html` and `status_report.csv` (latest status per
 * package). Our own HTML; the CSV matches DLRN's bytes. Everything
 * interpolated is HTML-escaped.
 */
import { latestRowByProject } from './consistency';
import { shardedCommitDir } from './hashes';
import { nvrFromArtifacts, pyStr } from './repo-files';
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

/** Empty-safe escape for optional cells (null → ''). */
function cell(value: string | number | null | undefined): string {
  return value === null || value === undefined ? '' : escapeHtml(value);
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

/** Link to a commit, or null when the package (or its upstream) is unknown. */
export function commitUrl(
  row: Pick<CommitRow, 'projectName' | 'commitHash'>,
  packages: ReadonlyArray<Pick<PackageInfo, 'name' | 'upstream'>>,
): string | null {
  const pkg = packages.find((p) => p.name === row.projectName);
  const prefix = pkg ? commitUrlPrefix(pkg.upstream) : '';
  return prefix ? prefix + row.commitHash : null;
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

const capitalize = (s: string): string => (s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s);

function page(title: string, heading: string, table: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${title}</title>`,
    '<link rel="stylesheet" href="styles.css">',
    '<style>table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;font-family:monospace}' +
      'tr.failure{background:#fdd}tr.retry{background:#ffd}</style>',
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

function statusClass(status: string): string {
  if (status === 'SUCCESS') return '';
  return status === 'RETRY' ? ' class="retry"' : ' class="failure"';
}

/**
 * report.html: the latest {@link REPORT_LENGTH} builds, newest first, with
 * build date, commit date, project, commit hash (linked upstream), distro
 * hash, component, status, and links to the repo dir and its rpmbuild.log
 * (relative to `repos/`, where the report lives).
 */
export function reportHtml(rows: readonly CommitRow[], opts: ReportPageOptions & { limit?: number }): string {
  const body = reportRows(rows, opts.limit ?? REPORT_LENGTH)
    .map((r) => {
      const dir = escapeHtml(shardedCommitDir(r));
      const url = commitUrl(r, opts.packages);
      const hash = escapeHtml(r.commitHash);
      const hashCell = url ? `<a href="${escapeHtml(url)}">${hash}</a>` : hash;
      return (
        `<tr${statusClass(r.status)}>` +
        `<td>${escapeHtml(formatUtc(r.dtBuild))}</td>` +
        `<td>${escapeHtml(formatUtc(r.dtCommit))}</td>` +
        `<td>${escapeHtml(r.projectName)}</td>` +
        `<td class="commit">${hashCell}</td>` +
        `<td>${escapeHtml(r.distroHash)}</td>` +
        `<td>${cell(r.component)}</td>` +
        `<td>${escapeHtml(r.status)}</td>` +
        `<td><a href="${dir}">repo</a></td>` +
        `<td><a href="${dir}/rpmbuild.log">build log</a></td>` +
        '</tr>'
      );
    })
    .join('\n');
  const table =
    '<table id="dlrn">\n<thead><tr><th>Build Date Time</th><th>Commit Date Time</th><th>Project Name</th>' +
    '<th>Commit Hash</th><th>Distro Hash</th><th>Component</th><th>Status</th><th>Repository</th>' +
    `<th>Build Log</th></tr></thead>\n<tbody>\n${body}${body ? '\n' : ''}</tbody>\n</table>`;
  return page(titleOf(opts), headingOf(opts), table);
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
 * status_report.html: one row per package with NVR, source SHA, latest
 * status (linked to its rpmbuild.log), first failure after the last success
 * (commit link + build log) and days since the last success ("Never").
 */
export function statusReportHtml(
  statuses: readonly PackageStatus[],
  opts: ReportPageOptions & { headOnly?: boolean },
): string {
  const msg = opts.headOnly ? ' (all commit not built)' : '';
  const body = statuses
    .map((s) => {
      const b = s.lastBuild;
      const log = `${escapeHtml(shardedCommitDir(b))}/rpmbuild.log`;
      let failureCell = '';
      let daysCell = '';
      if (b.status !== 'SUCCESS' && b.status !== 'RETRY') {
        if (s.firstFailure) {
          const f = s.firstFailure;
          const url = commitUrl(f, opts.packages);
          const hash = escapeHtml(f.commitHash);
          failureCell =
            (url ? `<a href="${escapeHtml(url)}">${hash}</a>` : hash) +
            ` (<a href="${escapeHtml(shardedCommitDir(f))}/rpmbuild.log">build log</a>)`;
        } else {
          failureCell = '??????';
        }
        daysCell = s.daysSinceSuccess === -1 || s.daysSinceSuccess === null ? 'Never' : `${s.daysSinceSuccess} days`;
      }
      return (
        `<tr${statusClass(b.status)}>` +
        `<td>${escapeHtml(s.name)}</td>` +
        `<td>${escapeHtml(nvrFromArtifacts(b.artifacts ?? null))}</td>` +
        `<td>${escapeHtml(b.commitHash)}</td>` +
        `<td><a href="${log}">${escapeHtml(b.status)}</a></td>` +
        `<td>${failureCell}</td>` +
        `<td>${daysCell}</td>` +
        '</tr>'
      );
    })
    .join('\n');
  const table =
    '<table id="dlrn">\n<thead><tr><th>Project Name</th><th>NVR</th><th>Tarball SHA</th><th>Status</th>' +
    `<th>First failure after success${escapeHtml(msg)}</th><th>Number of days since last success</th></tr></thead>\n` +
    `<tbody>\n${body}${body ? '\n' : ''}</tbody>\n</table>`;
  return page(titleOf(opts), headingOf(opts), table);
}
