import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import initSqlJs from 'sql.js';
import { PROJECT_ROOT } from '../../src/config';
import { importDlrnDatabase } from '../../src/db/dlrn-import';
import { seedFixtureDb } from '../support/dlrn-oracle';
import { startMariaDb, type MariaDb } from '../support/mariadb';
import { isolatedStack, SHARED_RDOINFO, type IsolatedStack } from '../support/stack';

const TABLES = ['users', 'commits', 'projects', 'civotes', 'civotes_agg', 'promotions'];

/** Every row of the DLRN tables, as text, to see that nothing moved. */
async function snapshot(stack: IsolatedStack): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const t of TABLES) {
    const { rows } = await stack.pool.query(`SELECT row_to_json(x)::text AS j FROM ${t} x ORDER BY 1`);
    out[t] = rows.map((r) => r.j as string);
  }
  const { rows } = await stack.pool.query("SELECT last_value FROM commits_id_seq");
  out.commits_id_seq = [String(rows[0].last_value)];
  return out;
}

/** Reads every row of a DLRN table straight from the SQLite file (the import's expected output). */
async function sqliteRows(file: string, table: string): Promise<Array<Record<string, unknown>>> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(fs.readFileSync(file));
  const stmt = db.prepare(`SELECT * FROM ${table} ORDER BY 1`);
  const rows: Array<Record<string, unknown>> = [];
  while (stmt.step()) rows.push(stmt.getAsObject());
  stmt.free();
  db.close();
  return rows;
}

/** A copy of the fixture database with some SQL applied (bad input for the import). */
async function alteredCopy(file: string, sql: string): Promise<string> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(fs.readFileSync(file));
  db.exec(sql);
  const copy = path.join(path.dirname(file), `altered-${Math.random().toString(16).slice(2)}.sqlite`);
  fs.writeFileSync(copy, Buffer.from(db.export()));
  db.close();
  return copy;
}

describe('importing a DLRN database', () => {
  let stack: IsolatedStack;
  let dir: string;
  let fixture: string;
  beforeAll(async () => {
    stack = await isolatedStack();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-dlrn-import-'));
    fixture = path.join(dir, 'dlrn.sqlite');
    // DLRN's own API test fixtures, loaded by DLRN's own code into DLRN's own schema.
    seedFixtureDb(fixture, [{ username: 'ci', password: 'secret' }]);
  }, 300_000);
  afterAll(async () => {
    await stack?.teardown();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects bad input naming the row and column, writing nothing', async () => {
    const cases: Array<[string, RegExp]> = [
      ["UPDATE commits SET dt_build = 'yesterday' WHERE id = 5627", /commits row id=5627: column dt_build: expected an integer, got "yesterday"/],
      ['UPDATE civotes SET commit_id = 999999 WHERE id = 3', /civotes row id=3: column commit_id: commits has no id=999999/],
      ["UPDATE promotions SET user = 'ghost' WHERE id = 1", /promotions row id=1: column user: users has no username="ghost"/],
      ['UPDATE civotes SET ci_vote = 7 WHERE id = 2', /civotes row id=2: column ci_vote: expected a boolean/],
      [// CREATE TABLE AS keeps no constraints: a hand-edited database may hold what DLRN forbids.
        'CREATE TABLE p2 AS SELECT * FROM promotions; DROP TABLE promotions; ALTER TABLE p2 RENAME TO promotions; UPDATE promotions SET promotion_name = NULL WHERE id = 4', /promotions row id=4: column promotion_name: is NULL/],
      [`UPDATE commits SET commit_hash = '${'f'.repeat(65)}' WHERE id = 5654`, /commits row id=5654: column commit_hash: is 65 characters long, more than DLRN's 64/],
      ['UPDATE commits SET dt_build = 99999999999 WHERE id = 5654', /commits row id=5654: column dt_build: 99999999999 is outside the integer range/],
      ['ALTER TABLE commits ADD COLUMN surprise TEXT', /table commits: columns DLRN does not have: surprise/],
      ['DROP TABLE commits', /no commits table: not a DLRN database/],
    ];
    const before = await snapshot(stack);
    for (const [sql, message] of cases) {
      const bad = await alteredCopy(fixture, sql);
      await expect(importDlrnDatabase(stack.pool, bad, 'demo')).rejects.toThrow(message);
    }
    const notSqlite = path.join(dir, 'not.sqlite');
    fs.writeFileSync(notSqlite, 'commits\n');
    await expect(importDlrnDatabase(stack.pool, notSqlite, 'demo')).rejects.toThrow(`${notSqlite}: not a SQLite database`);
    await expect(importDlrnDatabase(stack.pool, path.join(dir, 'missing.sqlite'), 'demo')).rejects.toThrow(/missing\.sqlite: cannot read: ENOENT/);
    expect(await snapshot(stack)).toEqual(before);
  });

  it('loads every row unchanged, with NULLs kept, the trunk set and the sequences moved past the ids', async () => {
    const summary = await importDlrnDatabase(stack.pool, fixture, 'demo');
    for (const table of TABLES) {
      const source = await sqliteRows(fixture, table);
      expect(summary.tables.find((t) => t.table === table)).toMatchObject({ rows: source.length, inserted: source.length, alreadyPresent: 0 });
      const key = table === 'users' ? 'username' : 'id';
      const { rows } = await stack.pool.query(`SELECT * FROM ${table} ORDER BY ${key === 'id' ? 'id' : 'username'}`);
      const sorted = [...source].sort((a, b) => (key === 'id' ? Number(a.id) - Number(b.id) : String(a[key]).localeCompare(String(b[key]))));
      expect(rows).toHaveLength(sorted.length);
      rows.forEach((row: Record<string, unknown>, i: number) => {
        for (const [column, value] of Object.entries(sorted[i]!)) {
          const expected = typeof row[column] === 'boolean' && value !== null ? value === 1 : value;
          expect([table, row[key], column, row[column]]).toEqual([table, row[key], column, expected]);
        }
      });
    }
    const { rows: trunks } = await stack.pool.query('SELECT DISTINCT trunk FROM commits');
    expect(trunks).toEqual([{ trunk: 'demo' }]);
    // The fixtures' NULLs: a vote and a promotion without a user, a promotion without an aggregate hash.
    const { rows: nulls } = await stack.pool.query(`SELECT
      (SELECT "user" FROM civotes WHERE id = 4) AS vote_user,
      (SELECT "user" FROM promotions WHERE id = 2) AS promotion_user,
      (SELECT aggregate_hash FROM promotions WHERE id = 2) AS promotion_agg,
      (SELECT extended_hash FROM commits WHERE id = 5627) AS extended`);
    expect(nulls[0]).toEqual({ vote_user: null, promotion_user: null, promotion_agg: null, extended: null });
    // DLRN's stored sha512_crypt hashes move as they are.
    const { rows: users } = await stack.pool.query("SELECT password FROM users WHERE username = 'foo'");
    expect(users[0].password).toMatch(/^\$6\$rounds=656000\$/);
    // New rows get ids past the imported ones.
    const maxId = Math.max(...(await sqliteRows(fixture, 'commits')).map((r) => Number(r.id)));
    const { rows: next } = await stack.pool.query(
      "INSERT INTO commits (project_name, trunk) VALUES ('x', 'demo') RETURNING id");
    expect(next[0].id).toBe(maxId + 1);
    await stack.pool.query('DELETE FROM commits WHERE id = $1', [next[0].id]);
  });

  it('changes nothing when run again, and refuses a source that contradicts what was imported', async () => {
    const before = await snapshot(stack);
    const again = await importDlrnDatabase(stack.pool, fixture, 'demo');
    expect(again.tables.every((t) => t.inserted === 0 && t.alreadyPresent === t.rows)).toBe(true);
    expect(await snapshot(stack)).toEqual(before);

    const changed = await alteredCopy(fixture, "UPDATE civotes SET notes = 'edited' WHERE id = 5; INSERT INTO users VALUES ('newbie', 'x')");
    await expect(importDlrnDatabase(stack.pool, changed, 'demo')).rejects.toThrow(
      /civotes row id=5 differs from the row already in the database \(column notes: "" there, "edited" here\)/);
    await expect(importDlrnDatabase(stack.pool, fixture, 'other')).rejects.toThrow(/commits row id=\d+ already exists for trunk "demo", not "other"/);
    expect(await snapshot(stack)).toEqual(before);
  });

  it('runs as `trunkflow import dlrn-db` and names the fault in one line', async () => {
    const commits = (await sqliteRows(fixture, 'commits')).length;
    const cli = (args: string[]) => spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'trunkflow.js'), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: stack.config.database.url, TRUNKFLOW_RDOINFO: SHARED_RDOINFO },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const ok = cli(['import', 'dlrn-db', fixture, '--trunk', 'demo']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^commits\\s+${commits} rows: 0 imported, ${commits} already there$`, 'm'));
    const unknownTrunk = cli(['import', 'dlrn-db', fixture, '--trunk', 'nosuch']);
    expect(unknownTrunk.status).toBe(1);
    expect(unknownTrunk.stderr).toContain('unknown trunk "nosuch"');
    const missing = cli(['import', 'dlrn-db', path.join(dir, 'nope.sqlite'), '--trunk', 'demo']);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain('nope.sqlite: cannot read: ENOENT; nothing was imported');
  });
});

describe('importing a DLRN database from MariaDB', () => {
  let fromSqlite: IsolatedStack;
  let fromMysql: IsolatedStack;
  let mariadb: MariaDb;
  let dir: string;
  beforeAll(async () => {
    [fromSqlite, fromMysql] = [await isolatedStack(), await isolatedStack()];
    mariadb = await startMariaDb();
    mariadb.query('CREATE DATABASE dlrn CHARACTER SET utf8mb4');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-dlrn-import-mysql-'));
    // The same fixtures, written by DLRN itself into each kind of database.
    seedFixtureDb(mariadb.url('dlrn').replace(/^mysql:/, 'mysql+pymysql:'));
    seedFixtureDb(path.join(dir, 'dlrn.sqlite'));
  }, 300_000);
  afterAll(async () => {
    await mariadb?.stop();
    await fromSqlite?.teardown();
    await fromMysql?.teardown();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same rows as the SQLite import of the same data, and names a bad row', async () => {
    await importDlrnDatabase(fromSqlite.pool, path.join(dir, 'dlrn.sqlite'), 'demo');
    const summary = await importDlrnDatabase(fromMysql.pool, mariadb.url('dlrn'), 'demo');
    expect(summary.tables.find((t) => t.table === 'civotes')!.inserted).toBeGreaterThan(0);
    expect(await snapshot(fromMysql)).toEqual(await snapshot(fromSqlite));

    const before = await snapshot(fromMysql);
    mariadb.query("UPDATE dlrn.civotes SET ci_vote = 5 WHERE id = 2");
    await expect(importDlrnDatabase(fromMysql.pool, mariadb.url('dlrn'), 'demo')).rejects.toThrow(
      `mysql://127.0.0.1:${mariadb.port}/dlrn: civotes row id=2: column ci_vote: expected a boolean (0 or 1), got "5"`);
    await expect(importDlrnDatabase(fromMysql.pool, mariadb.url('nosuchdb'), 'demo')).rejects.toThrow(/nosuchdb: cannot connect: .*Unknown database/);
    expect(await snapshot(fromMysql)).toEqual(before);
  });
});
