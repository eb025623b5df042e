/** Imports a DLRN database (SQLite file or MySQL/MariaDB URL) into trunkflow's PostgreSQL, rows unchanged, in one transaction. */
import * as fs from 'node:fs';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from './pool';

/** A fault in the source database or a clash with rows already imported: nothing was written. */
export class DlrnImportError extends Error {}

type Kind = 'int' | 'bool' | 'text';
interface ColumnSpec { name: string; kind: Kind; max?: number; notNull?: boolean }
interface TableSpec { table: string; key: string; columns: ColumnSpec[]; required?: boolean }

const int = (name: string, notNull = false): ColumnSpec => ({ name, kind: 'int', notNull });
const bool = (name: string): ColumnSpec => ({ name, kind: 'bool' });
const text = (name: string, max?: number, notNull = false): ColumnSpec => ({ name, kind: 'text', max, notNull });

/** DLRN's tables (dlrn/db.py), in an order that satisfies its foreign keys; NOT NULL only where DLRN has it. */
const DLRN_TABLES: TableSpec[] = [
  { table: 'users', key: 'username', columns: [text('username', 255, true), text('password', 256, true)] },
  {
    table: 'commits', key: 'id', required: true, columns: [
      int('id', true), text('type', 18), int('dt_commit'), int('dt_distro'), int('dt_extended'), int('dt_build'),
      text('project_name', 256), text('repo_dir', 1024), text('distgit_dir', 1024), text('commit_hash', 64),
      text('distro_hash', 64), text('extended_hash', 128), text('commit_branch', 256), text('status', 64),
      text('component', 64), text('artifacts'), text('notes'), int('flags'), text('versions_csv', 256),
    ],
  },
  { table: 'projects', key: 'id', columns: [int('id', true), text('project_name', 256), int('last_email')] },
  {
    table: 'civotes', key: 'id', columns: [
      int('id', true), int('commit_id', true), text('ci_name', 256), text('ci_url', 1024), bool('ci_vote'),
      bool('ci_in_progress'), int('timestamp'), text('notes'), text('user', 255), text('component', 64),
    ],
  },
  {
    table: 'civotes_agg', key: 'id', columns: [
      int('id', true), text('ref_hash', 64, true), text('ci_name', 256), text('ci_url', 1024), bool('ci_vote'),
      bool('ci_in_progress'), int('timestamp'), text('notes'), text('user', 255),
    ],
  },
  {
    table: 'promotions', key: 'id', columns: [
      int('id', true), int('commit_id', true), text('promotion_name', 256, true), int('timestamp', true),
      text('user', 255), text('component', 64), text('aggregate_hash', 64),
    ],
  },
];

/** Foreign keys DLRN declares (SQLite never enforced them, so they are checked here, naming the row). */
const REFERENCES: Array<{ table: string; column: string; target: string; targetKey: string }> = [
  { table: 'civotes', column: 'commit_id', target: 'commits', targetKey: 'id' },
  { table: 'civotes', column: 'user', target: 'users', targetKey: 'username' },
  { table: 'civotes_agg', column: 'user', target: 'users', targetKey: 'username' },
  { table: 'promotions', column: 'commit_id', target: 'commits', targetKey: 'id' },
  { table: 'promotions', column: 'user', target: 'users', targetKey: 'username' },
];

/** DLRN's own bookkeeping tables, not data. */
const IGNORED_SOURCE_TABLES = new Set(['alembic_version', 'sqlite_sequence']);

type Value = string | number | boolean | null;
type Row = Record<string, Value>;

/** A DLRN database opened for reading: each table's column names and rows. */
interface SourceTables {
  tables: Map<string, { columns: string[]; rows: Array<Record<string, unknown>> }>;
}

export interface ImportSummary {
  source: string;
  tables: Array<{ table: string; rows: number; inserted: number; alreadyPresent: number }>;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The source is a MySQL/MariaDB URL (mysql://, mariadb://, mysql+pymysql:// as DLRN writes it) or a SQLite file. */
export function isMysqlUrl(source: string): boolean {
  return /^(mysql|mariadb)(\+\w+)?:\/\//i.test(source);
}

async function readSqlite(file: string): Promise<SourceTables> {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw new DlrnImportError(`${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!bytes.subarray(0, 16).equals(Buffer.from('SQLite format 3\0', 'latin1'))) {
    throw new DlrnImportError(`${file}: not a SQLite database`);
  }
  const initSqlJs = (await import('sql.js')).default;
  const SQL = await initSqlJs();
  const db = new SQL.Database(bytes);
  try {
    const tables = new Map<string, { columns: string[]; rows: Array<Record<string, unknown>> }>();
    const names = db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values.map((v) => String(v[0])) ?? [];
    for (const name of names) {
      const columns = db.exec(`PRAGMA table_info("${name.replace(/"/g, '""')}")`)[0]?.values.map((v) => String(v[1])) ?? [];
      const rows: Array<Record<string, unknown>> = [];
      const stmt = db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`);
      const names = stmt.getColumnNames();
      while (stmt.step()) {
        const values = stmt.get();
        const row: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
        rows.push(row);
      }
      stmt.free();
      tables.set(name, { columns, rows });
    }
    return { tables };
  } catch (err) {
    throw new DlrnImportError(`${file}: cannot read the database: ${(err as Error).message}`);
  } finally {
    db.close();
  }
}

async function readMysql(url: string): Promise<SourceTables> {
  const mysql = await import('mysql2/promise');
  const parsed = new URL(url.replace(/^(mysql|mariadb)(\+\w+)?:/i, 'mysql:'));
  const shown = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  let conn: import('mysql2/promise').Connection;
  try {
    conn = await mysql.createConnection({
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 3306,
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
      supportBigNumbers: true,
      bigNumberStrings: true,
      charset: 'utf8mb4',
    });
  } catch (err) {
    throw new DlrnImportError(`${shown}: cannot connect: ${(err as Error).message}`);
  }
  try {
    // One consistent snapshot of every table, as the import is one transaction on the other side.
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const tables = new Map<string, { columns: string[]; rows: Array<Record<string, unknown>> }>();
    const [list] = await conn.query('SHOW TABLES');
    for (const entry of list as Array<Record<string, string>>) {
      const name = Object.values(entry)[0]!;
      const [cols] = await conn.query(`SHOW COLUMNS FROM \`${name.replace(/`/g, '``')}\``);
      const [rows] = await conn.query(`SELECT * FROM \`${name.replace(/`/g, '``')}\``);
      tables.set(name, { columns: (cols as Array<{ Field: string }>).map((c) => c.Field), rows: rows as Array<Record<string, unknown>> });
    }
    await conn.query('COMMIT');
    return { tables };
  } catch (err) {
    throw new DlrnImportError(`${shown}: cannot read the database: ${(err as Error).message}`);
  } finally {
    await conn.end().catch(() => undefined);
  }
}

function rowName(spec: TableSpec, row: Record<string, unknown>): string {
  return `${spec.table} row ${spec.key}=${JSON.stringify(row[spec.key] ?? null)}`;
}

/** One source value as DLRN's column type holds it, or an error naming the row and column. */
function convert(spec: TableSpec, col: ColumnSpec, row: Record<string, unknown>, where: string): Value {
  let v = row[col.name];
  if (v instanceof Uint8Array) v = Buffer.from(v).toString('utf8');
  const fault = (why: string) => new DlrnImportError(`${where}: ${rowName(spec, row)}: column ${col.name}: ${why}`);
  if (v === null || v === undefined) {
    if (col.notNull) throw fault('is NULL, which DLRN does not allow');
    return null;
  }
  switch (col.kind) {
    case 'int': {
      const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n)) throw fault(`expected an integer, got ${JSON.stringify(String(v)).slice(0, 80)}`);
      if (n < INT32_MIN || n > INT32_MAX) throw fault(`${String(v)} is outside the integer range`);
      return n;
    }
    case 'bool': {
      if (typeof v === 'boolean') return v;
      if (v === 0 || v === 1 || v === '0' || v === '1') return Number(v) === 1;
      throw fault(`expected a boolean (0 or 1), got ${JSON.stringify(String(v)).slice(0, 80)}`);
    }
    case 'text': {
      const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : null;
      if (s === null) throw fault(`expected text, got ${typeof v}`);
      if (s.includes('\0')) throw fault('contains a NUL character');
      if (col.max !== undefined && [...s].length > col.max) throw fault(`is ${[...s].length} characters long, more than DLRN's ${col.max}`);
      return s;
    }
  }
}

/** Checks and converts every row of every DLRN table; throws on the first fault, before anything is written. */
function convertAll(source: SourceTables, where: string): Map<string, Row[]> {
  const known = new Set(DLRN_TABLES.map((t) => t.table));
  const unknownTables = [...source.tables.keys()].filter((t) => !known.has(t) && !IGNORED_SOURCE_TABLES.has(t));
  if (!source.tables.has('commits')) throw new DlrnImportError(`${where}: no commits table: not a DLRN database`);
  if (unknownTables.length) throw new DlrnImportError(`${where}: tables DLRN does not have: ${unknownTables.join(', ')}`);
  const out = new Map<string, Row[]>();
  for (const spec of DLRN_TABLES) {
    const table = source.tables.get(spec.table);
    if (!table) { out.set(spec.table, []); continue; }
    const expected = new Set(spec.columns.map((c) => c.name));
    const extra = table.columns.filter((c) => !expected.has(c));
    if (extra.length) throw new DlrnImportError(`${where}: table ${spec.table}: columns DLRN does not have: ${extra.join(', ')}`);
    if (!table.columns.includes(spec.key)) throw new DlrnImportError(`${where}: table ${spec.table}: no ${spec.key} column`);
    const present = spec.columns.filter((c) => table.columns.includes(c.name));
    const seen = new Set<Value>();
    out.set(spec.table, table.rows.map((raw) => {
      const row: Row = {};
      for (const col of present) row[col.name] = convert(spec, col, raw, where);
      if (seen.has(row[spec.key]!)) throw new DlrnImportError(`${where}: ${rowName(spec, raw)} appears twice`);
      seen.add(row[spec.key]!);
      return row;
    }));
  }
  return out;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Columns of a trunkflow table that a DLRN database has no counterpart for and that name the trunk. */
async function trunkColumns(client: PoolClient, table: string): Promise<boolean> {
  const { rows } = await client.query(
    "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'trunk'", [table]);
  return rows.length > 0;
}

async function checkReferences(client: PoolClient, data: Map<string, Row[]>, where: string): Promise<void> {
  for (const ref of REFERENCES) {
    const targetSpec = DLRN_TABLES.find((t) => t.table === ref.target)!;
    const inSource = new Set((data.get(ref.target) ?? []).map((r) => r[ref.targetKey]));
    const missing = new Map<Value, Row>();
    for (const row of data.get(ref.table) ?? []) {
      const v = row[ref.column];
      if (v !== null && v !== undefined && !inSource.has(v) && !missing.has(v)) missing.set(v, row);
    }
    if (!missing.size) continue;
    const { rows } = await client.query(`SELECT ${q(ref.targetKey)} AS k FROM ${q(ref.target)} WHERE ${q(ref.targetKey)} = ANY($1)`, [[...missing.keys()]]);
    for (const r of rows) missing.delete(r.k as Value);
    const first = missing.entries().next();
    if (!first.done) {
      const [value, row] = first.value;
      const spec = DLRN_TABLES.find((t) => t.table === ref.table)!;
      throw new DlrnImportError(`${where}: ${rowName(spec, row)}: column ${ref.column}: ${targetSpec.table} has no ${ref.targetKey}=${JSON.stringify(value)}`
        + (missing.size > 1 ? ` (and ${missing.size - 1} more missing)` : ''));
    }
  }
}

function same(a: unknown, b: Value): boolean {
  return a === b || (a !== null && b !== null && String(a) === String(b));
}

/** Inserts the rows of one table; rows already there must be identical (re-running an import changes nothing). */
async function importTable(client: PoolClient, spec: TableSpec, rows: Row[], trunk: string, where: string) {
  if (!rows.length) return { inserted: 0, alreadyPresent: 0 };
  const withTrunk = await trunkColumns(client, spec.table);
  const columns = Object.keys(rows[0]!);
  const all = withTrunk ? [...columns, 'trunk'] : columns;
  const inserted = new Set<Value>();
  // One array parameter per column (unnest): far cheaper for PostgreSQL to parse and plan than row VALUES.
  const types = all.map((c) => (c === 'trunk' ? 'text' : ({ int: 'int4', bool: 'bool', text: 'text' } as const)[spec.columns.find((x) => x.name === c)!.kind]));
  for (let i = 0; i < rows.length; i += 10_000) {
    const chunk = rows.slice(i, i + 10_000);
    const params = all.map((c) => (c === 'trunk' ? chunk.map(() => trunk) : chunk.map((r) => r[c]!)));
    const { rows: ins } = await client.query(
      `INSERT INTO ${q(spec.table)} (${all.map(q).join(', ')})
       SELECT * FROM unnest(${types.map((t, j) => `$${j + 1}::${t}[]`).join(', ')})
       ON CONFLICT DO NOTHING RETURNING ${q(spec.key)} AS k`, params);
    for (const r of ins) inserted.add(r.k as Value);
  }
  const skipped = rows.filter((r) => !inserted.has(r[spec.key]!));
  if (skipped.length) {
    const { rows: existing } = await client.query(
      `SELECT ${all.map(q).join(', ')} FROM ${q(spec.table)} WHERE ${q(spec.key)} = ANY($1)`, [skipped.map((r) => r[spec.key])]);
    const byKey = new Map(existing.map((e: Record<string, unknown>) => [String(e[spec.key]), e]));
    for (const r of skipped) {
      const e = byKey.get(String(r[spec.key]));
      if (!e) {
        throw new DlrnImportError(`${where}: ${rowName(spec, r)} clashes with a different ${spec.table} row already in the database`
          + (spec.table === 'projects' ? ` (project_name ${JSON.stringify(r.project_name)} exists under another id)` : ''));
      }
      if (withTrunk && e.trunk !== trunk) {
        throw new DlrnImportError(`${where}: ${rowName(spec, r)} already exists for trunk ${JSON.stringify(e.trunk)}, not ${JSON.stringify(trunk)}`);
      }
      const differs = columns.find((c) => !same(e[c], r[c]!));
      if (differs) {
        throw new DlrnImportError(`${where}: ${rowName(spec, r)} differs from the row already in the database (column ${differs}: ${JSON.stringify(e[differs])} there, ${JSON.stringify(r[differs])} here)`);
      }
    }
  }
  return { inserted: inserted.size, alreadyPresent: skipped.length };
}

/** Moves a serial's sequence past the highest id, never backwards (so a re-run leaves it as it is). */
async function advanceSequence(client: PoolClient, table: string): Promise<void> {
  const { rows } = await client.query<{ seq: string | null }>("SELECT pg_get_serial_sequence($1, 'id') AS seq", [table]);
  const seq = rows[0]?.seq;
  if (!seq) return;
  await client.query(
    `SELECT setval($1::regclass, m) FROM (SELECT MAX(id) AS m FROM ${q(table)}) x, ${seq} s
     WHERE m IS NOT NULL AND (m > s.last_value OR NOT s.is_called)`, [seq]);
}

/** Reads a DLRN database (SQLite file or MySQL URL) and imports it into the given trunk, all or nothing. */
export async function importDlrnDatabase(pool: Pool, source: string, trunk: string): Promise<ImportSummary> {
  const mysql = isMysqlUrl(source);
  const where = mysql ? source.replace(/\/\/[^@/]*@/, '//') : source;
  const data = convertAll(mysql ? await readMysql(source) : await readSqlite(source), where);
  return withTransaction(pool, async (client) => {
    // Imports of one database at a time: two at once would race on the same ids.
    await client.query('SELECT pg_advisory_xact_lock(7233017)');
    await checkReferences(client, data, where);
    const tables: ImportSummary['tables'] = [];
    for (const spec of DLRN_TABLES) {
      const rows = data.get(spec.table) ?? [];
      const result = await importTable(client, spec, rows, trunk, where);
      if (spec.key === 'id') await advanceSequence(client, spec.table);
      tables.push({ table: spec.table, rows: rows.length, ...result });
    }
    return { source: where, tables };
  });
}
