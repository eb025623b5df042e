/**
 * The jobs a pushed tag runs, as activities: read the tag and its metadata,
 * build sdist and wheel (`python3 -m build` in the release virtualenv), sign
 * and copy them to the tarballs directory, upload them with skip-existing
 * semantics, send the announcement (at most once per tag), and write reno's
 * notes for the tag.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ApplicationFailure } from '@temporalio/activity';
import { PROJECT_ROOT, type Config } from '../../config';
import { announceMail, announceSkipReason, constraintsCommitMessage, parseTagMetadata, pep503, tagPipeline, updateUpperConstraints } from '../../domain/release/tag-pipeline';
import { reviewDriverOf } from '../review/select';
import type { ReviewDriver } from '../review/driver';
import { git, syncClone } from '../git';
import { createMailer } from '../mail';
import { run } from '../process';
import { createLocalGitRepos } from './localgit-repos';
import { withLock } from './locks';
import type { RepoLookupDriver } from './repo-driver';

export interface ReleaseTagInfo {
  repo: string;
  tag: string;
  sha: string;
  pipeline: 'release' | 'pre-release' | 'tag-only';
  /** The `meta:` fields, null for a tag without them. */
  meta: Record<string, string> | null;
  /** The meta lines as they are in the message (for the constraints commit). */
  metaLines: string[];
}

export interface BuiltArtifacts {
  /** Distribution name from the sdist (as the build wrote it). */
  dist: string;
  version: string;
  /** Files copied to the tarballs directory (sdist, wheel, and their .asc signatures when signed). */
  files: string[];
}

let venvPath: Promise<string> | undefined;
/** The release virtualenv, installed by the project's script on first use. */
export function releaseVenv(): Promise<string> {
  venvPath ??= promisify(execFile)('bash', [path.join(PROJECT_ROOT, 'scripts', 'ensure-release-venv.sh')], { maxBuffer: 1 << 20 })
    .then(({ stdout }) => stdout.trim().split('\n').pop()!);
  return venvPath;
}

const exists = (p: string) => stat(p).then(() => true, () => false);


export function createReleaseTagActivities(deps: { config: Config; repos?: RepoLookupDriver; review?: ReviewDriver }) {
  const cfg = deps.config;
  const r = cfg.release;
  const repos = deps.repos ?? createLocalGitRepos(r.repos.root);
  const clone = (repo: string) => path.join(r.workDir, 'clones', 'tags', repo);
  const gpgEnv = r.gnupgHome ? { GNUPGHOME: r.gnupgHome } : undefined;
  let review = deps.review;

  async function syncedClone(repo: string): Promise<string> {
    const found = await repos.locate(repo);
    if (!found) throw ApplicationFailure.create({ message: `${repo}: repository not found by the ${repos.name} driver`, type: 'RepositoryNotFound', nonRetryable: true });
    const dir = clone(repo);
    await withLock(dir, () => syncClone(found.url, dir));
    return dir;
  }

  /** A work tree of the repository at the tag, in a scratch directory (the caller removes it). */
  async function checkout(repo: string, tag: string): Promise<string> {
    const src = await syncedClone(repo);
    await mkdir(r.workDir, { recursive: true });
    const dir = await mkdtemp(path.join(r.workDir, 'checkout-'));
    await git(dir, ['clone', '--quiet', '--no-checkout', src, '.']);
    await git(dir, ['checkout', '--quiet', `refs/tags/${tag}`]);
    return dir;
  }

  return {
    /** The tag's commit, pipeline and metadata, read from the tag itself. */
    async readReleaseTag(input: { repo: string; tag: string }): Promise<ReleaseTagInfo> {
      const dir = await syncedClone(input.repo);
      const sha = (await git(dir, ['rev-parse', '--verify', '--quiet', `refs/tags/${input.tag}^{commit}`]).catch(() => '')).trim();
      if (!sha) throw ApplicationFailure.create({ message: `${input.repo}: no tag ${input.tag}`, type: 'TagNotFound', nonRetryable: true });
      const annotated = (await git(dir, ['cat-file', '-t', `refs/tags/${input.tag}`])).trim() === 'tag';
      const message = annotated ? await git(dir, ['cat-file', '-p', `refs/tags/${input.tag}`]) : '';
      const metaLines = message.split('\n').filter((l) => l.startsWith('meta:'));
      return { repo: input.repo, tag: input.tag, sha, pipeline: tagPipeline(input.tag), meta: parseTagMetadata(message), metaLines };
    },

    /** sdist and wheel of the tag, signed when a key is configured, copied to `<tarballsDir>/<repo>/`. */
    async buildReleaseArtifacts(input: { repo: string; tag: string }): Promise<BuiltArtifacts> {
      const venv = await releaseVenv();
      const dir = await checkout(input.repo, input.tag);
      try {
        const out = path.join(dir, '.trunkflow-dist');
        // No isolation: the build backends come from the release virtualenv, nothing is fetched at build time.
        await run(path.join(venv, 'bin', 'python'), ['-m', 'build', '--no-isolation', '--sdist', '--wheel', '--outdir', out, dir], {
          cwd: dir, env: { PATH: `${path.join(venv, 'bin')}:${process.env.PATH ?? ''}`, SOURCE_DATE_EPOCH: '315532800' },
        });
        const built = (await readdir(out)).filter((f) => f.endsWith('.tar.gz') || f.endsWith('.whl')).sort();
        const sdist = built.find((f) => f.endsWith('.tar.gz'));
        if (!sdist) throw ApplicationFailure.create({ message: `${input.repo} ${input.tag}: the build made no sdist`, type: 'BuildFailed', nonRetryable: true });
        const m = /^(.+)-([^-]+)\.tar\.gz$/.exec(sdist)!;
        const dest = path.join(r.tarballsDir, input.repo);
        await mkdir(dest, { recursive: true });
        const files: string[] = [];
        for (const f of built) {
          if (r.signingKey) {
            await run('gpg', ['--batch', '--yes', '--armor', '--detach-sign', '--local-user', r.signingKey, path.join(out, f)], { env: gpgEnv });
          }
          for (const name of r.signingKey ? [f, `${f}.asc`] : [f]) {
            await copyFile(path.join(out, name), path.join(dest, name));
            files.push(path.join(dest, name));
          }
        }
        return { dist: m[1], version: m[2], files };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

    /**
     * Uploads sdists and wheels (not platform wheels, not signatures) with
     * twine --skip-existing: files the index has already are success, so a rerun is safe.
     */
    async uploadReleaseArtifacts(input: { files: string[] }): Promise<{ uploaded: string[] }> {
      if (!r.index) return { uploaded: [] };
      const venv = await releaseVenv();
      const files = input.files.filter((f) => (f.endsWith('.tar.gz') || f.endsWith('.whl')) && !f.endsWith('-linux_x86_64.whl'));
      await run(path.join(venv, 'bin', 'twine'), ['upload', '--non-interactive', '--skip-existing', '--disable-progress-bar', '--repository-url', r.index.url, ...files], {
        env: { TWINE_USERNAME: r.index.username, TWINE_PASSWORD: r.index.password },
      });
      return { uploaded: files.map((f) => path.basename(f)) };
    },

    /** Whether the index serves that version of the distribution yet (PEP 503 simple page). */
    async indexServes(input: { dist: string; version: string }): Promise<boolean> {
      if (!r.index) return false;
      const res = await fetch(`${r.index.url.replace(/\/+$/, '')}/simple/${pep503(input.dist)}/`, { signal: AbortSignal.timeout(10_000) });
      if (res.status === 404) return false;
      if (!res.ok) throw new Error(`${r.index.url}: HTTP ${res.status} for the ${input.dist} page`);
      const page = await res.text();
      return page.includes(`-${input.version}.tar.gz`) || page.includes(`-${input.version}-`);
    },

    /**
     * Sends the announcement (announce.sh): skipped for alpha/beta and for tags
     * without metadata. At most once per tag: a marker is claimed before
     * sending and released only when the SMTP server refused the message.
     */
    async announceRelease(input: { info: ReleaseTagInfo }): Promise<{ sent: boolean; reason?: string; subject?: string }> {
      const { info } = input;
      const skip = announceSkipReason(info.tag, info.meta);
      if (skip) return { sent: false, reason: skip };
      if (!cfg.mail.host) return { sent: false, reason: 'no mail server configured' };
      const marker = path.join(r.workDir, 'announced', info.repo, info.tag);
      await mkdir(path.dirname(marker), { recursive: true });
      try {
        await writeFile(marker, new Date().toISOString(), { flag: 'wx' });
      } catch {
        return { sent: false, reason: `already announced (${marker})` };
      }
      try {
        const dir = await syncedClone(info.repo);
        const previous = (await git(dir, ['describe', '--abbrev=0', `${info.tag}^`]).catch(() => '')).trim();
        const root = (await git(dir, ['rev-list', '--max-parents=0', info.sha])).trim().split('\n').pop()!;
        const meta = info.meta!;
        const diffStart = meta['diff-start'] && meta['diff-start'] !== '-' ? meta['diff-start'] : previous || root;
        const range = `${diffStart}..${info.tag}`;
        const changes = (await git(dir, ['log', '--no-color', '--oneline', '--no-merges', range])).split('\n').filter(Boolean);
        const diffStat = (await git(dir, ['diff', '--stat', '--no-color', range])).split('\n');
        const stableBranchExists = !!(await git(dir, ['rev-parse', '--verify', '--quiet', `refs/remotes/origin/stable/${meta.series}`]).catch(() => '')).trim();
        const notesFile = path.join(r.notesDir, info.repo, `${info.tag}.rst`);
        const notes = (await exists(notesFile)) ? await readFile(notesFile, 'utf8') : '';
        const project = info.repo.split('/').pop()!;
        const mail = announceMail({
          project, version: info.tag, meta, diffStart, firstRelease: !previous, changes, diffStat, stableBranchExists, notes,
          from: r.announce.from, tarballsUrl: r.tarballsUrl, pypiUrl: meta.pypi === 'yes' && r.index ? `${r.index.url.replace(/\/+$/, '')}/simple/${pep503(project)}/` : undefined,
          emotionIndex: parseInt(info.sha.slice(0, 6), 16),
        });
        const mailer = createMailer({ host: cfg.mail.host, port: cfg.mail.port, secure: cfg.mail.secure, user: cfg.mail.user, password: cfg.mail.password, from: mail.from });
        await mailer.sendText({ from: mail.from, to: r.announce.to, replyTo: r.announce.replyTo, subject: mail.subject, text: mail.body });
        return { sent: true, subject: mail.subject };
      } catch (e) {
        // Not sent: the next attempt may send it.
        await rm(marker, { force: true });
        throw e;
      }
    },

    /**
     * update_constraints.sh: upper-constraints.txt on `meta:branch` of the
     * requirements repository (master when that branch is missing) gets the
     * new version, proposed for review with topic new-release. Nothing is
     * proposed when the distribution is not listed or already at that version.
     */
    async proposeConstraintsUpdate(input: { dist: string; version: string; branch: string; metaLines: string[] }): Promise<{ review: string | null; branch: string }> {
      if (!r.requirementsRepo) return { review: null, branch: input.branch };
      await mkdir(r.workDir, { recursive: true });
      const heads = await git(r.workDir, ['ls-remote', '--heads', r.requirementsRepo, `refs/heads/${input.branch}`]).catch(() => '');
      const branch = heads.trim() ? input.branch : 'master';
      review ??= reviewDriverOf(cfg);
      const proposed = await review.proposeFileEdit({
        project: r.requirementsRepo, branch, path: 'upper-constraints.txt', topic: r.constraintsTopic,
        message: constraintsCommitMessage(input.dist, input.version, input.metaLines), slug: `${pep503(input.dist)}-${input.version}`,
        edit: (text) => updateUpperConstraints(text, input.dist, input.version),
      });
      return { review: proposed?.url ?? null, branch };
    },

    /**
     * The release notes as of the tag (`reno report` of every version up to it,
     * what the published notes site shows), written to `<notesDir>/<repo>/<tag>.rst`;
     * for every tag, EOL included. A malformed note fails it, as sphinx -W does upstream.
     */
    async publishReleaseNotes(input: { repo: string; tag: string }): Promise<{ file: string | null }> {
      const dir = await checkout(input.repo, input.tag);
      try {
        if (!(await exists(path.join(dir, 'releasenotes', 'notes')))) return { file: null };
        const venv = await releaseVenv();
        const { stdout } = await run(path.join(venv, 'bin', 'reno'), ['--quiet', 'report', '--no-show-source', '.'], { cwd: dir });
        const file = path.join(r.notesDir, input.repo, `${input.tag}.rst`);
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, stdout);
        return { file };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

export type ReleaseTagActivities = ReturnType<typeof createReleaseTagActivities>;
