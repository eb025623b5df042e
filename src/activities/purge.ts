/** The purge activity (DLRN's dlrn-purge): removes old builds' repo dirs and flags their rows, keeping what labels point at. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pool } from 'pg';
import { findTrunk, type Config } from '../config';
import * as purgeDb from '../db/purge';
import { shardedCommitDir } from '../domain/trunk/hashes';
import { planPurge, purgeCutoff, repoDirOf, type PurgeReport, type PurgeRequest } from '../domain/trunk/purge';
import { heartbeat } from './context';
import { trunkPaths } from './layout';

/** The repo dir (relative to repos/) a link under repos/ resolves into, or null. */
function linkedRepoDir(reposDir: string, link: string): string | null {
  try {
    if (!fs.lstatSync(link).isSymbolicLink()) return null;
    return repoDirOf(path.relative(fs.realpathSync(reposDir), fs.realpathSync(link)));
  } catch {
    return null; // a dangling link protects nothing
  }
}

/**
 * The repo dirs the labels point at (`repos/<label>` and, with components,
 * `repos/component/<c>/<label>`), plus every dir whose RPMs those repos link:
 * a protected repo stays installable.
 */
function protectedRepoDirs(reposDir: string, labels: readonly string[]): { dirs: Set<string>; labels: Record<string, string> } {
  const bases = [''];
  const componentRoot = path.join(reposDir, 'component');
  if (fs.existsSync(componentRoot)) for (const c of fs.readdirSync(componentRoot)) bases.push(path.join('component', c));
  const pointed: Record<string, string> = {};
  for (const base of bases) {
    for (const label of labels) {
      const dir = linkedRepoDir(reposDir, path.join(reposDir, base, label));
      if (dir) pointed[path.join(base, label)] = dir;
    }
  }
  const dirs = new Set(Object.values(pointed));
  for (const dir of Object.values(pointed)) {
    for (const entry of fs.readdirSync(path.join(reposDir, dir))) {
      const linked = linkedRepoDir(reposDir, path.join(reposDir, dir, entry));
      if (linked) dirs.add(linked);
    }
  }
  return { dirs, labels: pointed };
}

export function createPurgeActivities(deps: { pool: Pool; config: Config }) {
  const { pool, config } = deps;
  return {
    /**
     * Purges a trunk's builds older than its keepDays: DLRN's rule
     * (src/domain/trunk/purge.ts) decides; repo dirs are removed first, then
     * the rows flagged, so a rerun after a crash finishes the job.
     */
    async purgeTrunk(req: PurgeRequest): Promise<PurgeReport> {
      const t = findTrunk(config, req.trunk);
      const keepDays = req.keepDays ?? t.purge.keepDays;
      const cutoff = purgeCutoff(Math.floor(Date.now() / 1000), keepDays);
      const reposDir = trunkPaths(config, t.name).repos;
      const labelNames = ['current', 'consistent', ...(await purgeDb.promotionNames(pool, t.name))];
      const guarded = protectedRepoDirs(reposDir, labelNames);
      const rows = await purgeDb.purgeCandidates(pool, t.name, cutoff);
      const decisions = planPurge({
        candidates: rows.map((r) => ({ ...r, repoDir: shardedCommitDir(r) })),
        protectedDirs: guarded.dirs,
        protectedIds: new Set(await purgeDb.promotedCommitIds(pool, t.name)),
      });
      const purged = decisions.filter((d) => d.action === 'purge');
      if (!req.dryRun) {
        for (const [i, d] of purged.entries()) {
          if (!d.removeDir) continue;
          if (i % 50 === 0) heartbeat(`removing ${d.repoDir}`);
          await fs.promises.rm(path.join(reposDir, d.repoDir), { recursive: true, force: true });
        }
        await purgeDb.markPurged(pool, purged.map((d) => d.id));
      }
      return {
        trunk: t.name, dryRun: req.dryRun, keepDays, cutoff, labels: guarded.labels,
        purged: purged.map(({ id, projectName, repoDir, removeDir }) => ({ id, projectName, repoDir, removeDir })),
        kept: decisions.filter((d) => d.action === 'keep').map(({ id, projectName, repoDir, reason }) => ({ id, projectName, repoDir, reason })),
      };
    },
  };
}

export type PurgeActivities = ReturnType<typeof createPurgeActivities>;
