/** Queries of the purge (DLRN's dlrn-purge): old unpurged builds with their facts, promoted rows, the purged flag. */
import { FLAG_PURGED } from '../domain/trunk/purge';
import type { Db } from './commits';

export interface PurgeRow {
  id: number;
  projectName: string;
  commitHash: string;
  distroHash: string;
  extendedHash: string | null;
  component: string | null;
  status: string;
  dtBuild: number;
  newerSuccess: boolean;
  successWithSameHash: boolean;
}

/**
 * The trunk's rpm builds built before `cutoff` (epoch seconds) and not purged
 * yet, newest first, each with the two facts DLRN's purge asks of it: a later
 * SUCCESS of its package, and a SUCCESS of its package at the same commit.
 */
export async function purgeCandidates(db: Db, trunk: string, cutoff: number): Promise<PurgeRow[]> {
  const { rows } = await db.query(
    `SELECT c.id, c.project_name, c.commit_hash, c.distro_hash, c.extended_hash, c.component, c.status, c.dt_build,
            EXISTS (SELECT 1 FROM commits s WHERE s.trunk = c.trunk AND s.project_name = c.project_name AND s.type = 'rpm'
                      AND s.status = 'SUCCESS' AND s.dt_build > c.dt_build) AS newer_success,
            EXISTS (SELECT 1 FROM commits s WHERE s.trunk = c.trunk AND s.project_name = c.project_name AND s.type = 'rpm'
                      AND s.status = 'SUCCESS' AND s.commit_hash = c.commit_hash) AS success_same_hash
       FROM commits c
      WHERE c.trunk = $1 AND c.type = 'rpm' AND c.dt_build < $2 AND c.flags & $3 = 0
      ORDER BY c.id DESC`,
    [trunk, cutoff, FLAG_PURGED],
  );
  return rows.map((r) => ({
    id: r.id, projectName: r.project_name, commitHash: r.commit_hash, distroHash: r.distro_hash, extendedHash: r.extended_hash,
    component: r.component, status: r.status, dtBuild: r.dt_build, newerSuccess: r.newer_success, successWithSameHash: r.success_same_hash,
  }));
}

/** Every promotion name used on the trunk's builds (each is a label with its link under repos/). */
export async function promotionNames(db: Db, trunk: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT DISTINCT p.promotion_name AS name FROM promotions p JOIN commits c ON c.id = p.commit_id WHERE c.trunk = $1 ORDER BY 1`, [trunk]);
  return rows.map((r) => r.name);
}

/** The rows the promotions point at now: the newest promotion of each name (and component) on the trunk. */
export async function promotedCommitIds(db: Db, trunk: string): Promise<number[]> {
  const { rows } = await db.query<{ commit_id: number }>(
    `SELECT DISTINCT ON (p.promotion_name, p.component) p.commit_id FROM promotions p JOIN commits c ON c.id = p.commit_id
      WHERE c.trunk = $1 ORDER BY p.promotion_name, p.component, p.id DESC`, [trunk]);
  return rows.map((r) => r.commit_id);
}

/** Sets DLRN's purged flag on these rows. */
export async function markPurged(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query('UPDATE commits SET flags = flags | $2 WHERE id = ANY($1::int[])', [ids, FLAG_PURGED]);
}
