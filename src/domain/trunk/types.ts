/**
 * Row shapes shared by the trunk domain modules. Field names are the camelCase
 * spelling of DLRN's `commits` columns (`commit_hash` → `commitHash`, ...).
 */

/** Stored build statuses (`NO_BUILD` is only ever a display value in DLRN). */
export type BuildStatus = 'SUCCESS' | 'FAILED' | 'RETRY';

/** Build type; DLRN only implements `rpm` (`container` raises NotImplementedError). */
export type CommitType = 'rpm' | 'container';

/** The columns of one `commits` row that the selection / status logic reads. */
export interface CommitRow {
  /** Autoincrement primary key; "latest" always means highest id in DLRN. */
  id: number;
  type: CommitType | string;
  status: BuildStatus | string;
  projectName: string;
  commitHash: string;
  distroHash: string;
  extendedHash: string | null;
  /** Source commit time, epoch seconds (`%ct`). */
  dtCommit: number;
  /** Build start time, epoch seconds. */
  dtBuild?: number | null;
  /** Source branch actually checked out (after any fallback). */
  commitBranch?: string | null;
  component?: string | null;
  /** Comma-separated `repos/<sharded>/<file>.rpm` list (DLRN `artifacts`, synonym `rpms`). */
  artifacts?: string | null;
}

/** Every column of DLRN's `commits` table (what commit.yaml carries). */
export interface CommitRecord extends CommitRow {
  dtDistro: number | string | null;
  dtExtended: number | string | null;
  repoDir: string | null;
  distgitDir: string | null;
  notes: string | null;
  flags: number | null;
  versionsCsv: string | null;
}

/** A package as listed by the package-info driver (rdoinfo). */
export interface PackageInfo {
  name: string;
  upstream?: string;
  'master-distgit'?: string;
  /**
   * Component. Note DLRN distinguishes "key absent" (undefined here) from a
   * set value when filtering by component.
   */
  component?: string | null;
  'source-branch'?: string;
  'distro-branch'?: string;
}
