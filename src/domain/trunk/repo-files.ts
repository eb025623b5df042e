/**
 * The small text files DLRN writes into a build's repo dir and the component
 * aggregates: versions.csv, `<reponame>.repo`, commit.yaml, and the
 * aggregated `<reponame>.repo` + md5 of `repos/<name>/`.
 */
import { inComponentScope, latestRowByProject } from './consistency';
import { dumpListOfStringMaps } from './pyyaml';
import type { CommitRecord, CommitRow, PackageInfo } from './types';

/** Header of every versions.csv DLRN writes (per build and aggregated). */
export const VERSIONS_CSV_HEADER =
  'Project,Source Repo,Source Sha,Dist Repo,Dist Sha,Status,Last Success Timestamp,Component,Extended Sha,Pkg NVR';

/** One versions.csv line. Null values print as `None`, as DLRN's `%s` does. */
export interface VersionsCsvRow {
  project: string;
  sourceRepo: string | null;
  sourceSha: string;
  distRepo: string | null;
  distSha: string | null;
  status: string;
  lastSuccessTimestamp: number | null;
  component: string | null;
  extendedSha: string | null;
  pkgNvr: string;
}

/** Python `str()` of a column value (None → `None`, True → `True`). */
export function pyStr(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

/**
 * One field with Python `csv` QUOTE_MINIMAL rules: quoted when it contains
 * the delimiter, the quote char or a line break (`\n`, and `\r` too, which
 * keeps the file readable by csv readers), inner quotes doubled.
 */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV line (Python csv with `lineterminator='\n'`). */
export function csvLine(fields: readonly string[]): string {
  // csv writes a lone empty field as "" so the row is not an empty line.
  if (fields.length === 1 && fields[0] === '') return '""\n';
  return fields.map(csvField).join(',') + '\n';
}

/**
 * versions.csv text: DLRN's header, then one line per row, `\n` endings.
 * For ordinary values (no commas/quotes/newlines) this is byte-identical to
 * DLRN's unquoted `"%s,%s,..." %` write; odd values get csv quoting instead of
 * corrupting the columns.
 */
export function versionsCsv(rows: readonly VersionsCsvRow[]): string {
  let out = VERSIONS_CSV_HEADER + '\n';
  for (const r of rows) {
    const ts = r.lastSuccessTimestamp === null ? 'None' : String(Math.trunc(r.lastSuccessTimestamp));
    out += csvLine([
      r.project,
      pyStr(r.sourceRepo),
      r.sourceSha,
      pyStr(r.distRepo),
      pyStr(r.distSha),
      r.status,
      ts,
      pyStr(r.component),
      pyStr(r.extendedSha),
      r.pkgNvr,
    ]);
  }
  return out;
}

/**
 * DLRN `getNVRfromlist`: the source package NVR, i.e. the basename of the
 * first `*.src.rpm` with everything from `.src.rpm` on removed; `''` if none.
 */
export function nvrFromArtifacts(artifacts: string | readonly string[] | null | undefined): string {
  if (!artifacts) return '';
  const list = typeof artifacts === 'string' ? artifacts.split(',') : artifacts;
  for (const a of list) {
    if (a.endsWith('.src.rpm')) {
      const base = a.split('/').pop() as string;
      return base.split('.src.rpm')[0];
    }
  }
  return '';
}

export interface BuildVersionsInput {
  /** The commit just built (its row, with the new dtBuild). */
  built: Pick<CommitRow, 'projectName' | 'type' | 'commitHash' | 'distroHash' | 'extendedHash' | 'component'> & {
    dtBuild: number;
  };
  /** Artifacts of the build just done (`repos/<dir>/<file>.rpm`). */
  builtRpms: readonly string[];
  packages: ReadonlyArray<Pick<PackageInfo, 'name' | 'upstream' | 'master-distgit' | 'component'>>;
  /** DB rows of the other packages (any status). */
  rows: readonly CommitRow[];
  useComponents?: boolean;
}

export interface BuildVersionsResult {
  rows: VersionsCsvRow[];
  /** The other packages' RPMs DLRN symlinks into this repo (their last SUCCESS). */
  symlinkArtifacts: string[];
  /** Same count as `consistency.computeFailures`. */
  failures: number;
}

/**
 * The rows `post_build_rpm` writes, in package-list order. For other packages
 * the hashes/NVR/timestamp come from their last SUCCESS (else their last row
 * of any status) while Status is their latest row's status (so a RETRY or
 * FAILED shows next to the last good hashes). Quirk kept from DLRN: the
 * Component column is the *built* commit's component on every line.
 */
export function buildVersionsCsvRows(input: BuildVersionsInput): BuildVersionsResult {
  const useComponents = input.useComponents ?? false;
  const type = input.built.type;
  const component = input.built.component ?? null;
  const out: VersionsCsvRow[] = [];
  const symlinkArtifacts: string[] = [];
  let failures = 0;
  const lastSuccessByProject = latestRowByProject(input.rows, { type, status: 'SUCCESS' });
  const lastByProject = latestRowByProject(input.rows, { type });
  for (const pkg of input.packages) {
    if (!inComponentScope(pkg, component, useComponents)) continue;
    if (pkg.name === input.built.projectName) {
      out.push({
        project: pkg.name,
        sourceRepo: pkg.upstream ?? '',
        sourceSha: input.built.commitHash,
        distRepo: pkg['master-distgit'] ?? null,
        distSha: input.built.distroHash,
        status: 'SUCCESS',
        lastSuccessTimestamp: input.built.dtBuild,
        component,
        extendedSha: input.built.extendedHash,
        pkgNvr: nvrFromArtifacts(input.builtRpms),
      });
      continue;
    }
    const lastSuccess = lastSuccessByProject.get(pkg.name) ?? null;
    const lastProcessed = lastByProject.get(pkg.name) ?? null;
    const last = lastSuccess ?? lastProcessed;
    if (lastSuccess?.artifacts) symlinkArtifacts.push(...lastSuccess.artifacts.split(','));
    if (!last || !lastProcessed) {
      failures++;
      continue;
    }
    out.push({
      project: pkg.name,
      sourceRepo: pkg.upstream ?? '',
      sourceSha: last.commitHash,
      distRepo: pkg['master-distgit'] ?? null,
      distSha: last.distroHash,
      status: lastProcessed.status,
      lastSuccessTimestamp: last.dtBuild ?? null,
      component,
      extendedSha: last.extendedHash,
      pkgNvr: nvrFromArtifacts(last.artifacts ?? null),
    });
    if (lastProcessed.status !== 'SUCCESS') failures++;
  }
  return { rows: out, symlinkArtifacts, failures };
}

export interface RepoFileInput {
  /** projects.ini `reponame` (`delorean` on RDO). */
  reponame: string;
  project: string;
  commitHash: string;
  /** projects.ini `baseurl`, used verbatim (no slash normalisation). */
  baseurl: string;
  /** `shardedCommitDir()` of the commit. */
  shardedDir: string;
  component?: string | null;
  /** projects.ini `use_components`; defaults to "a component is set". */
  useComponents?: boolean;
}

/** The `.repo` section id: `<reponame>` or `<reponame>-component-<c>`. */
export function repoId(reponame: string, component: string | null | undefined, useComponents: boolean): string {
  return useComponents ? `${reponame}-component-${pyStr(component)}` : reponame;
}

/** The `<reponame>.repo` DLRN writes into each successful build's dir. */
export function repoFileContent(input: RepoFileInput): string {
  const useComponents = input.useComponents ?? (input.component !== null && input.component !== undefined);
  return (
    `[${repoId(input.reponame, input.component, useComponents)}]\n` +
    `name=${input.reponame}-${input.project}-${input.commitHash}\n` +
    `baseurl=${input.baseurl}/${input.shardedDir}\n` +
    'enabled=1\n' +
    'gpgcheck=0\n' +
    'priority=1\n'
  );
}

/** MD5 of the UTF-8 bytes of a string, as lowercase hex (injected: domain code has no crypto). */
export type Md5Hasher = (text: string) => string;

/**
 * The components that get aggregated: those with at least one build in the
 * DB AND present in the package list, sorted.
 */
export function aggregateComponents(
  dbComponents: ReadonlyArray<string | null>,
  packages: ReadonlyArray<Pick<PackageInfo, 'component'>>,
): string[] {
  const inPkgs = new Set(packages.map((p) => p.component).filter((c): c is string => typeof c === 'string'));
  const out = new Set(dbComponents.filter((c): c is string => c !== null && inPkgs.has(c)));
  return [...out].sort();
}

export interface ComponentRepoFiles {
  component: string;
  /** `repos/component/<c>/<dirname>/<reponame>.repo`, null if missing. */
  repoText: string | null;
  /** `repos/component/<c>/<dirname>/versions.csv`, null if missing. */
  versionsCsvText: string | null;
}

export interface AggregateResult {
  /** Content of the aggregated `<reponame>.repo`. */
  repoContent: string;
  /** md5 hex of `repoContent`; also the whole content of `<reponame>.repo.md5` (no newline). */
  hash: string;
  /** Aggregated versions.csv: header + every component's data lines. */
  versionsCsv: string;
  /** `<md5[:2]>/<md5[2:4]>/<md5>`, under `repos/<dirname>/`. */
  hashedDir: string;
}

/** Python text-mode reading: `\r\n` and `\r` become `\n`. */
function universalNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** `readlines()[1:]`: every line but the first, endings kept. */
function linesAfterHeader(text: string): string {
  const idx = text.indexOf('\n');
  return idx === -1 ? '' : text.slice(idx + 1);
}

/**
 * DLRN `aggregate_repo_files`: concatenate the components' `.repo` files in
 * sorted component order, each followed by `\n`; md5 of that text names the
 * hashed dir. Components with no file contribute nothing.
 */
export function aggregateRepoFiles(entries: readonly ComponentRepoFiles[], md5: Md5Hasher): AggregateResult {
  const sorted = [...entries].sort((a, b) => (a.component < b.component ? -1 : a.component > b.component ? 1 : 0));
  let repoContent = '';
  let csvLines = '';
  for (const e of sorted) {
    if (e.repoText !== null) repoContent += universalNewlines(e.repoText) + '\n';
    if (e.versionsCsvText !== null) csvLines += linesAfterHeader(universalNewlines(e.versionsCsvText));
  }
  const hash = md5(repoContent);
  if (!/^[0-9a-f]{32}$/.test(hash)) {
    throw new Error(`md5 hasher must return 32 lowercase hex chars, got ${JSON.stringify(hash)}`);
  }
  return {
    repoContent,
    hash,
    versionsCsv: VERSIONS_CSV_HEADER + '\n' + csvLines,
    hashedDir: aggregateDir(hash),
  };
}

/** `<md5[:2]>/<md5[2:4]>/<md5>`. */
export function aggregateDir(md5: string): string {
  if (!/^[0-9a-f]{32}$/.test(md5)) throw new Error(`aggregate hash must be 32 lowercase hex chars, got ${JSON.stringify(md5)}`);
  return `${md5.slice(0, 2)}/${md5.slice(2, 4)}/${md5}`;
}

/** DLRN's `commits` columns in table order, with our field for each. */
export const COMMIT_COLUMNS: ReadonlyArray<readonly [string, keyof CommitRecord]> = [
  ['id', 'id'],
  ['type', 'type'],
  ['dt_commit', 'dtCommit'],
  ['dt_distro', 'dtDistro'],
  ['dt_extended', 'dtExtended'],
  ['dt_build', 'dtBuild'],
  ['project_name', 'projectName'],
  ['repo_dir', 'repoDir'],
  ['distgit_dir', 'distgitDir'],
  ['commit_hash', 'commitHash'],
  ['distro_hash', 'distroHash'],
  ['extended_hash', 'extendedHash'],
  ['commit_branch', 'commitBranch'],
  ['status', 'status'],
  ['component', 'component'],
  ['artifacts', 'artifacts'],
  ['notes', 'notes'],
  ['flags', 'flags'],
  ['versions_csv', 'versionsCsv'],
];

export interface CommitYamlOptions {
  /**
   * Print dt_commit as a Python float (`1700000000.0`). DLRN's own builds do
   * this (getinfo stores `float(%ct)` and the file is dumped before the
   * session reloads the row); imports use `float()`, so both load the same.
   */
  dtCommitAsFloat?: boolean;
}

/**
 * commit.yaml exactly as DLRN's `saveYAML_commit` dumps it:
 * `commits:` with one mapping of every column, keys sorted, every value
 * `str()`-ed (so None → `None`, numbers quoted as strings).
 */
export function commitYaml(commit: CommitRecord, opts: CommitYamlOptions = {}): string {
  const map: Record<string, string> = {};
  for (const [column, field] of COMMIT_COLUMNS) {
    const v = commit[field] as string | number | null | undefined;
    if (field === 'dtCommit' && opts.dtCommitAsFloat && typeof v === 'number' && Number.isInteger(v)) {
      map[column] = `${v}.0`;
    } else {
      map[column] = pyStr(v);
    }
  }
  return dumpListOfStringMaps('commits', [map]);
}
