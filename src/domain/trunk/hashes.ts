/**
 * The hash triple that names every trunk build, and the names derived from it:
 * DLRN's sharded repo directory, the API `repo_hash`, and our workflow id.
 *
 * Pure module: no I/O, no Node imports.
 */

/** Identity of one build: upstream source commit, distgit commit, optional extra. */
export interface HashTriple {
  /** Upstream source SHA (DLRN `commit_hash`). */
  commitHash: string;
  /** Distgit SHA (DLRN `distro_hash`). */
  distroHash: string;
  /**
   * DLRN `extended_hash`: null except for the downstream driver, which stores
   * `<downstream-distgit-sha>_<downstream-source-sha>` (81 chars).
   */
  extendedHash: string | null;
}

/** What DLRN's `Commit.getshardedcommitdir()` reads from a commit row. */
export interface ShardableCommit {
  commitHash: string;
  /** DLRN tolerates a missing distro hash (no `_<distro8>` suffix then). */
  distroHash?: string | null;
  extendedHash?: string | null;
  /**
   * Component name. DLRN adds the `component/<c>/` prefix whenever this is set,
   * even with `use_components=False`; the literal string `'None'` (what a
   * round-trip through commit.yaml produces) counts as unset.
   */
  component?: string | null;
}

/** Raised when a hash (or id part) does not have the expected shape. */
export class HashValidationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'HashValidationError';
  }
}

/** Accepted lengths of a full git object id: SHA-1 and SHA-256. */
export const SHA_LENGTHS: readonly number[] = [40, 64];

const HEX_RE = /^[0-9a-f]+$/;

/**
 * Throw a {@link HashValidationError} naming `field` unless `value` is a full
 * lowercase hex SHA (40 or 64 chars). Returns the value for chaining.
 */
export function assertHexSha(value: unknown, field: string): string {
  if (typeof value !== 'string') {
    throw new HashValidationError(field, `${field} must be a string, got ${value === null ? 'null' : typeof value}`);
  }
  if (value.length === 0) {
    throw new HashValidationError(field, `${field} must not be empty`);
  }
  if (!HEX_RE.test(value)) {
    const bad = [...value].find((ch) => !/[0-9a-f]/.test(ch)) ?? '';
    throw new HashValidationError(
      field,
      `${field} must be lowercase hexadecimal, found ${JSON.stringify(bad)} in ${JSON.stringify(value)}`,
    );
  }
  if (!SHA_LENGTHS.includes(value.length)) {
    throw new HashValidationError(
      field,
      `${field} must be a full SHA (40 or 64 hex chars), got ${value.length} chars: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/**
 * Validate an extended hash: either null, or one or two full SHAs joined by
 * `_` (the downstream driver's `<distgit-sha>_<source-sha>`).
 */
export function assertExtendedHash(value: unknown, field = 'extendedHash'): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || value.length === 0) {
    throw new HashValidationError(field, `${field} must be null or a non-empty string`);
  }
  const parts = value.split('_');
  if (parts.length > 2) {
    throw new HashValidationError(field, `${field} must be "<sha>" or "<sha>_<sha>", got ${parts.length} parts`);
  }
  parts.forEach((part, i) => assertHexSha(part, parts.length === 1 ? field : `${field}[${i}]`));
  return value;
}

/** Validate a whole triple; throws naming the first bad field. */
export function validateHashTriple(triple: HashTriple): HashTriple {
  assertHexSha(triple.commitHash, 'commitHash');
  assertHexSha(triple.distroHash, 'distroHash');
  assertExtendedHash(triple.extendedHash, 'extendedHash');
  return triple;
}

/** True for a component DLRN treats as set (not null/undefined, not the string 'None'). */
export function hasComponent(component: string | null | undefined): component is string {
  return component !== null && component !== undefined && component !== 'None';
}

/**
 * The `_<ext[:8]>` or `_<ext[:8]>_<ext[41:49]>` suffix DLRN appends for an
 * extended hash. The second part only appears when the string is at least 49
 * chars long (a dual `<sha>_<sha>` hash); shorter values (any format) keep 8.
 */
export function extendedHashSuffix(extendedHash: string | null | undefined): string {
  if (!extendedHash) return '';
  if (extendedHash.length < 49) return `_${extendedHash.slice(0, 8)}`;
  return `_${extendedHash.slice(0, 8)}_${extendedHash.slice(41, 49)}`;
}

/**
 * The leaf directory name: `<commit>[_<distro8>][_<ext8>[_<ext41:49>]]`.
 */
export function hashDirName(commit: ShardableCommit): string {
  const distro = commit.distroHash ? `_${commit.distroHash.slice(0, 8)}` : '';
  return commit.commitHash + distro + extendedHashSuffix(commit.extendedHash);
}

/**
 * DLRN's `Commit.getshardedcommitdir()`, relative to `repos/`:
 * `[component/<c>/]<ch[:2]>/<ch[2:4]>/<ch>_<dh[:8]>[_<eh[:8]>[_<eh[41:49]>]]`.
 *
 * No hex validation here on purpose: DLRN's local driver uses
 * `<pkg>-<Version>` as commit hash and still shards it.
 */
export function shardedCommitDir(commit: ShardableCommit): string {
  if (typeof commit.commitHash !== 'string' || commit.commitHash.length === 0) {
    throw new HashValidationError('commitHash', 'commitHash must be a non-empty string to shard a commit dir');
  }
  const prefix = hasComponent(commit.component) ? `component/${commit.component}/` : '';
  const ch = commit.commitHash;
  return `${prefix}${ch.slice(0, 2)}/${ch.slice(2, 4)}/${hashDirName(commit)}`;
}

/**
 * DLRN API `repo_hash`: `<commit_hash>_<distro_hash[:8]>` (no extended part,
 * no component).
 */
export function repoHash(commitHash: string, distroHash: string): string {
  if (!commitHash) throw new HashValidationError('commitHash', 'commitHash must not be empty');
  if (!distroHash) throw new HashValidationError('distroHash', 'distroHash must not be empty');
  return `${commitHash}_${distroHash.slice(0, 8)}`;
}

const ID_PART_RE = /^[^\s:]+$/;

function assertIdPart(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new HashValidationError(field, `${field} must be a non-empty string`);
  }
  if (!ID_PART_RE.test(value)) {
    throw new HashValidationError(field, `${field} must not contain whitespace or ':' (got ${JSON.stringify(value)})`);
  }
  return value;
}

/**
 * Workflow id of one package build:
 * `build:<release>:<package>:<commit>_<distro8>[_<ext8>[_<ext41:49>]]`.
 *
 * The hash part uses the same suffix rule as the sharded dir, so two dual
 * extended hashes that differ only in their second SHA do not collide (for
 * a short/single extended hash this is exactly `_<ext8>`).
 * Validates every part and throws {@link HashValidationError} naming the field.
 */
export function buildWorkflowId(release: string, pkg: string, triple: HashTriple): string {
  assertIdPart(release, 'release');
  assertIdPart(pkg, 'package');
  validateHashTriple(triple);
  return `build:${release}:${pkg}:${hashDirName(triple)}`;
}
