/**
 * DLRN's aggregate repo files (utils.aggregate_repo_files with hashed_dir):
 * with components, `repos/<name>/` holds the concatenation of every
 * component's `<name>` repo file in a dir named by its md5, linked atomically.
 * Used after a post-build (current, consistent) and after a promotion (its label).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Pool } from 'pg';
import { findTrunk, type Config } from '../config';
import { builtComponents } from '../db/commits';
import { aggregateComponents, aggregateRepoFiles } from '../domain/trunk/repo-files';
import { trunkPaths } from './layout';
import type { PackageSource } from './pkginfo/source';
import { atomicSymlink } from './repos';

export function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

export interface AggregateDeps {
  pool: Pool;
  config: Config;
  packages: PackageSource;
}

/** Writes the aggregate of each named link and returns its md5 (the aggregate hash consumers pin), by name. */
export async function aggregateComponentRepos(deps: AggregateDeps, trunk: string, names: string[]): Promise<Record<string, string>> {
  const t = findTrunk(deps.config, trunk);
  const reposDir = trunkPaths(deps.config, trunk).repos;
  const components = aggregateComponents(await builtComponents(deps.pool, trunk), await deps.packages.packages(trunk));
  const read = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null);
  const hashes: Record<string, string> = {};
  for (const name of names) {
    const aggregate = aggregateRepoFiles(components.map((component) => {
      const dir = path.join(reposDir, 'component', component, name);
      return { component, repoText: read(path.join(dir, `${t.reponame}.repo`)), versionsCsvText: read(path.join(dir, 'versions.csv')) };
    }), md5);
    const top = path.join(reposDir, name);
    const hashed = path.join(top, aggregate.hashedDir);
    fs.mkdirSync(hashed, { recursive: true });
    fs.writeFileSync(path.join(hashed, `${t.reponame}.repo`), aggregate.repoContent);
    fs.writeFileSync(path.join(hashed, `${t.reponame}.repo.md5`), aggregate.hash);
    fs.writeFileSync(path.join(hashed, 'versions.csv'), aggregate.versionsCsv);
    for (const file of [`${t.reponame}.repo`, `${t.reponame}.repo.md5`, 'versions.csv']) {
      await atomicSymlink(path.join(aggregate.hashedDir, file), path.join(top, file));
    }
    hashes[name] = aggregate.hash;
  }
  return hashes;
}
