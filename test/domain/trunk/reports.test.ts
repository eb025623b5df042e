import {
  REPORT_LENGTH,
  STATUS_REPORT_CSV_HEADER,
  REPORT_STYLESHEET,
  commitHref,
  commitUrlPrefix,
  escapeHtml,
  formatUtc,
  packageStatuses,
  queueHtml,
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

  it("commitHref is DLRN's get_commit_url and the hash: ??? for a package no longer listed", () => {
    expect(commitHref({ projectName: 'openstack-nova', commitHash: NOVA_SHA }, packages)).toBe(
      `https://opendev.org/openstack/nova/commit/${NOVA_SHA}`,
    );
    expect(commitHref({ projectName: 'nope', commitHash: NOVA_SHA }, packages)).toBe(`???${NOVA_SHA}`);
    expect(commitHref({ projectName: 'no-upstream', commitHash: NOVA_SHA }, [{ name: 'no-upstream' }])).toBe(NOVA_SHA);
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

  it('renders exactly the DLRN columns with links and escapes every value', () => {
    const rows = [
      row({ id: 1, projectName: 'openstack-nova', dtBuild: NOW, dtCommit: NOW - 60, status: 'SUCCESS', component: 'compute' }),
      row({ id: 2, projectName: '<script>alert(1)</script>', commitHash: NOVA_SHA_2, status: 'FAILED' }),
      row({ id: 3, projectName: 'openstack-nova', status: 'RETRY' }),
      row({ id: 4, projectName: 'python-novaclient', commitHash: NOVA_SHA_3, status: 'SUCCESS', component: null }),
    ];
    const html = reportHtml(rows, pageOpts);
    expect(html.match(/<th>[^<]*<\/th>/g)).toEqual([
      '<th>Build Date Time</th>', '<th>Commit Date Time</th>', '<th>Project Name</th>', '<th>Commit Hash</th>',
      '<th>Component</th>', '<th>Status</th>', '<th>Repository</th>', '<th>Build Log</th>',
    ]);
    expect(html).not.toContain(DISTGIT_SHA);
    expect(html).toContain(
      '<tr><td>2023-11-14 22:13:20</td><td>2023-11-14 22:12:20</td><td>openstack-nova</td>' +
        `<td class="commit"><a href="https://opendev.org/openstack/nova/commit/${NOVA_SHA}">${NOVA_SHA}</a></td>` +
        '<td>compute</td><td>SUCCESS</td>' +
        `<td><a href="component/compute/3a/93/${NOVA_SHA}_024e24f0">repo</a></td>` +
        `<td><a href="component/compute/3a/93/${NOVA_SHA}_024e24f0/rpmbuild.log">build log</a></td></tr>`,
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<tr class="failure">');
    expect(html).not.toContain('RETRY');
    expect(html.indexOf(NOVA_SHA_2)).toBeLessThan(html.indexOf(`${NOVA_SHA}</a>`));
    expect(html).toContain(`<a href="???${NOVA_SHA_2}">${NOVA_SHA_2}</a>`); // not a listed package: DLRN's ??? link
    expect(html).toContain('<td>None</td><td>SUCCESS</td>'); // no component prints as Jinja prints None
    expect(html).toContain('<title>RDO Packaging By DLRN</title>');
    expect(html).toContain('<h1>Delorean - Centos9 (master)</h1>');
    expect(html).toContain('<link rel="stylesheet" href="styles.css">');
    expect(html).not.toMatch(/<style>|https?:\/\/[^"]*\.(js|css)/);
  });

  it('takes the title and heading from the configuration', () => {
    const html = reportHtml([], { ...pageOpts, projectName: 'OpenStack', reponame: 'trunk', target: 'CENTOS10-stream', source: 'stable/2025.1' });
    expect(html).toContain('<title>OpenStack Packaging By DLRN</title>');
    expect(html).toContain('<h1>Trunk - Centos10-stream (stable/2025.1)</h1>');
  });

  it('ships a stylesheet with the failure row colour and no remote imports', () => {
    expect(REPORT_STYLESHEET).toMatch(/tr\.failure td \{[^}]*background-color: #f5c6cb/);
    expect(REPORT_STYLESHEET).not.toContain('@import');
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

  it("status_report.html has DLRN's four columns: status, first failure and days", () => {
    const html = statusReportHtml(statuses, { ...pageOpts, headOnly: true });
    expect(html.match(/<th>[^<]*<\/th>/g)).toEqual([
      '<th>Project Name</th>', '<th>Status</th>', '<th>First failure after success (all commit not built)</th>',
      '<th>Number of days since last success</th>',
    ]);
    // nova: FAILED row with first failure link and days
    expect(html).toContain(
      '<tr class="failure"><td>openstack-nova</td>' +
        `<td><a href="e1/d2/${NOVA_SHA_3}_024e24f0/rpmbuild.log">FAILED</a></td>` +
        `<td><a href="https://opendev.org/openstack/nova/commit/${NOVA_SHA_2}">${NOVA_SHA_2}</a>` +
        ` (<a href="8c/4f/${NOVA_SHA_2}_024e24f0/rpmbuild.log">build log</a>)</td><td>3 days</td></tr>`,
    );
    expect(html).toMatch(/<td>python-novaclient<\/td>.*<td>Never<\/td><\/tr>/);
    expect(html).toMatch(/<tr><td>openstack-glance<\/td>.*RETRY<\/a><\/td><td><\/td><td><\/td><\/tr>/);
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

describe('queueHtml', () => {
  it("lists the pending builds in DLRN's three columns, dates filled, in queue order", () => {
    const html = queueHtml(
      [
        { projectName: 'python-novaclient', commitHash: NOVA_SHA_2, dtCommit: NOW - 60 },
        { projectName: 'openstack-nova', commitHash: NOVA_SHA, dtCommit: NOW },
      ],
      { target: 'centos9', source: 'master', packages },
    );
    expect(html).toContain('<title>Pending commits for the current run</title>');
    expect(html).toContain('<h1>Pending commits for the current run: Centos9 (master)</h1>');
    expect(html.match(/<th>[^<]*<\/th>/g)).toEqual(['<th>Commit Date Time</th>', '<th>Project Name</th>', '<th>Commit Hash</th>']);
    expect(html).toContain(
      '<tr><td>2023-11-14 22:12:20</td><td>python-novaclient</td>' +
        `<td class="commit"><a href="https://github.com/openstack/python-novaclient/commit/${NOVA_SHA_2}">${NOVA_SHA_2}</a></td></tr>`,
    );
    expect(html.indexOf('python-novaclient')).toBeLessThan(html.indexOf('<td>openstack-nova</td>'));
    expect(html).not.toContain('<td></td>');
  });

  it('is an empty table when nothing waits', () => {
    expect(queueHtml([], { target: 'centos9', source: 'master', packages })).toContain('<tbody>\n</tbody>');
  });
});
