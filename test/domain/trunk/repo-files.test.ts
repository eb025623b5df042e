import { createHash } from 'node:crypto';

import {
  VERSIONS_CSV_HEADER,
  aggregateComponents,
  aggregateDir,
  aggregateRepoFiles,
  buildVersionsCsvRows,
  commitYaml,
  csvField,
  csvLine,
  nvrFromArtifacts,
  pyStr,
  repoFileContent,
  repoId,
  versionsCsv,
  type VersionsCsvRow,
} from '../../../src/domain/trunk/repo-files';
import type { CommitRecord } from '../../../src/domain/trunk/types';
import { DISTGIT_SHA, DS_DISTGIT_SHA, NOVA_SHA, NOVA_SHA_2, row } from './fixtures';

const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

const csvRow = (over: Partial<VersionsCsvRow> = {}): VersionsCsvRow => ({
  project: 'openstack-nova',
  sourceRepo: 'https://opendev.org/openstack/nova',
  sourceSha: NOVA_SHA,
  distRepo: 'https://github.com/rdo-packages/nova-distgit.git',
  distSha: DISTGIT_SHA,
  status: 'SUCCESS',
  lastSuccessTimestamp: 1700000600,
  component: 'compute',
  extendedSha: null,
  pkgNvr: 'openstack-nova-31.1.0-0.20231114221320.3a9326f.el9',
  ...over,
});

describe('versionsCsv', () => {
  it('writes the DLRN header and unquoted ordinary rows with \\n endings', () => {
    expect(versionsCsv([csvRow()])).toBe(
      'Project,Source Repo,Source Sha,Dist Repo,Dist Sha,Status,Last Success Timestamp,Component,Extended Sha,Pkg NVR\n' +
        `openstack-nova,https://opendev.org/openstack/nova,${NOVA_SHA},https://github.com/rdo-packages/nova-distgit.git,` +
        `${DISTGIT_SHA},SUCCESS,1700000600,compute,None,openstack-nova-31.1.0-0.20231114221320.3a9326f.el9\n`,
    );
  });

  it('prints None for null component/extended sha like Python %s', () => {
    const line = versionsCsv([csvRow({ component: null, extendedSha: null, lastSuccessTimestamp: null })]).split('\n')[1];
    expect(line.split(',').slice(6, 9)).toEqual(['None', 'None', 'None']);
  });

  it('quotes fields with commas, quotes and newlines as Python csv does', () => {
    const text = versionsCsv([csvRow({ project: 'odd,name', pkgNvr: 'say "hi"', sourceRepo: 'a\nb' })]);
    expect(text.split('\n').slice(1).join('\n')).toBe(
      `"odd,name","a\nb",${NOVA_SHA},https://github.com/rdo-packages/nova-distgit.git,${DISTGIT_SHA},SUCCESS,` +
        '1700000600,compute,None,"say ""hi"""\n',
    );
  });

  it('header only for no rows', () => {
    expect(versionsCsv([])).toBe(VERSIONS_CSV_HEADER + '\n');
  });

  it('csv helpers', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField(' lead')).toBe(' lead');
    expect(csvField('cr\rx')).toBe('"cr\rx"');
    expect(csvLine([''])).toBe('""\n');
    expect(csvLine(['', ''])).toBe(',\n');
    expect(pyStr(true)).toBe('True');
    expect(pyStr(undefined)).toBe('None');
    expect(pyStr(0)).toBe('0');
  });
});

describe('nvrFromArtifacts', () => {
  it('uses the first .src.rpm anywhere in the list', () => {
    const arts =
      `repos/3a/93/${NOVA_SHA}_024e24f0/openstack-nova-api-31.1.0-0.20231114221320.3a9326f.el9.noarch.rpm,` +
      `repos/3a/93/${NOVA_SHA}_024e24f0/openstack-nova-31.1.0-0.20231114221320.3a9326f.el9.src.rpm`;
    expect(nvrFromArtifacts(arts)).toBe('openstack-nova-31.1.0-0.20231114221320.3a9326f.el9');
  });
  it('is empty without a source rpm', () => {
    expect(nvrFromArtifacts('repos/x/y.noarch.rpm')).toBe('');
    expect(nvrFromArtifacts(null)).toBe('');
    expect(nvrFromArtifacts([])).toBe('');
  });
});

describe('buildVersionsCsvRows', () => {
  const packages = [
    { name: 'openstack-glance', upstream: 'https://opendev.org/openstack/glance', 'master-distgit': 'g.git', component: 'common' },
    { name: 'openstack-nova', upstream: 'https://opendev.org/openstack/nova', 'master-distgit': 'n.git', component: 'compute' },
    { name: 'python-novaclient', upstream: 'https://opendev.org/openstack/python-novaclient', 'master-distgit': 'c.git', component: 'compute' },
    { name: 'openstack-placement', upstream: 'https://opendev.org/openstack/placement', 'master-distgit': 'p.git', component: 'compute' },
    { name: 'python-oslo-utils', upstream: 'https://opendev.org/openstack/oslo.utils', 'master-distgit': 'o.git' },
  ];
  const built = {
    projectName: 'openstack-nova',
    type: 'rpm',
    commitHash: NOVA_SHA,
    distroHash: DISTGIT_SHA,
    extendedHash: null,
    component: 'compute',
    dtBuild: 1700009999,
  };
  const rows = [
    row({ id: 1, projectName: 'python-novaclient', commitHash: NOVA_SHA_2, status: 'SUCCESS', dtBuild: 1700000100, artifacts: 'repos/a/b/python-novaclient-18.0.0-1.el9.src.rpm,repos/a/b/python3-novaclient-18.0.0-1.el9.noarch.rpm', component: 'compute' }),
    row({ id: 2, projectName: 'python-novaclient', commitHash: DS_DISTGIT_SHA, status: 'RETRY', dtBuild: 1700000200, component: 'compute' }),
    row({ id: 3, projectName: 'openstack-glance', status: 'FAILED', dtBuild: 1700000300, component: 'common' }),
    row({ id: 4, projectName: 'python-oslo-utils', status: 'FAILED', dtBuild: 1700000400, commitHash: NOVA_SHA_2 }),
  ];

  it('without components: every package, status from the latest row, hashes from the last success', () => {
    const res = buildVersionsCsvRows({ built, builtRpms: ['repos/3a/93/x/openstack-nova-31.1.0-1.el9.src.rpm'], packages, rows });
    expect(res.rows.map((r) => [r.project, r.sourceSha, r.status, r.lastSuccessTimestamp, r.component, r.pkgNvr])).toEqual([
      ['openstack-glance', NOVA_SHA, 'FAILED', 1700000300, 'compute', ''],
      ['openstack-nova', NOVA_SHA, 'SUCCESS', 1700009999, 'compute', 'openstack-nova-31.1.0-1.el9'],
      ['python-novaclient', NOVA_SHA_2, 'RETRY', 1700000100, 'compute', 'python-novaclient-18.0.0-1.el9'],
      ['python-oslo-utils', NOVA_SHA_2, 'FAILED', 1700000400, 'compute', ''],
    ]);
    // glance FAILED, novaclient RETRY, placement never built, oslo-utils FAILED
    expect(res.failures).toBe(4);
    expect(res.symlinkArtifacts).toEqual([
      'repos/a/b/python-novaclient-18.0.0-1.el9.src.rpm',
      'repos/a/b/python3-novaclient-18.0.0-1.el9.noarch.rpm',
    ]);
  });

  it('with components: other components skipped, component-less packages kept', () => {
    const res = buildVersionsCsvRows({ built, builtRpms: [], packages, rows, useComponents: true });
    expect(res.rows.map((r) => r.project)).toEqual(['openstack-nova', 'python-novaclient', 'python-oslo-utils']);
    expect(res.failures).toBe(3);
  });
});

describe('repoFileContent', () => {
  const base = {
    reponame: 'delorean',
    project: 'openstack-nova',
    commitHash: NOVA_SHA,
    baseurl: 'https://trunk.rdoproject.org/centos9-master',
    shardedDir: `3a/93/${NOVA_SHA}_024e24f0`,
  };

  it('writes the [delorean] section', () => {
    expect(repoFileContent(base)).toBe(
      '[delorean]\n' +
        `name=delorean-openstack-nova-${NOVA_SHA}\n` +
        `baseurl=https://trunk.rdoproject.org/centos9-master/3a/93/${NOVA_SHA}_024e24f0\n` +
        'enabled=1\ngpgcheck=0\npriority=1\n',
    );
  });

  it('uses [<reponame>-component-<c>] with components', () => {
    const text = repoFileContent({ ...base, component: 'compute', shardedDir: `component/compute/3a/93/${NOVA_SHA}_024e24f0` });
    expect(text.split('\n')[0]).toBe('[delorean-component-compute]');
    expect(text).toContain(`baseurl=https://trunk.rdoproject.org/centos9-master/component/compute/3a/93/${NOVA_SHA}_024e24f0\n`);
  });

  it('follows use_components, not the component value, when told', () => {
    expect(repoFileContent({ ...base, component: 'compute', useComponents: false }).startsWith('[delorean]\n')).toBe(true);
    expect(repoId('delorean', null, true)).toBe('delorean-component-None');
  });
});

describe('aggregation', () => {
  const baremetal =
    '[delorean-component-baremetal]\nname=delorean-python-ironic-lib-1f2e3d4c5b6a79880706a5b4c3d2e1f0a9b8c7d6\n' +
    'baseurl=https://trunk.rdoproject.org/centos9-master/component/baremetal/1f/2e/1f2e3d4c5b6a79880706a5b4c3d2e1f0a9b8c7d6_8a7b6c5d\n' +
    'enabled=1\ngpgcheck=0\npriority=1\n';
  const clients =
    '[delorean-component-clients]\nname=delorean-python-novaclient-0a1b2c3d4e5f60718293a4b5c6d7e8f901234567\n' +
    'baseurl=https://trunk.rdoproject.org/centos9-master/component/clients/0a/1b/0a1b2c3d4e5f60718293a4b5c6d7e8f901234567_fedcba98\n' +
    'enabled=1\ngpgcheck=0\npriority=1\n';

  it('concatenates sorted component repo files, each followed by \\n, and hashes them', () => {
    const res = aggregateRepoFiles(
      [
        { component: 'clients', repoText: clients, versionsCsvText: `${VERSIONS_CSV_HEADER}\nnovaclient-line\n` },
        { component: 'baremetal', repoText: baremetal, versionsCsvText: `${VERSIONS_CSV_HEADER}\nironic-line\n` },
        { component: 'cloudops', repoText: null, versionsCsvText: null },
      ],
      md5,
    );
    expect(res.repoContent).toBe(`${baremetal}\n${clients}\n`);
    // Reference md5 computed with Python hashlib over the same text.
    expect(res.hash).toBe('f92d0c1b1782fc2a42580e274290b7dd');
    expect(res.hashedDir).toBe('f9/2d/f92d0c1b1782fc2a42580e274290b7dd');
    expect(res.versionsCsv).toBe(`${VERSIONS_CSV_HEADER}\nironic-line\nnovaclient-line\n`);
  });

  it('hashes the empty aggregate too', () => {
    expect(aggregateRepoFiles([], md5).hash).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });

  it('reads CRLF like Python text mode', () => {
    const res = aggregateRepoFiles([{ component: 'a', repoText: '[x]\r\nenabled=1\r\n', versionsCsvText: 'h\r\nrow\r\n' }], md5);
    expect(res.repoContent).toBe('[x]\nenabled=1\n\n');
    expect(res.versionsCsv.endsWith('\nrow\n')).toBe(true);
  });

  it('rejects a hasher that does not return md5 hex', () => {
    expect(() => aggregateRepoFiles([], () => 'nope')).toThrow(/32 lowercase hex/);
  });

  it('aggregateDir shards the md5', () => {
    expect(aggregateDir('0123456789abcdef0123456789abcdef')).toBe('01/23/0123456789abcdef0123456789abcdef');
    expect(() => aggregateDir('xyz')).toThrow(/32/);
  });

  it('aggregates only components both built and listed', () => {
    expect(
      aggregateComponents(['network', null, 'compute', 'retired'], [{ component: 'compute' }, { component: 'network' }, {}, { component: 'ui' }]),
    ).toEqual(['compute', 'network']);
  });
});

describe('commitYaml', () => {
  const record: CommitRecord = {
    id: 7835,
    type: 'rpm',
    dtCommit: 1444139038,
    dtDistro: '1431949433',
    dtExtended: 0,
    dtBuild: 1444139517,
    projectName: 'python-pysaml2',
    repoDir: '/home/centos-master/data/python-pysaml2',
    distgitDir: '/home/centos-master/data/python-pysaml2_distro',
    commitHash: '3a9326f251b9a4162eb0dfa9f1c924ef47c2c55a',
    distroHash: '024e24f0cf4366c2290c22f24e42de714d1addd1',
    extendedHash: null,
    commitBranch: 'master',
    status: 'SUCCESS',
    component: null,
    artifacts:
      'repos/3a/93/3a9326f251b9a4162eb0dfa9f1c924ef47c2c55a_024e24f0/python-pysaml2-3.0-1a.el7.centos.noarch.rpm,' +
      'repos/3a/93/3a9326f251b9a4162eb0dfa9f1c924ef47c2c55a_024e24f0/python-pysaml2-3.0-1a.el7.centos.src.rpm',
    notes: 'OK',
    flags: 0,
    versionsCsv: null,
  };

  // Both expectations were produced by PyYAML 6 yaml.dump(..., default_flow_style=False).
  it('matches PyYAML for a successful build (dt_commit as float, like DLRN builds)', () => {
    expect(commitYaml(record, { dtCommitAsFloat: true })).toBe(
      [
        'commits:',
        '- artifacts: repos/3a/93/3a9326f251b9a4162eb0dfa9f1c924ef47c2c55a_024e24f0/python-pysaml2-3.0-1a.el7.centos.noarch.rpm,repos/3a/93/3a9326f251b9a4162eb0dfa9f1c924ef47c2c55a_024e24f0/python-pysaml2-3.0-1a.el7.centos.src.rpm',
        '  commit_branch: master',
        '  commit_hash: 3a9326f251b9a4162eb0dfa9f1c924ef47c2c55a',
        '  component: None',
        '  distgit_dir: /home/centos-master/data/python-pysaml2_distro',
        '  distro_hash: 024e24f0cf4366c2290c22f24e42de714d1addd1',
        "  dt_build: '1444139517'",
        "  dt_commit: '1444139038.0'",
        "  dt_distro: '1431949433'",
        "  dt_extended: '0'",
        '  extended_hash: None',
        "  flags: '0'",
        "  id: '7835'",
        '  notes: OK',
        '  project_name: python-pysaml2',
        '  repo_dir: /home/centos-master/data/python-pysaml2',
        '  status: SUCCESS',
        '  type: rpm',
        '  versions_csv: None',
        '',
      ].join('\n'),
    );
  });

  it('matches PyYAML for a failed build with quotes and a wrapped note', () => {
    const failed: CommitRecord = {
      ...record,
      status: 'FAILED',
      component: 'tripleo',
      artifacts: null,
      extendedHash: `${'b'.repeat(40)}_${'c'.repeat(40)}`,
      notes:
        "Error in build_rpm_wrapper for python-pysaml2: Command '/usr/bin/mock -v -r /data/dlrn-1.cfg' returned " +
        "non-zero exit status 30: it's broken",
    };
    const text = commitYaml(failed, { dtCommitAsFloat: true });
    expect(text).toContain(
      "  notes: 'Error in build_rpm_wrapper for python-pysaml2: Command ''/usr/bin/mock -v\n" +
        "    -r /data/dlrn-1.cfg'' returned non-zero exit status 30: it''s broken'\n",
    );
    expect(text).toContain('- artifacts: None\n');
    expect(text).toContain('  component: tripleo\n');
    expect(text).toContain(`  extended_hash: ${'b'.repeat(40)}_${'c'.repeat(40)}\n`);
  });

  it('prints an integer dt_commit by default', () => {
    expect(commitYaml(record)).toContain("  dt_commit: '1444139038'\n");
  });
});
