import {
  keepsTarball, pickSpecFile, repoBaseName, sourceKind, sourceWithRelease, stripRequirementMarkers, treeTarballName, truncateChangelog,
} from '../../../src/domain/trunk/source-tarball';

describe('sourceKind (build_srpm.sh recipe order)', () => {
  test('setup.py without metadata.json is Python; a puppet module with a setup.py is a tree', () => {
    expect(sourceKind({ names: ['setup.py', 'setup.cfg'] })).toBe('python');
    expect(sourceKind({ names: ['setup.py', 'metadata.json', 'manifests'] })).toBe('tree');
    expect(sourceKind({ names: ['foo.gemspec', 'lib'] })).toBe('gem');
    expect(sourceKind({ names: ['Makefile'] })).toBe('tree');
  });
});

describe('treeTarballName', () => {
  const base = { packageName: 'puppet-oslo', upstreamUrl: 'https://opendev.org/openstack/puppet-oslo.git' };
  test('an OpenStack puppet module is named by metadata.json, others by their repository', () => {
    expect(treeTarballName({ ...base, names: ['metadata.json'], metadataName: 'openstack-oslo' })).toBe('openstack-oslo');
    expect(treeTarballName({ ...base, names: ['metadata.json'], metadataName: 'puppetlabs-stdlib' })).toBe('puppet-oslo');
    expect(treeTarballName({ ...base, names: ['Modulefile'] })).toBe('puppet-oslo');
    expect(treeTarballName({ ...base, names: ['Kconfig', 'Kbuild'] })).toBe('linux');
    expect(treeTarballName({ ...base, names: ['README'] })).toBe('puppet-oslo');
    expect(treeTarballName({ ...base, packageName: 'openstack-tfdemo', names: ['README'] })).toBe('openstack-tfdemo');
  });
  test('repoBaseName drops the path and .git', () => {
    expect(repoBaseName('file:///x/y/oslo.config.git')).toBe('oslo.config');
    expect(repoBaseName('https://opendev.org/openstack/nova')).toBe('nova');
  });
});

test('sourceWithRelease puts the release before the extension', () => {
  expect(sourceWithRelease('oslo.config-9.5.0.dev7.tar.gz', '0.2024.cac8283')).toBe('oslo.config-9.5.0.dev7-0.2024.cac8283.tar.gz');
  expect(sourceWithRelease('23.0.1.tar.gz', '0.1')).toBe('23.0.1-0.1.tar.gz');
  expect(sourceWithRelease('fog-1.0.gem', 'r')).toBe('fog-1.0-r.gem');
});

test('stripRequirementMarkers cuts python_version and sys_platform markers', () => {
  expect(stripRequirementMarkers('a>=1 ;python_version>="3.8"\nb; sys_platform!="win32"\nc # x\n')).toBe('a>=1 \nb\nc # x\n');
});

test('truncateChangelog keeps the %changelog line and nothing after', () => {
  expect(truncateChangelog('a\n%changelog\n* x\n- y\n')).toBe('a\n%changelog\n');
  expect(truncateChangelog('a\nb\n')).toBe('a\nb\n');
});

test('keepsTarball only for gitrepo packages on the source branch or master', () => {
  const o = { keepTarball: true, pkginfoDriver: 'gitrepo', commitBranch: 'stable/2025.1', sourceBranch: 'stable/2025.1' };
  expect(keepsTarball(o)).toBe(true);
  expect(keepsTarball({ ...o, commitBranch: 'master' })).toBe(true);
  expect(keepsTarball({ ...o, commitBranch: 'stable-2024.2-eol' })).toBe(false);
  expect(keepsTarball({ ...o, pkginfoDriver: 'rdoinfo' })).toBe(false);
  expect(keepsTarball({ ...o, keepTarball: false })).toBe(false);
});

test('pickSpecFile wants exactly one spec', () => {
  expect(pickSpecFile(['a.spec', 'b.patch'], 'd')).toBe('a.spec');
  expect(() => pickSpecFile(['a.spec', 'b.spec'], 'd')).toThrow('d: expected exactly one .spec file, found a.spec, b.spec');
});
