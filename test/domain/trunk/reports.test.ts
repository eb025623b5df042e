import {
  REPORT_LENGTH,
  STATUS_REPORT_CSV_HEADER,
  commitUrl,
  commitUrlPrefix,
  escapeHtml,
  formatUtc,
  packageStatuses,
  reportHtml,
  reportRows,
  statusReportCsv,
  statusReportHtml,
} from '../../../src/domain/trunk/reports';
import { DISTGIT_SHA, DS_DISTGIT_SHA, NOVA_SHA, NOVA_SHA_2, NOVA_SHA_3, row } from './fixtures';

const DAY = 86400;
const NOW = 1700000000;

const packages = [
  { name: 'openstack-nova', upstream: 'https://opendev.org/openstack/nova' },
  { name: 'python-novaclient', upstream: 'https://github.com/openstack/python-novaclient' },
  { name: 'openstack-glance', upstream: 'git://git.openstack.org/openstack/glance' },
  { name: 'python-oldlib', upstream: 'https://git.openstack.org/openstack/oldlib' },
  { name: 'never-built', upstream: 'https://example.com/x.git' },
];
const pageOpts = { projectName: 'RDO', reponame: 'delorean', target: 'centos9', source: 'master', packages };

describe('helpers', () => {
  it('escapeHtml escapes like markupsafe', () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&#34;x&#34;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;');
    expect(escapeHtml(null)).toBe('None');
    expect(escapeHtml(42)).toBe('42');
  });

  it('formatUtc', () => {
    expect(formatUtc(NOW)).toBe('2023-11-14 22:13:20');
    expect(formatUtc(null)).toBe('');
  });

  it('commitUrlPrefix follows DLRN per host', () => {
    expect(commitUrlPrefix('https://opendev.org/openstack/nova')).toBe('https://opendev.org/openstack/nova/commit/');
    expect(commitUrlPrefix('https://github.com/openstack/python-novaclient')).toBe(
      'https://github.com/openstack/python-novaclient/commit/',
    );
    expect(commitUrlPrefix('https://git.openstack.org/openstack/oldlib')).toBe(
      'http://git.openstack.org/cgit/openstack/oldlib/commit/?id=',
    );
    expect(commitUrlPrefix('https://gitlab.com/x/y')).toBe('https://gitlab.com/x/y');
    expect(commitUrlPrefix('https://github.com:443/a/b')).toBe('https://github.com:443/a/b');
    expect(commitUrlPrefix(undefined)).toBe('');
  });

  it('commitUrl is null for unknown packages', () => {
    expect(commitUrl({ projectName: 'openstack-nova', commitHash: NOVA_SHA }, packages)).toBe(
      `https://opendev.org/openstack/nova/commit/${NOVA_SHA}`,
    );
    expect(commitUrl({ projectName: 'nope', commitHash: NOVA_SHA }, packages)).toBeNull();
  });
});

describe('reportRows / reportHtml', () => {
  it('keeps the latest 300 non-RETRY rpm builds, newest first', () => {
    const rows = Array.from({ length: 400 }, (_, i) => row({ id: i + 1, status: i % 10 === 0 ? 'RETRY' : 'SUCCESS' }));
    rows.push(row({ id: 999, type: 'container' }));
    const out = reportRows(rows);
    expect(out).toHaveLength(REPORT_LENGTH);
    expect(out[0].id).toBe(400);
    expect(out[REPORT_LENGTH - 1].id).toBe(68); // ids 68..400 minus the 33 RETRY ids 71..391
    expect(out.some((r) => r.status === 'RETRY' || r.type === 'container')).toBe(false);
    expect(out.map((r) => r.id)).toEqual([...out.map((r) => r.id)].sort((a, b) => b - a));
    expect(reportRows(rows, 5).map((r) => r.id)).toEqual([400, 399, 398, 397, 396]);
  });

  it('renders the DLRN columns with links and escapes every value', () => {
    const rows = [
      row({ id: 1, projectName: 'openstack-nova', dtBuild: NOW, dtCommit: NOW - 60, status: 'SUCCESS', component: 'compute' }),
      row({ id: 2, projectName: '<script>alert(1)</script>', commitHash: NOVA_SHA_2, status: 'FAILED' }),
      row({ id: 3, projectName: 'openstack-nova', status: 'RETRY' }),
    ];
    const html = reportHtml(rows, pageOpts);
    expect(html).toContain(
      '<th>Build Date Time</th><th>Commit Date Time</th><th>Project Name</th><th>Commit Hash</th><th>Distro Hash</th>' +
        '<th>Component</th><th>Status</th><th>Repository</th><th>Build Log</th>',
    );
    expect(html).toContain(
      '<tr><td>2023-11-14 22:13:20</td><td>2023-11-14 22:12:20</td><td>openstack-nova</td>' +
        `<td class="commit"><a href="https://opendev.org/openstack/nova/commit/${NOVA_SHA}">${NOVA_SHA}</a></td>` +
        `<td>${DISTGIT_SHA}</td><td>compute</td><td>SUCCESS</td>` +
        `<td><a href="component/compute/3a/93/${NOVA_SHA}_024e24f0">repo</a></td>` +
        `<td><a href="component/compute/3a/93/${NOVA_SHA}_024e24f0/rpmbuild.log">build log</a></td></tr>`,
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<tr class="failure">');
    expect(html).not.toContain('RETRY');
    expect(html.indexOf(NOVA_SHA_2)).toBeLessThan(html.indexOf(`${NOVA_SHA}</a>`));
    expect(html).toContain('<title>RDO Packaging By DLRN</title>');
    expect(html).toContain('<h1>Delorean - Centos9 (master)</h1>');
  });

  it('escapes heading options too', () => {
    const html = reportHtml([], { ...pageOpts, source: 'a"b<c' });
    expect(html).toContain('(a&#34;b&lt;c)');
    expect(html).toContain('<tbody>\n</tbody>');
  });
});

describe('packageStatuses', () => {
  const rows = [
    // nova: success, then two failures, latest FAILED
    row({ id: 1, projectName: 'openstack-nova', status: 'SUCCESS', dtBuild: NOW - 3 * DAY - 100 }),
    row({ id: 2, projectName: 'openstack-nova', status: 'FAILED', commitHash: NOVA_SHA_2, dtBuild: NOW - 2 * DAY }),
    row({ id: 4, projectName: 'openstack-nova', status: 'FAILED', commitHash: NOVA_SHA_3, dtBuild: NOW - DAY }),
    // novaclient: never succeeded
    row({ id: 3, projectName: 'python-novaclient', status: 'FAILED', commitHash: NOVA_SHA_2, dtBuild: NOW - 5 * DAY }),
    row({ id: 6, projectName: 'python-novaclient', status: 'FAILED', commitHash: NOVA_SHA_3, dtBuild: NOW - 4 * DAY }),
    // glance: latest RETRY after a success
    row({ id: 5, projectName: 'openstack-glance', status: 'SUCCESS', dtBuild: NOW - DAY }),
    row({ id: 7, projectName: 'openstack-glance', status: 'RETRY', dtBuild: NOW - 100 }),
    // oldlib: latest SUCCESS
    row({ id: 8, projectName: 'python-oldlib', status: 'SUCCESS', dtBuild: NOW - 50, extendedHash: DS_DISTGIT_SHA, component: 'clients',
      artifacts: 'repos/a/b/python-oldlib-1.0-1.el9.noarch.rpm,repos/a/b/python-oldlib-1.0-1.el9.src.rpm' }),
  ];
  const statuses = packageStatuses(rows, packages, NOW);

  it('one entry per built package, sorted by name, unbuilt left out', () => {
    expect(statuses.map((s) => [s.name, s.lastBuild.id])).toEqual([
      ['openstack-glance', 7],
      ['openstack-nova', 4],
      ['python-novaclient', 6],
      ['python-oldlib', 8],
    ]);
  });

  it('first failure after the last success and whole days since it', () => {
    const nova = statuses.find((s) => s.name === 'openstack-nova');
    expect(nova?.firstFailure?.id).toBe(2);
    expect(nova?.daysSinceSuccess).toBe(3);
  });

  it('never succeeded: first failure ever, days = -1', () => {
    const c = statuses.find((s) => s.name === 'python-novaclient');
    expect(c?.firstFailure?.id).toBe(3);
    expect(c?.daysSinceSuccess).toBe(-1);
  });

  it('latest SUCCESS has no failure info', () => {
    const o = statuses.find((s) => s.name === 'python-oldlib');
    expect(o).toMatchObject({ firstFailure: null, daysSinceSuccess: null });
  });

  it('status_report.csv matches DLRN template output', () => {
    expect(statusReportCsv(statuses)).toBe(
      `${STATUS_REPORT_CSV_HEADER}\n` +
        `openstack-glance,${NOVA_SHA},${DISTGIT_SHA},None,None,RETRY,${NOW - 100},None\n` +
        `openstack-nova,${NOVA_SHA_3},${DISTGIT_SHA},None,None,FAILED,${NOW - DAY},None\n` +
        `python-novaclient,${NOVA_SHA_3},${DISTGIT_SHA},None,None,FAILED,${NOW - 4 * DAY},None\n` +
        `python-oldlib,${NOVA_SHA},${DISTGIT_SHA},${DS_DISTGIT_SHA},clients,SUCCESS,${NOW - 50},` +
        'repos/a/b/python-oldlib-1.0-1.el9.noarch.rpm|repos/a/b/python-oldlib-1.0-1.el9.src.rpm\n',
    );
    expect(STATUS_REPORT_CSV_HEADER).toBe('Project,Source Sha,Dist Sha,Extended Sha,Component,Status,Timestamp,Packages');
  });

  it('status_report.csv HTML-escapes values like the Jinja template', () => {
    const s = packageStatuses([row({ id: 1, projectName: 'a&b', artifacts: 'x<y>.src.rpm' })], [{ name: 'a&b' }], NOW);
    expect(statusReportCsv(s).split('\n')[1]).toBe(`a&amp;b,${NOVA_SHA},${DISTGIT_SHA},None,None,SUCCESS,1700000600,x&lt;y&gt;.src.rpm`);
  });

  it('status_report.html shows status, NVR, first failure and days', () => {
    const html = statusReportHtml(statuses, { ...pageOpts, headOnly: true });
    expect(html).toContain('<th>First failure after success (all commit not built)</th>');
    // nova: FAILED row with first failure link and days
    expect(html).toContain(
      `<tr class="failure"><td>openstack-nova</td><td></td><td>${NOVA_SHA_3}</td>` +
        `<td><a href="e1/d2/${NOVA_SHA_3}_024e24f0/rpmbuild.log">FAILED</a></td>` +
        `<td><a href="https://opendev.org/openstack/nova/commit/${NOVA_SHA_2}">${NOVA_SHA_2}</a>` +
        ` (<a href="8c/4f/${NOVA_SHA_2}_024e24f0/rpmbuild.log">build log</a>)</td><td>3 days</td></tr>`,
    );
    expect(html).toMatch(/<td>python-novaclient<\/td>.*<td>Never<\/td><\/tr>/);
    expect(html).toMatch(/<tr class="retry"><td>openstack-glance<\/td>.*RETRY<\/a><\/td><td><\/td><td><\/td><\/tr>/);
    expect(html).toContain('<td>python-oldlib</td><td>python-oldlib-1.0-1.el9</td>');
    expect(html).toContain(`<a href="component/clients/3a/93/${NOVA_SHA}_024e24f0_9f8e7d6c/rpmbuild.log">SUCCESS</a>`);
  });

  it('status_report.html escapes package names', () => {
    const s = packageStatuses([row({ id: 1, projectName: '"><img>', status: 'FAILED' })], [{ name: '"><img>' }], NOW);
    const html = statusReportHtml(s, pageOpts);
    expect(html).not.toContain('<img>');
    expect(html).toContain('&#34;&gt;&lt;img&gt;');
    expect(html).toContain('<td>Never</td>');
  });

  it('shows ?????? when no failure qualifies after the last success', () => {
    const s = packageStatuses(
      [
        row({ id: 1, status: 'FAILED', dtBuild: NOW - 2 * DAY }),
        row({ id: 2, status: 'SUCCESS', dtBuild: NOW - DAY }),
        row({ id: 3, status: 'FAILED', dtBuild: null }),
      ],
      [{ name: 'openstack-nova' }],
      NOW,
    );
    expect(s[0]).toMatchObject({ firstFailure: null, daysSinceSuccess: 1 });
    expect(statusReportHtml(s, pageOpts)).toContain('<td>??????</td><td>1 days</td>');
  });
});
