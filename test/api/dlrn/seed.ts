/** A small DLRN database for the API tests: users, builds of two trunks, votes, promotions and aggregate votes. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Pool } from 'pg';
import { sha512Crypt } from '../../../src/api/dlrn/passwords';

const hex = (prefix: string) => prefix.padEnd(40, '0');
export const C = {
  foo: { commit: hex('c1'), distro: hex('d1') },
  bar: { commit: hex('c2'), distro: hex('d2'), extended: hex('e2') },
  failed: { commit: hex('c3'), distro: hex('d3') },
  purged: { commit: hex('c4'), distro: hex('d4') },
  other: { commit: hex('c5'), distro: hex('d5') },
};
export const USER = { name: 'foo', password: 'bar' };
export const basic = (user = USER.name, password = USER.password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Trunks `main` (first, also at /api; or the name given) and `other`, with a private data dir. */
export function trunkOverrides(main = 'main', options: Record<string, unknown> = {}): Record<string, unknown> {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-dlrn-api-'));
  return {
    paths: { data },
    http: { port: 0, publicUrl: 'http://trunk.example.test' },
    trunks: [{ name: main, release: 'flamingo', baseurl: `http://trunk.example.test/${main}`, ...options }, { name: 'other', release: 'flamingo' }],
  };
}

/** Seeds the database; `main` names the first trunk (tests that start workflows use a name of their own). */
export async function seed(pool: Pool, main = 'main'): Promise<Record<string, number>> {
  // Few rounds keep the tests quick; the 656,000-round hashes DLRN writes are tested on their own.
  await pool.query('INSERT INTO users (username, password) VALUES ($1, $2)', [USER.name, sha512Crypt(USER.password, 'foosalt', 1000)]);
  const commit = async (trunk: string, project: string, h: { commit: string; distro: string; extended?: string }, status: string, extra: { component?: string; flags?: number; dtBuild: number }) => {
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO commits (trunk, project_name, commit_hash, distro_hash, extended_hash, status, component, flags, dt_build, dt_commit)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
      [trunk, project, h.commit, h.distro, h.extended ?? null, status, extra.component ?? null, extra.flags ?? 0, extra.dtBuild]);
    return rows[0].id;
  };
  const ids = {
    foo: await commit(main, 'python-foo', C.foo, 'SUCCESS', { dtBuild: 1_700_000_000 }),
    bar: await commit(main, 'python-bar', C.bar, 'SUCCESS', { component: 'tripleo', dtBuild: 1_700_050_000 }),
    failed: await commit(main, 'python-foo', C.failed, 'FAILED', { dtBuild: 1_700_086_400 }),
    purged: await commit(main, 'python-baz', C.purged, 'SUCCESS', { flags: 2, dtBuild: 1_700_090_000 }),
    other: await commit('other', 'python-foo', C.other, 'SUCCESS', { dtBuild: 1_700_000_000 }),
  };
  const vote = (commitId: number, ci: string, ok: boolean, ts: number, component: string | null = null) => pool.query(
    `INSERT INTO civotes (commit_id, ci_name, ci_url, ci_vote, ci_in_progress, timestamp, notes, "user", component)
     VALUES ($1, $2, $6, $3, false, $4, '', 'foo', $5)`, [commitId, ci, ok, ts, component, `http://ci.example.test/${ci}`]);
  await vote(ids.foo, 'job-a', true, 1_700_000_100);
  await vote(ids.foo, 'consistent', true, 1_700_000_200);
  await vote(ids.bar, 'job-b', false, 1_700_000_300, 'tripleo');
  // A vote on a FAILED build: DLRN's last_tested_repo fails with a 500 when it picks it.
  await vote(ids.failed, 'job-c', true, 1_700_000_400);
  await vote(ids.other, 'job-a', true, 1_700_000_900);
  await pool.query(`INSERT INTO promotions (commit_id, promotion_name, timestamp, "user", component, aggregate_hash)
    VALUES ($1, 'tested', 1700000500, 'foo', NULL, 'agg1'), ($2, 'tripleo-ci-testing', 1700000600, 'foo', 'tripleo', NULL),
           ($3, 'tested', 1700000700, 'foo', 'elsewhere', NULL)`, [ids.foo, ids.bar, ids.other]);
  await pool.query(`INSERT INTO civotes_agg (trunk, ref_hash, ci_name, ci_url, ci_vote, ci_in_progress, timestamp, notes, "user")
    VALUES ($1, 'agg1', 'agg-job', 'http://ci.example.test/agg', true, false, 1700000800, 'n', 'foo')`, [main]);
  return ids;
}
