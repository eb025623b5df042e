/**
 * The local profile's demo for the release pipeline: a releases repository
 * (series status data, no deliverables yet) and two small pbr-packaged Python
 * projects with release notes, as bare repositories under `<data>/release/`.
 * Fixed identities and dates, so the same content gets the same SHAs everywhere.
 */
import { rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { commitFile, initBare, initWorkTree, pushBranch } from '../git';

const AUTHOR = { name: 'trunkflow demo', email: 'demo@example.org' };
const BASE_DATE = 1_700_000_000;
export const DEMO_RELEASE_PROJECTS = ['openstack/tfrel-alpha', 'openstack/tfrel-beta'];

const SERIES_STATUS = `---
- name: hibiscus
  release-id: 2026.2
  status: development
  initial-release: 2026-09-30
- name: gazpacho
  release-id: 2026.1
  status: maintained
  initial-release: 2026-04-01
`;

const exists = (p: string) => stat(p).then(() => true, () => false);

function projectFiles(repo: string): Record<string, string> {
  const name = repo.split('/').pop()!;
  const module = name.replace(/-/g, '_');
  return {
    '.gitreview': `[gerrit]\nhost=review.example.org\nport=29418\nproject=${repo}.git\n`,
    'setup.cfg': `[metadata]\nname = ${name}\nsummary = trunkflow release demo\nauthor = trunkflow demo\nauthor_email = demo@example.org\n\n[files]\npackages =\n    ${module}\n`,
    'setup.py': 'import setuptools\n\nsetuptools.setup(setup_requires=["pbr"], pbr=True)\n',
    [`${module}/__init__.py`]: '',
    'README.rst': `${name}\n${'='.repeat(name.length)}\n\nA demo project of the trunkflow release pipeline.\n`,
    [`releasenotes/notes/${name}-first-0123456789abcdef.yaml`]: `---\nfeatures:\n  - |\n    ${name} says hello.\n`,
  };
}

/** Creates the demo releases repository and projects once; returns the releases repository's path. */
export async function generateReleaseDemo(releasesRepo: string, reposRoot: string): Promise<string> {
  const marker = path.join(path.dirname(releasesRepo), '.demo-complete');
  if (await exists(marker)) return releasesRepo;
  const work = path.join(path.dirname(releasesRepo), '.demo-work');
  await rm(work, { recursive: true, force: true });
  await rm(releasesRepo, { recursive: true, force: true });
  await initBare(releasesRepo, 'master');
  await initWorkTree(path.join(work, 'releases'), 'master');
  await commitFile(path.join(work, 'releases'), { 'data/series_status.yaml': SERIES_STATUS, 'deliverables/hibiscus/.keep': '' }, 'Series status data', { author: AUTHOR, authorDate: BASE_DATE });
  await pushBranch(path.join(work, 'releases'), releasesRepo, 'master');
  for (const [i, repo] of DEMO_RELEASE_PROJECTS.entries()) {
    const bare = path.join(reposRoot, `${repo}.git`);
    await rm(bare, { recursive: true, force: true });
    await initBare(bare, 'master');
    const dir = path.join(work, repo);
    await initWorkTree(dir, 'master');
    await commitFile(dir, projectFiles(repo), `Initial import of ${repo}`, { author: AUTHOR, authorDate: BASE_DATE + 60 * (i + 1) });
    await pushBranch(dir, bare, 'master');
  }
  await rm(work, { recursive: true, force: true });
  await writeFile(marker, '');
  return releasesRepo;
}
