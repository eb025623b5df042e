/** Notifications of a failed build (DLRN's notifications.py): the maintainers' mail and the FTBFS review. */
import * as path from 'node:path';
import type { Pool } from 'pg';
import { findTrunk, type Config } from '../config';
import { lastEmail, setLastEmail } from '../db/projects';
import { commitUrl, shouldSendMail } from '../domain/notifications';
import { shardedCommitDir } from '../domain/trunk/hashes';
import { pickSpecFile } from '../domain/trunk/source-tarball';
import { ensureCommit } from './clones';
import { git, listTree, resolveBranch } from './git';
import type { BuildOutcome } from '../domain/trunk-build';
import { cloneDirs, trunkBaseurl } from './layout';
import { createMailer, type Mailer } from './mail';
import type { PackageSource } from './pkginfo/source';
import type { ReviewDriver } from './review/driver';
import { reviewDriverOf } from './review/select';

export interface NotifyDeps {
  pool: Pool;
  config: Config;
  packages: PackageSource;
}

/** `https://review.example.org/openstack/nova-distgit.git` or rdoinfo's `ssh://review.example.org:29418/openstack/nova-distgit.git` → `openstack/nova-distgit`. */
export function gerritProject(url: string): string {
  try {
    return new URL(url).pathname.replace(/^\/(r\/)?/, '').replace(/\.git$/, '');
  } catch {
    return url;
  }
}

export function createNotifyActivities(deps: NotifyDeps) {
  const { pool, config } = deps;
  const mailer: Mailer | null = config.mail.host
    ? createMailer({ host: config.mail.host, port: config.mail.port, secure: config.mail.secure, user: config.mail.user, password: config.mail.password, from: config.mail.from })
    : null;
  let review: ReviewDriver | undefined;

  return {
    /** Mails the maintainers of a failed build, at most once a day per package (projects.last_email). */
    async notifyFailure(outcome: BuildOutcome): Promise<boolean> {
      if (!mailer) return false;
      const now = Math.floor(Date.now() / 1000);
      const req = outcome.request;
      if (!shouldSendMail(await lastEmail(pool, req.packageName), now)) return false;
      const pkg = await deps.packages.find(req.trunk, req.packageName);
      // DLRN's [2] link is the build's repo dir, where rpmbuild.log and the SRPM are.
      const repoDirUrl = `${trunkBaseurl(config, findTrunk(config, req.trunk))}/${outcome.attempt?.repoDir ?? ''}`;
      await mailer.sendBuildFailure({
        packageName: req.packageName, upstream: pkg.upstream, distgit: pkg.distgit, logUrl: repoDirUrl, maintainers: req.maintainers,
      });
      await setLastEmail(pool, req.packageName, now);
      return true;
    },

    /**
     * Opens the rdo-FTBFS review as DLRN's submit_review does: on the project
     * rdoinfo names as `review-origin` (Gerrit), on the distgit branch the
     * build used (a missing <release>-rdo is rpm-master), editing the one
     * spec of the distgit (or of its distgit-path), with DLRN's message.
     */
    async openFtbfsReview(outcome: BuildOutcome): Promise<string> {
      const req = outcome.request;
      const t = findTrunk(config, req.trunk);
      const pkg = await deps.packages.find(req.trunk, req.packageName);
      const dirs = cloneDirs(config, req.trunk, req.packageName);
      // Post-build may run on a host whose clones have not seen these commits yet.
      await ensureCommit(pkg.upstream, dirs.upstream, req.commitHash);
      await ensureCommit(pkg.distgit, dirs.distgit, req.distroHash);
      const branch = await resolveBranch(dirs.distgit, pkg.distroBranch, {
        source: t.sourceBranch, fallbackToMaster: t.fallbackToMaster, nonfallbackBranches: t.nonfallbackBranches,
      });
      const spec = pickSpecFile(await listTree(dirs.distgit, req.distroHash, pkg.distgitPath), `${pkg.distgit}${pkg.distgitPath ? `/${pkg.distgitPath}` : ''} at ${req.distroHash}`);
      const shortHash = (await git(dirs.upstream, ['rev-parse', '--short', req.commitHash])).trim();
      review ??= reviewDriverOf(config);
      const opened = await review.openFtbfsReview({
        packageName: req.packageName,
        project: config.drivers.review === 'gerrit' ? gerritProject(pkg.reviewOrigin ?? pkg.distgit) : (pkg.distgit || dirs.distgit),
        branch: branch.branch,
        specPath: pkg.distgitPath ? path.posix.join(pkg.distgitPath.replace(/^\/+/, ''), spec) : spec,
        commitHash: req.commitHash,
        shortHash,
        distroHash: req.distroHash,
        commitUrl: commitUrl(pkg.upstream, req.commitHash),
        topic: t.reviewTopic,
        reviewers: req.maintainers,
        logUrl: `${trunkBaseurl(config, t)}/${outcome.attempt?.repoDir ?? shardedCommitDir(req)}`,
      });
      return opened.url;
    },
  };
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;
