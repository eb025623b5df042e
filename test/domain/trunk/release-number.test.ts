import {
  bumpLastComponent,
  normalizeReleaseNumbering,
  nvrVersion,
  parseSpecVersion,
  releaseDate,
  releaseString,
  rewriteSpec,
  shortHash,
  splitUpstreamVersion,
  stripTagPrefix,
  tagBasedVersion,
  versionAndRelease,
} from '../../../src/domain/trunk/release-number';
import { NOVA_SHA } from './fixtures';

describe('releaseDate', () => {
  it('formats UTC %Y%m%d%H%M%S', () => {
    expect(releaseDate(1700000000)).toBe('20231114221320');
    expect(releaseDate(951782400)).toBe('20000229000000');
  });
  it('truncates fractional seconds and rejects NaN', () => {
    expect(releaseDate(1700000000.999)).toBe('20231114221320');
    expect(() => releaseDate(Number.NaN)).toThrow(/invalid/);
  });
});

describe('shortHash', () => {
  it('is 7 chars by default (git log --abbrev=7 %h)', () => {
    expect(shortHash(NOVA_SHA)).toBe('3a9326f');
    expect(shortHash(NOVA_SHA, 9)).toBe('3a9326f25');
  });
  it('rejects non-hex and too-short input', () => {
    expect(() => shortHash('hello-world-1.0')).toThrow(/hex/);
    expect(() => shortHash('abc')).toThrow(/shorter/);
  });
});

describe('releaseString', () => {
  const base = { dtBuild: 1700000000, commitHash: NOVA_SHA };
  it('defaults to 0.<date>.<hash>', () => {
    expect(releaseString(base)).toBe('0.20231114221320.3a9326f');
  });
  it('supports 0.1.date.hash and minor.date.hash', () => {
    expect(releaseString({ ...base, numbering: '0.1.date.hash' })).toBe('0.1.20231114221320.3a9326f');
    expect(releaseString({ ...base, numbering: 'minor.date.hash', releaseMinor: '2' })).toBe('2.20231114221320.3a9326f');
    expect(releaseString({ ...base, numbering: 'minor.date.hash' })).toBe('0.20231114221320.3a9326f');
  });
  it('maps an unknown numbering to the default like build.py', () => {
    expect(normalizeReleaseNumbering('date.only')).toBe('0.date.hash');
    expect(releaseString({ ...base, numbering: 'bogus' })).toBe('0.20231114221320.3a9326f');
  });
});

describe('splitUpstreamVersion (setversionandrelease)', () => {
  // Expected values were produced by running DLRN's bash function.
  it.each([
    ['1.0.0-d7f1b849', '1.0.0', 'version-release'],
    ['7.0.0.0rc2.dev1', '7.0.0', 'rc'],
    ['2.0.0.0b4.dev15', '2.0.0', 'beta'],
    ['7.0.0.0a1.dev1', '7.0.0', 'alpha'],
    ['2014.2.dev50.g99bef1f', '2014.2', 'dev'],
    ['29.1.0.dev45', '29.1.0', 'dev'],
    ['1.2.3.dev4.dev5', '1.2.3.dev4', 'dev'],
    ['0.10.1.11.ga5f0e3c', '0.10.1.11', 'git-suffix'],
    ['12.0.0.0b2.dev3.g1234', '12.0.0', 'beta'],
    ['1.8.0.pre', '1.8.0', 'pre'],
    ['1.7.3', '1.7.3', 'plain'],
    ['a-b-', 'a', 'version-release'],
    ['', '', 'plain'],
    ['eb6dbe2', '0.0.1', 'unparseable'],
    ['1.2.3.post4', '0.0.1', 'unparseable'],
    ['1.0-', '0.0.1', 'unparseable'],
    ['1.2.3rc1', '0.0.1', 'unparseable'],
    ['v1.2', '0.0.1', 'unparseable'],
  ])('%j → %j', (input, version, rule) => {
    const r = splitUpstreamVersion(input);
    expect(r.version).toBe(version);
    expect(r.rule).toBe(rule);
    expect(r.upstreamVersion).toBe(input);
  });

  it('takes the upstream version from a .devN. tarball name for plain versions', () => {
    expect(splitUpstreamVersion('0.8.2', 'alembic-0.8.2.dev0.tar.gz')).toEqual({
      version: '0.8.2',
      upstreamVersion: '0.8.2.dev0',
      rule: 'plain',
    });
    expect(splitUpstreamVersion('0.8.2', 'alembic-0.8.2.tar.gz').upstreamVersion).toBe('0.8.2');
  });
});

describe('tag helpers', () => {
  it('strips one leading v/V/r/R', () => {
    expect(stripTagPrefix('v2.3.0')).toBe('2.3.0');
    expect(stripTagPrefix('R1')).toBe('1');
    expect(stripTagPrefix('vv1')).toBe('v1');
    expect(stripTagPrefix('2.0')).toBe('2.0');
  });
  it('bumps the last component like the awk one-liner', () => {
    expect(bumpLastComponent('1.2.3')).toBe('1.2.4');
    expect(bumpLastComponent('1.2.0rc1')).toBe('1.2.1');
    expect(bumpLastComponent('5')).toBe('6');
    expect(bumpLastComponent('1.2.')).toBe('1.2.1');
    expect(bumpLastComponent('1.x')).toBe('1.1');
    expect(bumpLastComponent('1.1e2')).toBe('1.101');
    expect(bumpLastComponent('1.2.3-beta')).toBe('1.2.4');
  });
  it('nvrVersion replaces only the first dash', () => {
    expect(nvrVersion('1.0-2-3')).toBe('1.0.2-3');
  });
});

describe('tagBasedVersion', () => {
  it('uses the tag as-is when HEAD is on it', () => {
    expect(tagBasedVersion({ describeTag: 'v18.0.0', describe: 'v18.0.0' })).toEqual({
      version: '18.0.0',
      source: 'tag',
      bumped: false,
    });
  });
  it('bumps .Z when HEAD is after the tag', () => {
    expect(tagBasedVersion({ describeTag: '18.0.0', describe: '18.0.0-4-g3a9326f' })).toEqual({
      version: '18.0.1',
      source: 'tag',
      bumped: true,
    });
  });
  it('does not bump an -rc tag', () => {
    expect(tagBasedVersion({ describeTag: '18.0.0-rc1', describe: '18.0.0-rc1-2-g3a9326f' }).version).toBe('18.0.0-rc1');
  });
  it('bumps a metadata.json version equal to the tag, but not a different one', () => {
    expect(tagBasedVersion({ metadataVersion: '7.1.0', describeTag: '7.1.0', describe: '7.1.0-1-gabcdef0' })).toMatchObject({
      version: '7.1.1',
      source: 'metadata',
    });
    expect(tagBasedVersion({ metadataVersion: '8.0.0', describeTag: '7.1.0', describe: '7.1.0-1-gabcdef0' }).version).toBe('8.0.0');
  });
  it('falls back to the spec version then to 0.0.1', () => {
    expect(tagBasedVersion({ specVersion: '3.2.1' })).toEqual({ version: '3.2.1', source: 'spec', bumped: false });
    expect(tagBasedVersion({})).toEqual({ version: '0.0.1', source: 'fallback', bumped: false });
  });
});

describe('spec helpers', () => {
  const spec = [
    '%global upstream_version 1.0',
    'Name:           openstack-nova',
    'Version:        31.0.0',
    'Release:        1%{?dist}',
    'BuildRequires:  python3-oslo-config # Version: whatever',
  ].join('\n');

  it('parses ^Version: with awk $2 semantics', () => {
    expect(parseSpecVersion(spec)).toBe('31.0.0');
    expect(parseSpecVersion('Version:1.0')).toBe('');
    expect(parseSpecVersion('Name: foo')).toBeNull();
  });

  it('the rpm-packaging variant matches Version anywhere', () => {
    expect(parseSpecVersion('%define pyVersion 3\nVersion: 2.0', { anywhere: true })).toBe('pyVersion');
  });

});

describe('rewriteSpec (build_srpm.sh spec edits)', () => {
  const spec = 'Name: foo\nVersion:   XXX\nRelease:  XXX%{?dist}\nSource0: https://x/foo-%{version}.tar.gz\nPatch0: a.patch\n\n%description\nUPSTREAMVERSION and Version: in text\n\n%changelog\n* Mon Jan 01 2024 x - 1-1\n- old entry\n';
  const r = { version: '1.2.3', release: '0.2023.abc', upstreamVersion: '1.2.3.dev4', source: 'foo-1.2.3.dev4-0.2023.abc.tar.gz' };

  test('inserts the macros at the top, stamps every Version:/Release:, points Source0 at the tarball and cuts the changelog', () => {
    expect(rewriteSpec(spec, r)).toBe(
      '%global dlrn_nvr foo-1.2.3.dev4-0.2023.abc\n%global dlrn 1\n%define upstream_version 1.2.3.dev4\n' +
        'Name: foo\nVersion: 1.2.3\nRelease: 0.2023.abc%{?dist}\nSource0: foo-1.2.3.dev4-0.2023.abc.tar.gz\nPatch0: a.patch\n\n' +
        '%description\n1.2.3.dev4 and Version: 1.2.3\n\n%changelog\n',
    );
  });

  test('replaces macros already there, always appends %{?dist}, turns the first - of Version into .', () => {
    const out = rewriteSpec('%define upstream_version old\n%global dlrn 0\nVersion: 1\nRelease: 1\nSource: x\n', { ...r, version: '1.0-1' });
    expect(out).toBe('%global dlrn_nvr foo-1.2.3.dev4-0.2023.abc\n%define upstream_version 1.2.3.dev4\n%global dlrn 1\nVersion: 1.0.1\nRelease: 0.2023.abc%{?dist}\nSource: foo-1.2.3.dev4-0.2023.abc.tar.gz\n');
  });

  test('keep_tarball leaves Source0 alone; keep_changelog keeps the entries', () => {
    const out = rewriteSpec(spec, { ...r, keepTarball: true, keepChangelog: true });
    expect(out).toContain('Source0: https://x/foo-%{version}.tar.gz\n');
    expect(out).toContain('- old entry\n');
  });

  it('does not interpret $ patterns in the replacement', () => {
    expect(rewriteSpec('Version: 1', { ...r, version: '$&' })).toContain('Version: $&');
  });
});

describe('versionAndRelease', () => {
  it('combines version split and release', () => {
    expect(
      versionAndRelease({ upstreamVersion: '29.1.0.dev45', dtBuild: 1700000000, commitHash: NOVA_SHA }),
    ).toEqual({ version: '29.1.0', upstreamVersion: '29.1.0.dev45', release: '0.20231114221320.3a9326f', rule: 'dev' });
  });
});
