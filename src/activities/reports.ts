/** Report pages of a trunk (report.html, status_report.html/.csv, queue.html, styles.css), rewritten from indexed queries beside the post-builds. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pool } from 'pg';
import { findTrunk, type Config } from '../config';
import * as commits from '../db/commits';
import {
  REPORT_LENGTH, REPORT_STYLESHEET, packageStatuses, queueHtml, reportHtml, statusReportCsv, statusReportHtml, type PendingBuild,
} from '../domain/trunk/reports';
import { trunkPaths } from './layout';
import type { PackageSource } from './pkginfo/source';

export interface ReportWriter {
  writeReports(trunk: string): Promise<void>;
}

export interface ReportDeps {
  pool: Pool;
  config: Config;
  packages: PackageSource;
  /** The builds waiting in the trunk's queue (the trunk workflow's status query); no queue page without it. */
  queuedBuilds?: (trunk: string) => Promise<PendingBuild[]>;
}

/** Writes `name` in dir through a temporary file and a rename, so readers never see half a page. */
function writeAtomic(dir: string, name: string, text: string): void {
  const tmp = path.join(dir, `.${name}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, path.join(dir, name));
}

export function createReportWriter(deps: ReportDeps): ReportWriter {
  return {
    async writeReports(trunk) {
      const reposDir = trunkPaths(deps.config, trunk).repos;
      fs.mkdirSync(reposDir, { recursive: true });
      const t = findTrunk(deps.config, trunk);
      // The queue answer is best effort: a trunk that cannot answer keeps its last queue page.
      const queued = deps.queuedBuilds?.(trunk).catch(() => null) ?? Promise.resolve(null);
      const [recent, statusRows, packages] = await Promise.all([
        commits.recentCommits(deps.pool, trunk, REPORT_LENGTH),
        commits.statusReportRows(deps.pool, trunk),
        deps.packages.packages(trunk),
      ]);
      const page = { projectName: t.projectName, reponame: t.reponame, target: t.target, source: t.sourceBranch, packages };
      const statuses = packageStatuses(statusRows, packages, Math.floor(Date.now() / 1000));
      if (!fs.existsSync(path.join(reposDir, 'styles.css'))) writeAtomic(reposDir, 'styles.css', REPORT_STYLESHEET);
      writeAtomic(reposDir, 'report.html', reportHtml(recent, page));
      writeAtomic(reposDir, 'status_report.html', statusReportHtml(statuses, page));
      writeAtomic(reposDir, 'status_report.csv', statusReportCsv(statuses));
      const pending = await queued;
      if (pending) writeAtomic(reposDir, 'queue.html', queueHtml(pending, page));
    },
  };
}
