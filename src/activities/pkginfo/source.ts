/** Each trunk's package list from its configured driver, read at most once a minute. */
import * as path from 'node:path';
import { findTrunk, type Config, type TrunkConfig } from '../../config';
import { trunkPackageOf, type TrunkPackage } from '../../domain/trunk-build';
import { trunkPaths } from '../layout';
import type { PkgInfoDriver } from './driver';
import { createGitRepoDriver } from './gitrepo';
import { createLocalDriver } from './local';
import { createRdoinfoDriver } from './rdoinfo';

export function createPkgInfoDriver(config: Config, t: TrunkConfig): PkgInfoDriver {
  const p = t.pkginfo;
  switch (p.driver) {
    case 'rdoinfo': return createRdoinfoDriver({ path: p.path ?? config.rdoinfo.path, entry: p.entry ?? config.rdoinfo.entry, release: t.release });
    case 'local': return createLocalDriver({ path: p.path });
    case 'gitrepo': return createGitRepoDriver({ ...p, cloneDir: path.join(trunkPaths(config, t.name).git, '_package_info') });
    default: {
      const unknown: never = p;
      throw new Error(`unknown pkginfo driver ${JSON.stringify(unknown)}`);
    }
  }
}

export interface PackageSource {
  /** The trunk's packages, trunk defaults applied. */
  packages(trunk: string, signal?: AbortSignal): Promise<TrunkPackage[]>;
  /** One package of the trunk, or an error naming the trunk. */
  find(trunk: string, packageName: string): Promise<TrunkPackage>;
}

/** Post-builds and builds need the package list too: it is cached per trunk for maxAgeMs. */
export function createPackageSource(config: Config, maxAgeMs = 60_000): PackageSource {
  const cache = new Map<string, { at: number; packages: TrunkPackage[] }>();
  const drivers = new Map<string, PkgInfoDriver>();
  const source: PackageSource = {
    async packages(trunk, signal) {
      const cached = cache.get(trunk);
      if (cached && Date.now() - cached.at < maxAgeMs) return cached.packages;
      const t = findTrunk(config, trunk);
      if (!drivers.has(trunk)) drivers.set(trunk, createPkgInfoDriver(config, t));
      const entries = await drivers.get(trunk)!.packages(signal);
      const packages = entries.map((e) => trunkPackageOf(e, { sourceBranch: t.sourceBranch, distroBranch: t.distroBranch }));
      cache.set(trunk, { at: Date.now(), packages });
      return packages;
    },
    async find(trunk, packageName) {
      const pkg = (await source.packages(trunk)).find((p) => p.name === packageName);
      if (!pkg) throw new Error(`package ${packageName} is not in trunk ${trunk}`);
      return pkg;
    },
  };
  return source;
}
