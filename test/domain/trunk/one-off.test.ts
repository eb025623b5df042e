import type { BuildRequest } from '../../../src/domain/trunk-build';
import { shardedCommitDir } from '../../../src/domain/trunk/hashes';
import { DEV_EXTENDED_HASH, devRequest, headOnlyRequests, oneOffProblem, orderByBuildRequires, parseSpecDeps } from '../../../src/domain/trunk/one-off';

const req = (packageName: string, c: string, dtCommit: number): BuildRequest => ({
  trunk: 't', release: 'r', packageName, project: packageName, commitHash: c.repeat(40), distroHash: 'd'.repeat(40), extendedHash: null,
  dtCommit, dtDistro: 1, commitBranch: 'master', component: null, maintainers: [],
});

describe('one-off runs (DLRN --package-name, --head-only, --order, --dev)', () => {
  it('names the option at fault', () => {
    expect(oneOffProblem({ packages: [] })).toBe('--package: name at least one package');
    expect(oneOffProblem({ packages: ['python-a', 'a b'] })).toBe('--package: "a b" is not a package name');
    expect(oneOffProblem({ packages: ['python-oslo.config', 'openstack-nova'] })).toBeNull();
  });

  it('--head-only keeps the newest new commit of each package', () => {
    const list = [req('a', '1', 1), req('b', '2', 2), req('a', '3', 3), req('a', '4', 4)];
    expect(headOnlyRequests(list).map((r) => r.commitHash[0])).toEqual(['2', '4']);
  });

  it('--dev builds into a dir of its own, apart from the trunk build of the same commits', () => {
    const r = req('a', '1', 1);
    const dev = devRequest(r);
    expect(dev.extendedHash).toBe(DEV_EXTENDED_HASH);
    expect(shardedCommitDir(dev)).toBe(`${shardedCommitDir(r)}_dev`);
    expect(r.extendedHash).toBeNull();
  });

  it('reads Name, subpackages, Provides and BuildRequires of a preprocessed spec', () => {
    const spec = [
      'Name:           python-oslo-config',
      'BuildRequires:  python3-devel >= 3.9, python3-pbr',
      'BuildRequires:  python3-oslo-i18n git-core',
      '%package -n     python3-oslo-config',
      'Provides:       oslo-config = 1.0',
      '%package doc',
    ].join('\n');
    expect(parseSpecDeps(spec)).toEqual({
      provides: ['python-oslo-config', 'python3-oslo-config', 'oslo-config', 'python-oslo-config-doc'],
      buildRequires: ['python3-devel', 'python3-pbr', 'python3-oslo-i18n', 'git-core'],
    });
  });

  it('--order builds what others BuildRequire first, keeps commit order otherwise and within a package', () => {
    const specs = new Map([
      ['oslo-config', { provides: ['python3-oslo-config'], buildRequires: ['python3-oslo-i18n', 'python3-pbr'] }],
      ['oslo-i18n', { provides: ['python3-oslo-i18n'], buildRequires: ['python3-pbr'] }],
      ['pbr', { provides: ['python3-pbr'], buildRequires: [] }],
      ['other', { provides: ['other'], buildRequires: [] }],
    ]);
    const list = [req('oslo-config', '1', 1), req('other', '2', 2), req('oslo-i18n', '3', 3), req('pbr', '4', 4), req('oslo-config', '5', 5)];
    expect(orderByBuildRequires(list, specs).map((r) => `${r.packageName}:${r.commitHash[0]}`)).toEqual([
      'other:2', 'pbr:4', 'oslo-i18n:3', 'oslo-config:1', 'oslo-config:5',
    ]);
  });

  it('--order breaks a BuildRequires cycle by commit order', () => {
    const specs = new Map([
      ['a', { provides: ['a'], buildRequires: ['b'] }],
      ['b', { provides: ['b'], buildRequires: ['a'] }],
    ]);
    expect(orderByBuildRequires([req('a', '1', 1), req('b', '2', 2)], specs).map((r) => r.packageName)).toEqual(['a', 'b']);
  });
});
