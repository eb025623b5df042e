/** Answers the release rules' questions about one project repository with git (tags, branches, commits, ancestry). */
import type { RepoFacts, RepoQuestions } from '../../domain/release/validate';
import { git } from '../git';
import { ProcessError } from '../process';

const lines = (s: string) => s.split('\n').map((l) => l.trim()).filter(Boolean);

/** `git` that answers false instead of throwing when the command exits non-zero. */
async function succeeds(dir: string, args: string[]): Promise<boolean> {
  try {
    await git(dir, args);
    return true;
  } catch (e) {
    if (e instanceof ProcessError && e.exitCode !== null) return false;
    throw e;
  }
}

/** Branch names of a repository: its own branches, or origin's in a clone. */
function branchName(ref: string): string | null {
  if (ref.startsWith('refs/heads/')) return ref.slice('refs/heads/'.length);
  if (ref.startsWith('refs/remotes/origin/') && ref !== 'refs/remotes/origin/HEAD') return ref.slice('refs/remotes/origin/'.length);
  return null;
}

/** Tag name → the commit it points at (annotated tags peeled). */
export async function tagCommits(dir: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  for (const l of lines(await git(dir, ['for-each-ref', '--format=%(refname:strip=2) %(objectname) %(*objectname)', 'refs/tags']))) {
    const [name, obj, peeled] = l.split(' ');
    tags[name] = peeled || obj;
  }
  return tags;
}

export async function gatherRepoFacts(dir: string, q: RepoQuestions): Promise<RepoFacts> {
  const tags = await tagCommits(dir);
  const branches = [...new Set(lines(await git(dir, ['for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/remotes/origin'])).map(branchName).filter((b): b is string => b !== null))];
  const commits: RepoFacts['commits'] = {};
  for (const hash of new Set(q.hashes)) {
    const exists = /^[0-9a-f]{4,64}$/i.test(hash) && (await succeeds(dir, ['cat-file', '-e', `${hash}^{commit}`]));
    if (!exists) {
      commits[hash] = { exists: false, branches: [], gitreview: false };
      continue;
    }
    const containing = lines(await git(dir, ['for-each-ref', '--format=%(refname)', '--contains', hash, 'refs/heads', 'refs/remotes/origin']))
      .map(branchName).filter((b): b is string => b !== null);
    commits[hash] = { exists, branches: [...new Set(containing)], gitreview: await succeeds(dir, ['cat-file', '-e', `${hash}:.gitreview`]) };
  }
  const descends: Record<string, boolean> = {};
  for (const [tag, sha] of q.ancestry) {
    const key = `${tag}..${sha}`;
    if (key in descends) continue;
    descends[key] = tag in tags && commits[sha]?.exists === true
      && lines(await git(dir, ['rev-list', '--ancestry-path', '-n', '1', `${tags[tag]}..${sha}`])).length > 0;
  }
  return { tags, branches, commits, descends };
}
