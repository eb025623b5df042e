/**
 * FTBFS "reviews" for the local profile: a branch pushed to the distgit
 * repository itself, carrying the same `# REMOVEME` spec change DLRN pushes
 * to Gerrit, with the topic and reviewers as commit trailers.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { appendRemoveMe, DEFAULT_FTBFS_TOPIC, ftbfsCommitMessage } from '../../domain/notifications';
import type { FileEditRequest, FtbfsReviewRequest, ReviewDriver } from './driver';

export interface LocalGitConfig {
  /** Directory of distgit repositories, for requests whose `project` is a name rather than a path or URL. */
  distgitBase?: string;
  /** Where the temporary clone goes (default: the OS temp dir). */
  workDir?: string;
  author?: { name: string; email: string };
  timeoutMs?: number;
}

const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.startsWith('file:');

/** Ref-safe piece of a branch name. */
const refPart = (s: string) => s.replace(/[^A-Za-z0-9._+-]+/g, '-').replace(/^[.-]+|\.+$/g, '') || 'x';

export function reviewBranchName(req: Pick<FtbfsReviewRequest, 'packageName' | 'commitHash' | 'topic'>): string {
  return `review/${refPart(req.topic ?? DEFAULT_FTBFS_TOPIC)}/${refPart(req.packageName)}-${req.commitHash.slice(0, 8)}`;
}

function git(args: string[], cwd: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      // Never prompt for credentials in a worker; keep messages parseable.
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(out);
      else reject(new Error(`git ${args.join(' ')} failed (${signal ?? `exit ${code}`}): ${err.trim()}`));
    });
  });
}

export function createLocalGitDriver(cfg: LocalGitConfig = {}): ReviewDriver {
  const timeoutMs = cfg.timeoutMs ?? 300_000; // DLRN's submit_review.sh timeout
  const author = cfg.author ?? { name: 'trunkflow', email: 'trunkflow@localhost' };

  function remoteFor(project: string): string {
    if (isUrl(project) || path.isAbsolute(project)) return project;
    if (!cfg.distgitBase) throw new Error(`localgit review: project ${project} is not a path or URL and no distgitBase is configured`);
    return path.resolve(cfg.distgitBase, project);
  }

  return {
    name: 'localgit',
    async openFtbfsReview(req: FtbfsReviewRequest) {
      const topic = req.topic ?? DEFAULT_FTBFS_TOPIC;
      const remote = remoteFor(req.project);
      const branch = reviewBranchName({ ...req, topic });
      const result = { id: branch, url: `${isUrl(remote) ? remote : pathToFileURL(remote).href}#${branch}` };
      const scratch = cfg.workDir ?? tmpdir();
      await mkdir(scratch, { recursive: true });

      // An activity retry after a successful push must not fail or duplicate the review.
      if ((await git(['ls-remote', '--heads', remote, `refs/heads/${branch}`], scratch, timeoutMs)).trim()) return result;

      const dir = await mkdtemp(path.join(scratch, 'trunkflow-review-'));
      try {
        await git(['clone', '--quiet', '--single-branch', '--branch', req.branch, remote, dir], scratch, timeoutMs);
        const specFile = path.resolve(dir, req.specPath);
        const rel = path.relative(dir, specFile);
        if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`spec path ${req.specPath} is outside the repository`);
        await writeFile(specFile, appendRemoveMe(await readFile(specFile, 'utf8'), req.commitUrl));

        const trailers = [`Topic: ${topic}`, ...req.reviewers.map((r) => `Reviewer: ${r}`)];
        await git(['checkout', '--quiet', '-b', branch], dir, timeoutMs);
        await git(
          ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`, '-c', 'commit.gpgsign=false',
            'commit', '--quiet', '--no-verify', '-m', ftbfsCommitMessage({ ...req, topic }, trailers), '--', rel],
          dir,
          timeoutMs,
        );
        await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], dir, timeoutMs);
        return result;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async proposeFileEdit(req: FileEditRequest) {
      const remote = remoteFor(req.project);
      const branch = `review/${refPart(req.topic)}/${refPart(req.slug)}`;
      const result = { id: branch, url: `${isUrl(remote) ? remote : pathToFileURL(remote).href}#${branch}` };
      const scratch = cfg.workDir ?? tmpdir();
      await mkdir(scratch, { recursive: true });
      // A retry after a successful push finds the review there.
      if ((await git(['ls-remote', '--heads', remote, `refs/heads/${branch}`], scratch, timeoutMs)).trim()) return result;
      const dir = await mkdtemp(path.join(scratch, 'trunkflow-review-'));
      try {
        await git(['clone', '--quiet', '--single-branch', '--branch', req.branch, remote, dir], scratch, timeoutMs);
        const file = path.resolve(dir, req.path);
        const rel = path.relative(dir, file);
        if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${req.path} is outside the repository`);
        const current = await readFile(file, 'utf8');
        const next = req.edit(current);
        if (next === null || next === current) return null;
        await writeFile(file, next);
        await git(['checkout', '--quiet', '-b', branch], dir, timeoutMs);
        await git(
          ['-c', `user.name=${author.name}`, '-c', `user.email=${author.email}`, '-c', 'commit.gpgsign=false',
            'commit', '--quiet', '--no-verify', '-m', `${req.message.trimEnd()}\n\nTopic: ${req.topic}\n`, '--', rel],
          dir,
          timeoutMs,
        );
        await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], dir, timeoutMs);
        return result;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
