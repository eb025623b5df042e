/**
 * The promotion activity (DLRN's promote and promote-batch): label links move
 * atomically (a temporary link renamed over the old one), the former target is
 * kept as `previous-<label>`, the aggregate repo files are written with
 * components, and the promotion rows are inserted; on any failure every link
 * already moved is put back, so a batch is all or nothing.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { Pool } from 'pg';
import { findTrunk, type Config } from '../config';
import { commitById, type ApiCommit } from '../db/civotes';
import { withTransaction } from '../db/pool';
import { insertPromotion } from '../db/promotions';
import { checkPromoteName, labelLink, type LabelLink, previousLabelName, repoUrl, type PromoteAnswer, type PromoteRequest } from '../domain/dlrn-api/promotions';
import { DlrnApiError } from '../domain/dlrn-api/errors';
import { repoHash } from '../domain/trunk/hashes';
import { aggregateComponentRepos } from './aggregate';
import { trunkBaseurl, trunkPaths } from './layout';
import type { PackageSource } from './pkginfo/source';
import { atomicSymlink, readLink } from './repos';

export interface PromoteDeps {
  pool: Pool;
  config: Config;
  packages: PackageSource;
}

interface Moved {
  link: string;
  /** What the link pointed at before, null when it did not exist. */
  before: string | null;
}

/** Puts links back as they were, newest move first; best effort, as DLRN's rollback. */
async function rollback(moved: Moved[], tmp: string): Promise<void> {
  for (const m of [...moved].reverse()) {
    try {
      if (m.before === null) await rm(m.link, { force: true });
      else await atomicSymlink(m.before, m.link, tmp);
    } catch {
      // keep rolling back the others
    }
  }
}

/** A link that is something else than a symlink (a shard dir, a report) is not a label. */
async function isPlainEntry(file: string): Promise<boolean> {
  try {
    return !(await lstat(file)).isSymbolicLink();
  } catch {
    return false;
  }
}

export function createPromoteActivities(deps: PromoteDeps) {
  return {
    /** Applies one promote or promote-batch request of the API; client errors come back as answers, not failures. */
    async applyPromotions(req: PromoteRequest): Promise<PromoteAnswer> {
      const t = findTrunk(deps.config, req.trunk);
      const reposDir = trunkPaths(deps.config, req.trunk).repos;
      const plans: Array<{ item: PromoteRequest['items'][number]; commit: ApiCommit; link: LabelLink; base: string }> = [];
      try {
        for (const item of req.items) {
          checkPromoteName(item.promoteName);
          const commit = await commitById(deps.pool, req.trunk, item.commitId);
          if (!commit || commit.status !== 'SUCCESS') throw new DlrnApiError(400, 'commit_hash+distro_hash+extended_hash combination not found');
          if (commit.flags & 2) throw new DlrnApiError(410, 'commit_hash+distro_hash+extended_hash has been purged, cannot promote it');
          const link = labelLink(commit, t.useComponents);
          const base = path.join(reposDir, link.baseDir);
          if (await isPlainEntry(path.join(base, item.promoteName))) throw new DlrnApiError(403, `Invalid promote_name ${item.promoteName}`);
          plans.push({ item, commit, link, base });
        }
      } catch (err) {
        if (err instanceof DlrnApiError) return { ok: false, status: err.status, message: err.message };
        throw err;
      }

      const moved: Moved[] = [];
      // A batch and a single promotion of one label run in different workflows: their temporary links must not meet.
      const tmp = `_${randomBytes(4).toString('hex')}`;
      try {
        for (const { item, link, base } of plans) {
          await mkdir(base, { recursive: true });
          const labelPath = path.join(base, item.promoteName);
          const before = await readLink(labelPath);
          moved.push({ link: labelPath, before });
          await atomicSymlink(link.target, labelPath, tmp);
          if (before !== null && before !== link.target) {
            const previousPath = path.join(base, previousLabelName(item.promoteName));
            moved.push({ link: previousPath, before: await readLink(previousPath) });
            await atomicSymlink(before, previousPath, tmp);
          }
        }
        const last = plans[plans.length - 1];
        const aggregateHash = t.useComponents
          ? (await aggregateComponentRepos(deps, req.trunk, [last.item.promoteName]))[last.item.promoteName]
          : null;
        const timestamp = Math.floor(Date.now() / 1000);
        await withTransaction(deps.pool, async (client) => {
          for (const [i, { item, commit }] of plans.entries()) {
            await insertPromotion(client, {
              commitId: commit.id, promotionName: item.promoteName, timestamp, user: req.user, component: commit.component,
              aggregateHash: !req.batch || i === plans.length - 1 ? aggregateHash : null,
            });
          }
        });
        const c = last.commit;
        return {
          ok: true,
          body: {
            commit_hash: c.commitHash, distro_hash: c.distroHash, extended_hash: c.extendedHash, repo_hash: repoHash(c.commitHash, c.distroHash),
            repo_url: repoUrl(trunkBaseurl(deps.config, t), c), promote_name: last.item.promoteName, component: c.component,
            timestamp, user: req.user, aggregate_hash: aggregateHash,
          },
        };
      } catch (err) {
        await rollback(moved, tmp);
        // The error's code only: DLRN's message reveals the repo's absolute path.
        const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message.replaceAll(reposDir, '<repos>');
        const rolledBack = req.batch ? '. All previously created symlinks have been rolled back.' : '';
        return { ok: false, status: 500, message: `Symlink creation failed with error: ${reason}${rolledBack}` };
      }
    },
  };
}

export type PromoteActivities = ReturnType<typeof createPromoteActivities>;
