import {
  HashValidationError,
  assertExtendedHash,
  assertHexSha,
  buildWorkflowId,
  extendedHashSuffix,
  hasComponent,
  hashDirName,
  repoHash,
  shardedCommitDir,
  validateHashTriple,
} from '../../../src/domain/trunk/hashes';
import { DISTGIT_SHA, DS_DISTGIT_SHA, DS_SOURCE_SHA, NOVA_SHA, SHA256 } from './fixtures';

describe('shardedCommitDir', () => {
  it('shards by the first two and next two chars and suffixes distro[:8]', () => {
    expect(shardedCommitDir({ commitHash: NOVA_SHA, distroHash: DISTGIT_SHA })).toBe(
      `3a/93/${NOVA_SHA}_024e24f0`,
    );
  });

  it('omits the distro suffix when there is no distro hash', () => {
    expect(shardedCommitDir({ commitHash: NOVA_SHA, distroHash: null })).toBe(`3a/93/${NOVA_SHA}`);
    expect(shardedCommitDir({ commitHash: NOVA_SHA, distroHash: '' })).toBe(`3a/93/${NOVA_SHA}`);
  });

  it('adds the component prefix whenever a component is set, regardless of use_components', () => {
    // There is no use_components input at all: DLRN only looks at the column.
    expect(shardedCommitDir({ commitHash: NOVA_SHA, distroHash: DISTGIT_SHA, component: 'compute' })).toBe(
      `component/compute/3a/93/${NOVA_SHA}_024e24f0`,
    );
  });

  it("treats null, undefined and the string 'None' as no component", () => {
    for (const component of [null, undefined, 'None']) {
      expect(shardedCommitDir({ commitHash: NOVA_SHA, distroHash: DISTGIT_SHA, component })).toBe(
        `3a/93/${NOVA_SHA}_024e24f0`,
      );
    }
  });

  it('keeps an empty-string component as a (degenerate) prefix like DLRN', () => {
    expect(shardedCommitDir({ commitHash: NOVA_SHA, distroHash: DISTGIT_SHA, component: '' })).toBe(
      `component//3a/93/${NOVA_SHA}_024e24f0`,
    );
  });

  it('adds one 8-char extended part for a single SHA', () => {
    expect(shardedCommitDir({ commitHash: NOVA_SHA, distroHash: DISTGIT_SHA, extendedHash: DS_DISTGIT_SHA })).toBe(
      `3a/93/${NOVA_SHA}_024e24f0_9f8e7d6c`,
    );
  });

  it('adds two parts for a dual <sha>_<sha> extended hash (chars 0-8 and 41-49)', () => {
    const ext = `${DS_DISTGIT_SHA}_${DS_SOURCE_SHA}`;
    expect(ext).toHaveLength(81);
    expect(shardedCommitDir({ commitHash: NOVA_SHA, distroHash: DISTGIT_SHA, extendedHash: ext })).toBe(
      `3a/93/${NOVA_SHA}_024e24f0_9f8e7d6c_5d41402a`,
    );
  });

  it('switches to the two-part form at exactly 49 chars', () => {
    const len48 = 'a'.repeat(41) + 'b'.repeat(7);
    const len49 = 'a'.repeat(41) + 'b'.repeat(8);
    expect(extendedHashSuffix(len48)).toBe('_aaaaaaaa');
    expect(extendedHashSuffix(len49)).toBe('_aaaaaaaa_bbbbbbbb');
  });

  it('keeps short non-hex extended values (e.g. a date) as-is up to 8 chars', () => {
    expect(extendedHashSuffix('20240131')).toBe('_20240131');
    expect(extendedHashSuffix('2024')).toBe('_2024');
    expect(extendedHashSuffix('')).toBe('');
    expect(extendedHashSuffix(null)).toBe('');
  });

  it('does not require a hex commit hash (local driver uses <pkg>-<version>)', () => {
    expect(shardedCommitDir({ commitHash: 'hello-world-1.0.0', distroHash: DISTGIT_SHA })).toBe(
      'he/ll/hello-world-1.0.0_024e24f0',
    );
  });

  it('rejects an empty commit hash naming the field', () => {
    expect(() => shardedCommitDir({ commitHash: '', distroHash: DISTGIT_SHA })).toThrow(/commitHash/);
  });
});

describe('repoHash', () => {
  it('is <commit>_<distro8>', () => {
    expect(repoHash(NOVA_SHA, DISTGIT_SHA)).toBe(`${NOVA_SHA}_024e24f0`);
  });
  it('rejects empty parts', () => {
    expect(() => repoHash(NOVA_SHA, '')).toThrow(/distroHash/);
    expect(() => repoHash('', DISTGIT_SHA)).toThrow(/commitHash/);
  });
});

describe('hashDirName', () => {
  it('is the leaf of the sharded dir', () => {
    const c = { commitHash: NOVA_SHA, distroHash: DISTGIT_SHA, extendedHash: DS_SOURCE_SHA, component: 'compute' };
    expect(shardedCommitDir(c).endsWith(`/${hashDirName(c)}`)).toBe(true);
    expect(hashDirName(c)).toBe(`${NOVA_SHA}_024e24f0_5d41402a`);
  });
});

describe('buildWorkflowId', () => {
  it('formats build:<release>:<package>:<commit>_<distro8>', () => {
    expect(
      buildWorkflowId('epoxy', 'openstack-nova', { commitHash: NOVA_SHA, distroHash: DISTGIT_SHA, extendedHash: null }),
    ).toBe(`build:epoxy:openstack-nova:${NOVA_SHA}_024e24f0`);
  });

  it('appends _<ext8> for a single extended SHA', () => {
    expect(
      buildWorkflowId('master', 'python-oslo-config', {
        commitHash: NOVA_SHA,
        distroHash: DISTGIT_SHA,
        extendedHash: DS_DISTGIT_SHA,
      }),
    ).toBe(`build:master:python-oslo-config:${NOVA_SHA}_024e24f0_9f8e7d6c`);
  });

  it('keeps dual extended hashes that share their first 8 chars distinct', () => {
    const base = { commitHash: NOVA_SHA, distroHash: DISTGIT_SHA };
    const a = buildWorkflowId('master', 'p', { ...base, extendedHash: `${DS_DISTGIT_SHA}_${DS_SOURCE_SHA}` });
    const b = buildWorkflowId('master', 'p', { ...base, extendedHash: `${DS_DISTGIT_SHA}_${NOVA_SHA}` });
    expect(a).not.toBe(b);
    expect(a).toBe(`build:master:p:${NOVA_SHA}_024e24f0_9f8e7d6c_5d41402a`);
  });

  it('accepts SHA-256 object ids', () => {
    expect(buildWorkflowId('m', 'p', { commitHash: SHA256, distroHash: SHA256, extendedHash: null })).toBe(
      `build:m:p:${SHA256}_b94d27b9`,
    );
  });

  it.each([
    ['release', '', 'p', NOVA_SHA, DISTGIT_SHA, null],
    ['release', 'ep:oxy', 'p', NOVA_SHA, DISTGIT_SHA, null],
    ['package', 'epoxy', 'open stack', NOVA_SHA, DISTGIT_SHA, null],
    ['commitHash', 'epoxy', 'p', NOVA_SHA.slice(0, 39), DISTGIT_SHA, null],
    ['commitHash', 'epoxy', 'p', NOVA_SHA.toUpperCase(), DISTGIT_SHA, null],
    ['distroHash', 'epoxy', 'p', NOVA_SHA, 'z' + DISTGIT_SHA.slice(1), null],
    ['extendedHash', 'epoxy', 'p', NOVA_SHA, DISTGIT_SHA, '20240131'],
    ['extendedHash[1]', 'epoxy', 'p', NOVA_SHA, DISTGIT_SHA, `${DS_DISTGIT_SHA}_xyz`],
  ])('names the bad field (%s)', (field, release, pkg, commitHash, distroHash, extendedHash) => {
    let err: unknown;
    try {
      buildWorkflowId(release, pkg, { commitHash, distroHash, extendedHash });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HashValidationError);
    expect((err as HashValidationError).field).toBe(field);
    expect((err as Error).message).toContain(field);
  });
});

describe('hex validation helpers', () => {

  it('assertHexSha explains what is wrong', () => {
    expect(assertHexSha(NOVA_SHA, 'commitHash')).toBe(NOVA_SHA);
    expect(() => assertHexSha(null, 'distroHash')).toThrow('distroHash must be a string, got null');
    expect(() => assertHexSha('', 'distroHash')).toThrow('distroHash must not be empty');
    expect(() => assertHexSha('abc', 'distroHash')).toThrow(/full SHA .* got 3 chars/);
    expect(() => assertHexSha(`g${NOVA_SHA.slice(1)}`, 'commitHash')).toThrow(/found "g"/);
  });

  it('assertExtendedHash accepts null, one SHA or two joined by _', () => {
    expect(assertExtendedHash(null)).toBeNull();
    expect(assertExtendedHash(undefined)).toBeNull();
    expect(assertExtendedHash(DS_SOURCE_SHA)).toBe(DS_SOURCE_SHA);
    expect(assertExtendedHash(`${DS_DISTGIT_SHA}_${DS_SOURCE_SHA}`)).toBe(`${DS_DISTGIT_SHA}_${DS_SOURCE_SHA}`);
    expect(() => assertExtendedHash(`${NOVA_SHA}_${NOVA_SHA}_${NOVA_SHA}`)).toThrow(/3 parts/);
    expect(() => assertExtendedHash('')).toThrow(/extendedHash/);
  });

  it('validateHashTriple checks all three fields', () => {
    const ok = { commitHash: NOVA_SHA, distroHash: DISTGIT_SHA, extendedHash: null };
    expect(validateHashTriple(ok)).toBe(ok);
    expect(() => validateHashTriple({ ...ok, distroHash: 'dev' })).toThrow(/distroHash/);
  });

  it('hasComponent', () => {
    expect(hasComponent('compute')).toBe(true);
    expect(hasComponent('None')).toBe(false);
    expect(hasComponent(null)).toBe(false);
  });
});
