import { buildsTagsOnly, trunkPackageOf } from '../../src/domain/trunk-build';

const entry = { name: 'python-foo', upstream: 'https://x/foo', 'master-distgit': 'https://x/foo-distgit' };

describe('package entries as DLRN reads them', () => {
  test('build-tags-only: a key of the package, or a tag of that name (DLRN buildtagsonly)', () => {
    expect(buildsTagsOnly(entry)).toBe(false);
    expect(buildsTagsOnly({ ...entry, 'build-tags-only': true })).toBe(true);
    expect(buildsTagsOnly({ ...entry, tags: { flamingo: null, 'build-tags-only': null } })).toBe(true);
    expect(buildsTagsOnly({ ...entry, tags: { flamingo: { 'source-branch': 'x' } } })).toBe(false);
    expect(buildsTagsOnly({ ...entry, tags: null })).toBe(false);
  });

  test('review-origin is kept for the FTBFS review', () => {
    const origin = 'ssh://review.example.org:29418/openstack/foo-distgit.git';
    expect(trunkPackageOf({ ...entry, 'review-origin': origin }, { sourceBranch: 'master', distroBranch: 'rpm-master' }).reviewOrigin).toBe(origin);
    expect(trunkPackageOf(entry, { sourceBranch: 'master', distroBranch: 'rpm-master' }).reviewOrigin).toBeNull();
  });
});
