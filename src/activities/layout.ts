/** Where a trunk keeps its files: repos, git clones, scratch space, and the URLs they are served at. */
import * as path from 'node:path';
import type { Config, TrunkConfig } from '../config';

export interface TrunkPaths {
  /** The trunk's public tree: hashed repo dirs, current, consistent, reports. */
  repos: string;
  /** Cached clones, one per repository (DLRN's datadir). */
  git: string;
  /** Scratch trees of running builds. */
  work: string;
}

export function trunkPaths(config: Config, trunk: string): TrunkPaths {
  return {
    repos: path.join(config.paths.repos, trunk),
    git: path.join(config.paths.data, 'git', trunk),
    work: path.join(config.paths.data, 'work', trunk),
  };
}

/** Public URL of the trunk's repos/ (DLRN's baseurl). */
export function trunkBaseurl(config: Config, t: TrunkConfig): string {
  return t.baseurl ?? `${config.http.publicUrl}/repos/${t.name}`;
}

/** A package's two clones: DLRN's `<datadir>/<name>` and `<datadir>/<name>_distro`. */
export function cloneDirs(config: Config, trunk: string, packageName: string): { upstream: string; distgit: string } {
  const git = trunkPaths(config, trunk).git;
  return { upstream: path.join(git, packageName), distgit: path.join(git, `${packageName}_distro`) };
}

/** RPMs as DLRN's `artifacts` names them: `repos/<sharded dir>/<file>`. */
export function artifactPaths(repoDir: string, rpms: string[]): string[] {
  return rpms.map((r) => `repos/${path.join(repoDir, path.basename(r))}`);
}
