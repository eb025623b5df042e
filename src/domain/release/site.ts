/** The releases site (publish-docs): static HTML pages of every series' deliverables, versions and tarball links. Pure rendering. */
import type { Deliverable } from './deliverable';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The artifact name of a repository's tarballs: tarball-base or the repo's basename, `[-.]+` → `_`, lowercased (links.py). */
export function tarballName(repo: string, tarballBase?: string): string {
  return (tarballBase ?? repo.split('/').pop() ?? repo).replace(/[-.]+/g, '_').toLowerCase();
}

/** `<tarballsUrl>/<repo>/<name>-<version>.tar.gz`. */
export function tarballUrl(tarballsUrl: string, repo: string, version: string, tarballBase?: string): string {
  return `${tarballsUrl.replace(/\/+$/, '')}/${repo}/${tarballName(repo, tarballBase)}-${version}.tar.gz`;
}

const page = (title: string, body: string) =>
  `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title></head>\n<body>\n<h1>${esc(title)}</h1>\n${body}</body></html>\n`;

/** Every page of the site, path (relative to the site root) → HTML. Series are listed as given (newest first is the caller's order). */
export function renderReleasesSite(series: ReadonlyArray<{ name: string; deliverables: readonly Deliverable[] }>, tarballsUrl: string): Record<string, string> {
  const pages: Record<string, string> = {};
  const list = series.map((s) => `<li><a href="${esc(s.name)}/index.html">${esc(s.name)}</a> (${s.deliverables.length} deliverables)</li>`).join('\n');
  pages['index.html'] = page('Releases', `<ul>\n${list}\n</ul>\n`);
  for (const s of series) {
    const rows = [...s.deliverables].sort((a, b) => (a.name < b.name ? -1 : 1)).map((d) => {
      const versions = [...d.releases].reverse().map((r) => {
        const links = d.artifactLinkMode === 'none' ? '' : r.projects.map((p) => {
          const url = tarballUrl(tarballsUrl, p.repo, r.version, p.tarballBase);
          return ` <a href="${esc(url)}">${esc(p.repo.split('/').pop() ?? p.repo)}</a> (<a href="${esc(url)}.asc">sig</a>)`;
        }).join('');
        return `<li>${esc(r.version)}${links}</li>`;
      }).join('');
      return `<tr id="${esc(d.name)}"><td>${esc(d.name)}</td><td>${esc(d.team)}</td><td>${esc(d.model)}</td><td><ul>${versions}</ul></td></tr>`;
    }).join('\n');
    pages[`${s.name}/index.html`] = page(`${s.name} releases`, `<table>\n<tr><th>Deliverable</th><th>Team</th><th>Model</th><th>Versions</th></tr>\n${rows}\n</table>\n`);
  }
  return pages;
}
