/** The DLRN API's HTML pages of CI votes (civotes*.html), rendered on the server with no external scripts. */
import { escapeHtml, formatUtc } from '../trunk/reports';

const PAGE_STYLE = 'table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;font-family:monospace}tr.failure{background:#fdd}';

function page(title: string, heading: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<h1>${escapeHtml(heading)}</h1>
${body}
</body>
</html>
`;
}

const capitalize = (s: string): string => (s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s);
const link = (href: string, params: Record<string, string | null>, text: string) => {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== null)).toString();
  return `<a href="${escapeHtml(`${href}?${q}`)}">${escapeHtml(text)}</a>`;
};

/** Pager links: the previous and next page of `limit` rows. */
function pager(href: string, offset: number, limit: number, shown: number): string {
  const prev = offset > 0 ? link(href, { offset: String(Math.max(0, offset - limit)) }, 'newer') : '';
  const next = shown >= limit ? link(href, { offset: String(offset + limit) }, 'older') : '';
  return `<p>${[prev, next].filter(Boolean).join(' | ')}</p>`;
}

export interface RepoVotes {
  commitHash: string;
  distroHash: string;
  component: string | null;
  success: number;
  failure: number;
  timestamp: number;
}

/** civotes.html: per build, its passes and failures among the page of newest votes. */
export function civotesHtml(target: string, repos: readonly RepoVotes[], offset: number, limit: number, votesOnPage: number): string {
  const rows = repos.map((r) => {
    const hashes = { commit_hash: r.commitHash, distro_hash: r.distroHash };
    return `<tr${r.failure ? ' class="failure"' : ''}><td>${link('civotes_detail.html', hashes, `${r.commitHash}_${r.distroHash.slice(0, 8)}`)}</td>` +
      `<td>${r.component ? link('civotes_detail.html', { component: r.component }, r.component) : ''}</td>` +
      `<td>${escapeHtml(formatUtc(r.timestamp))}</td>` +
      `<td>${link('civotes_detail.html', { ...hashes, success: 'True' }, String(r.success))}</td>` +
      `<td>${link('civotes_detail.html', { ...hashes, success: 'False' }, String(r.failure))}</td></tr>`;
  });
  const table = `<table><thead><tr><th>Repo hash (distro_commit)</th><th>Component</th><th>Last timestamp</th><th>Successful jobs</th><th>Failed jobs</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
  return page('CI Votes', capitalize(target), table + pager('civotes.html', offset, limit, votesOnPage));
}

export interface VoteLine {
  commitHash?: string;
  distroHash?: string;
  refHash?: string;
  ciName: string | null;
  ciUrl: string | null;
  ciVote: boolean | null;
  ciInProgress: boolean | null;
  timestamp: number | null;
  notes: string | null;
  user: string | null;
  component?: string | null;
}

/** civotes_detail.html and civotes_agg_detail.html: one line per vote. */
export function voteDetailHtml(target: string, title: string, votes: readonly VoteLine[]): string {
  const rows = votes.map((v) => {
    const what = v.refHash ?? `${v.commitHash ?? ''}_${(v.distroHash ?? '').slice(0, 8)}`;
    const url = v.ciUrl && /^https?:\/\//.test(v.ciUrl) ? `<a href="${escapeHtml(v.ciUrl)}">${escapeHtml(v.ciUrl)}</a>` : escapeHtml(v.ciUrl);
    const result = v.ciInProgress ? 'in progress' : v.ciVote ? 'success' : 'failure';
    return `<tr${!v.ciInProgress && !v.ciVote ? ' class="failure"' : ''}><td>${escapeHtml(what)}</td><td>${escapeHtml(v.ciName)}</td>` +
      `<td>${url}</td><td>${result}</td><td>${escapeHtml(formatUtc(v.timestamp))}</td><td>${escapeHtml(v.user)}</td>` +
      `<td>${escapeHtml(v.component ?? '')}</td><td>${escapeHtml(v.notes)}</td></tr>`;
  });
  const table = `<table><thead><tr><th>Hash</th><th>CI name</th><th>URL</th><th>Result</th><th>Timestamp</th><th>User</th><th>Component</th><th>Notes</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
  return page(title, capitalize(target), table);
}

export interface AggregateVotes {
  refHash: string;
  success: number;
  failure: number;
  timestamp: number;
}

/** civotes_agg.html: per aggregate hash, its passes and failures among the page of newest votes. */
export function civotesAggHtml(target: string, aggs: readonly AggregateVotes[], offset: number, limit: number, votesOnPage: number): string {
  const rows = aggs.map((a) => `<tr${a.failure ? ' class="failure"' : ''}><td>${link('civotes_agg_detail.html', { ref_hash: a.refHash }, a.refHash)}</td>` +
    `<td>${escapeHtml(formatUtc(a.timestamp))}</td><td>${a.success}</td><td>${a.failure}</td></tr>`);
  const table = `<table><thead><tr><th>Aggregate hash</th><th>Last timestamp</th><th>Successful jobs</th><th>Failed jobs</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
  return page('CI Votes (aggregates)', capitalize(target), table + pager('civotes_agg.html', offset, limit, votesOnPage));
}
