import { githubSignatureProblem, normalizeRepoUrl, packagesForPush, parseGerritEvent, parseGerritRefUpdated, parseGithubPush, WebhookError } from '../../src/domain/webhooks';

const packages = [
  { name: 'openstack-nova', upstream: 'https://opendev.org/openstack/nova', distgit: 'https://github.com/rdo-packages/nova-distgit.git' },
  { name: 'python-novaclient', upstream: 'https://opendev.org/openstack/python-novaclient', distgit: 'https://github.com/rdo-packages/novaclient-distgit.git' },
];

describe('webhooks', () => {
  it('maps a Gerrit ref-updated event to the package with that upstream', () => {
    const push = parseGerritRefUpdated({ type: 'ref-updated', refUpdate: { project: 'openstack/nova', refName: 'refs/heads/master', newRev: 'abc' } });
    expect(push.branch).toBe('master');
    expect(packagesForPush(push, packages).map((p) => p.name)).toEqual(['openstack-nova']);
  });

  it('maps a GitHub push of a distgit repository to its package', () => {
    const push = parseGithubPush({ ref: 'refs/heads/rpm-master', after: 'def', repository: { full_name: 'rdo-packages/novaclient-distgit', clone_url: 'https://github.com/rdo-packages/novaclient-distgit.git' } });
    expect(push.branch).toBe('rpm-master');
    expect(packagesForPush(push, packages).map((p) => p.name)).toEqual(['python-novaclient']);
  });

  it('matches local file:// repositories by their clone URL', () => {
    const local = [{ name: 'demo', upstream: 'file:///srv/demo/remotes/demo.git', distgit: 'file:///srv/demo/remotes/demo-distgit.git' }];
    const push = parseGithubPush({ ref: 'refs/heads/master', repository: { full_name: 'demo', clone_url: 'file:///srv/demo/remotes/demo.git' } });
    expect(packagesForPush(push, local)).toHaveLength(1);
  });

  it('normalises the spellings of one repository to one key', () => {
    const forms = ['https://github.com/a/b.git', 'git@github.com:a/b.git', 'https://user:pw@github.com/a/b/', 'ssh://git@github.com/a/b'];
    expect(new Set(forms.map(normalizeRepoUrl))).toEqual(new Set(['github.com/a/b']));
  });

  it('names the field at fault in a malformed payload', () => {
    expect(() => parseGerritRefUpdated({ type: 'ref-updated', refUpdate: { refName: 'refs/heads/x' } })).toThrow('refUpdate.project');
    expect(() => parseGithubPush({ ref: 'refs/heads/x' })).toThrow(WebhookError);
    expect(() => parseGerritRefUpdated({ type: 'patchset-created' })).toThrow('type: expected "ref-updated"');
  });
});

describe('GitHub webhook signatures', () => {
  const good = 'ab'.repeat(32);
  it('accepts the matching signature only', () => {
    expect(githubSignatureProblem(`sha256=${good}`, good)).toBeNull();
    expect(githubSignatureProblem(`sha256=${'cd'.repeat(32)}`, good)).toContain('does not match');
    expect(githubSignatureProblem(undefined, good)).toContain('missing');
    expect(githubSignatureProblem('sha1=abc', good)).toContain('expected sha256=');
  });
});

describe('Gerrit change-merged', () => {
  test('gives the project, branch and the merge commit', () => {
    expect(parseGerritEvent({ type: 'change-merged', change: { project: 'openstack/releases', branch: 'master' }, patchSet: { revision: 'p1' }, newRev: 'm1' }))
      .toEqual({ source: 'gerrit', project: 'openstack/releases', urls: [], branch: 'master', newRev: 'm1' });
    expect(() => parseGerritEvent({ type: 'change-merged', change: { branch: 'master' } })).toThrow('change.project: expected a non-empty string');
  });
});
