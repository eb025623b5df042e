import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { git } from '../../../src/activities/git';
import { generateReleaseDemo } from '../../../src/activities/release/demo';
import { createLocalGitRepos } from '../../../src/activities/release/localgit-repos';
import { validateFiles } from '../../../src/activities/release/validate-files';
import { writeFile, mkdir } from 'node:fs/promises';

describe('the demo releases repository of the local profile', () => {
  test('is made once, with the same commits everywhere, and a request for its projects validates clean', async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'tf-reldemo-'));
    const releases = path.join(base, 'release', 'releases.git');
    const repos = path.join(base, 'release', 'repos');
    await generateReleaseDemo(releases, repos);
    const head = (await git(path.join(repos, 'openstack/tfrel-alpha.git'), ['rev-parse', 'master'])).trim();
    await generateReleaseDemo(releases, repos); // already there: unchanged
    expect((await git(path.join(repos, 'openstack/tfrel-alpha.git'), ['rev-parse', 'master'])).trim()).toBe(head);
    const other = await mkdtemp(path.join(tmpdir(), 'tf-reldemo-'));
    await generateReleaseDemo(path.join(other, 'releases.git'), path.join(other, 'repos'));
    expect((await git(path.join(other, 'repos', 'openstack/tfrel-alpha.git'), ['rev-parse', 'master'])).trim()).toBe(head);

    const tree = path.join(base, 'checkout');
    await git(base, ['clone', '--quiet', releases, tree]);
    const file = path.join(tree, 'deliverables', 'hibiscus', 'tfrel-alpha.yaml');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `---\nlaunchpad: tfrel-alpha\nrelease-model: cycle-with-intermediary\nteam: demo\ntype: library\nrepository-settings:\n  openstack/tfrel-alpha: {}\nreleases:\n  - version: 1.0.0\n    projects:\n      - repo: openstack/tfrel-alpha\n        hash: ${head}\n`);
    const [report] = await validateFiles([file], { repos: createLocalGitRepos(repos) });
    expect(report.findings).toEqual([]);
  });
});
