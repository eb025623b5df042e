/** Report pages of a trunk (report.html, status_report.html/.csv), rewritten from indexed queries after each post-build. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pool } from 'pg';
import { findTrunk, type Config } from '../config';
import * as commits from '../db/commits';
import { REPORT_LENGTH, packageStatuses, reportHtml, statusReportCsv, statusReportHtml } from '../domain/trunk/reports';
import { trunkPaths } from './layout';
import type { PackageSource } from './pkginfo/source';

export interface ReportWriter {
  writeReports(trunk: string): Promise<void>;
}

export function createReportWriter(deps: { pool: Pool; config: Config; packages: PackageSource }): ReportWriter {
  return {
    async writeReports(trunk) {
      const reposDir = trunkPaths(deps.config, trunk).repos;
      fs.mkdirSync(reposDir, { recursive: true });
      const recent = await commits.recentCommits(deps.pool, trunk, REPORT_LENGTH);
      const latest = await commits.latestPerProject(deps.pool, trunk);
      const packages = await deps.packages.packages(trunk);
      const writeAtomic = (name: string, text: string) => {
        const tmp = path.join(reposDir, `.${name}.tmp`);
        fs.writeFileSync(tmp, text);
        fs.renameSync(tmp, path.join(reposDir, name));
      };
      const t = findTrunk(deps.config, trunk);
      const page = { projectName: 'RDO', reponame: t.reponame, target: t.target, source: t.sourceBranch, packages };
      // The newest rows plus each package's latest: enough for both reports, and bounded.
      const rows = [...new Map([...recent, ...latest].map((r) => [r.id, r])).values()];
      const statuses = packageStatuses(rows, packages, Math.floor(Date.now() / 1000));
      writeAtomic('report.html', reportHtml(recent, page));
      writeAtomic('status_report.html', statusReportHtml(statuses, page));
      writeAtomic('status_report.csv', statusReportCsv(statuses));
    },
  };
}
