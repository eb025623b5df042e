/** The DLRN API's queries of `promotions` (label moves), per trunk through the promoted build. */
import type { Db } from './commits';

export interface PromotionRow {
  id: number;
  timestamp: number;
  promotionName: string;
  user: string | null;
  component: string | null;
  aggregateHash: string | null;
  commitHash: string;
  distroHash: string;
  extendedHash: string | null;
  commitComponent: string | null;
}

export interface PromotionFilter {
  commitId: number | null;
  promoteName: string | null;
  aggregateHash: string | null;
  component: string | null;
}

/** /api/promotions: newest first (by id), filtered, one page. */
export async function listPromotions(db: Db, trunk: string, f: PromotionFilter, offset: number, limit: number): Promise<PromotionRow[]> {
  const { rows } = await db.query(
    `SELECT p.id, p.timestamp, p.promotion_name, p."user", p.component, p.aggregate_hash,
            c.commit_hash, c.distro_hash, c.extended_hash, c.component AS commit_component
       FROM promotions p JOIN commits c ON c.id = p.commit_id
      WHERE c.trunk = $1 AND ($2::integer IS NULL OR p.commit_id = $2) AND ($3::text IS NULL OR p.promotion_name = $3)
        AND ($4::text IS NULL OR p.aggregate_hash = $4) AND ($5::text IS NULL OR p.component = $5)
      ORDER BY p.id DESC OFFSET $6 LIMIT $7`,
    [trunk, f.commitId, f.promoteName, f.aggregateHash, f.component, offset, limit],
  );
  return rows.map((r: Record<string, unknown>) => ({
    id: r.id as number,
    timestamp: r.timestamp as number,
    promotionName: r.promotion_name as string,
    user: (r.user as string | null) ?? null,
    component: (r.component as string | null) ?? null,
    aggregateHash: (r.aggregate_hash as string | null) ?? null,
    commitHash: r.commit_hash as string,
    distroHash: r.distro_hash as string,
    extendedHash: (r.extended_hash as string | null) ?? null,
    commitComponent: (r.commit_component as string | null) ?? null,
  }));
}

export interface PromotionInsert {
  commitId: number;
  promotionName: string;
  timestamp: number;
  user: string | null;
  component: string | null;
  aggregateHash: string | null;
}

export async function insertPromotion(db: Db, p: PromotionInsert): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO promotions (commit_id, promotion_name, timestamp, "user", component, aggregate_hash) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [p.commitId, p.promotionName, p.timestamp, p.user, p.component, p.aggregateHash],
  );
  return rows[0].id;
}

/** True when a promotion of the trunk produced this aggregate hash (report_result on an aggregate needs one). */
export async function aggregateHashKnown(db: Db, trunk: string, aggregateHash: string): Promise<boolean> {
  const { rows } = await db.query<{ known: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM promotions p JOIN commits c ON c.id = p.commit_id WHERE c.trunk = $1 AND p.aggregate_hash = $2) AS known`,
    [trunk, aggregateHash],
  );
  return rows[0].known;
}

/** /api/components: the distinct components the trunk's promotions name, sorted. */
export async function promotedComponents(db: Db, trunk: string): Promise<string[]> {
  const { rows } = await db.query<{ component: string }>(
    `SELECT DISTINCT p.component FROM promotions p JOIN commits c ON c.id = p.commit_id
      WHERE c.trunk = $1 AND p.component IS NOT NULL AND p.component <> '' ORDER BY p.component`,
    [trunk],
  );
  return rows.map((r) => r.component);
}
