/** Notifications of a failed build (DLRN's notifications.py): the maintainers' mail and the FTBFS review. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pool } from 'pg';
import { findTrunk, type Config } from '../config';
import { lastEmail, setLastEmail } from '../db/projects';
import { lastLines, shouldSendMail } from '../domain/notifications';
import type { BuildOutcome } from '../domain/trunk-build';
import { cloneDirs, trunkBaseurl, trunkPaths } from './layout';
import { createMailer, type Mailer } from './mail';
import type { PackageSource } from './pkginfo/source';
import type { ReviewDriver } from './review/driver';
import { reviewDriverOf } from './review/select';

export interface NotifyDeps {
  pool: Pool;
  config: Config;
  packages: PackageSource;
}

/** `https://review.example.org/openstack/nova-distgit.git` → `openstack/nova-distgit`. */
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
  const logUrl = (outcome: BuildOutcome) => `${trunkBaseurl(config, findTrunk(config, outcome.request.trunk))}/${outcome.attempt?.logPath ?? ''}`;

  return {
    /** Mails the maintainers of a failed build, at most once a day per package (projects.last_email). */
    async notifyFailure(outcome: BuildOutcome): Promise<boolean> {
      if (!mailer) return false;
      const now = Math.floor(Date.now() / 1000);
      const req = outcome.request;
      if (!shouldSendMail(await lastEmail(pool, req.packageName), now)) return false;
      const t = findTrunk(config, req.trunk);
      const logPath = path.join(trunkPaths(config, req.trunk).repos, outcome.attempt?.logPath ?? '');
      await mailer.sendBuildFailure({
        packageName: req.packageName, release: req.release, trunk: t.sourceBranch, commitHash: req.commitHash,
        distroHash: req.distroHash, maintainers: req.maintainers, logUrl: logUrl(outcome),
        logTail: fs.existsSync(logPath) ? lastLines(fs.readFileSync(logPath, 'utf8'), 40) : `(no build log at ${logPath})`,
      });
      await setLastEmail(pool, req.packageName, now);
      return true;
    },

    /** Opens the rdo-FTBFS review on the package's distgit with the maintainers as reviewers. */
    async openFtbfsReview(outcome: BuildOutcome): Promise<string> {
      const req = outcome.request;
      const t = findTrunk(config, req.trunk);
      const pkg = await deps.packages.find(req.trunk, req.packageName);
      review ??= reviewDriverOf(config);
      const opened = await review.openFtbfsReview({
        packageName: req.packageName,
        project: config.drivers.review === 'gerrit' ? gerritProject(pkg.distgit) : (pkg.distgit || cloneDirs(config, req.trunk, req.packageName).distgit),
        branch: pkg.distroBranch,
        specPath: pkg.distgitPath ? `${pkg.distgitPath}/${req.packageName}.spec` : `${req.packageName}.spec`,
        commitHash: req.commitHash,
        distroHash: req.distroHash,
        topic: t.reviewTopic,
        reviewers: req.maintainers,
        logUrl: logUrl(outcome),
      });
      return opened.url;
    },
  };
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;
