/** The local driver: a YAML list of packages in one file (the demo trunk's, or a hand-written one). */
import * as fs from 'node:fs';
import { parse } from 'yaml';
import type { PackageEntry } from '../../domain/trunk-build';
import { PkgInfoError, type PkgInfoDriver } from './driver';

const REQUIRED = ['name', 'upstream', 'master-distgit'] as const;

/** Parses `packages: [...]`; every fault names the file, the entry and the key. */
export function parseLocalPackages(text: string, file: string): PackageEntry[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new PkgInfoError(`${file}: invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const list = (doc as { packages?: unknown } | null)?.packages;
  if (!Array.isArray(list)) throw new PkgInfoError(`${file}: packages: expected a list of packages`);
  return list.map((entry: unknown, i) => {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new PkgInfoError(`${file}: packages.${i}: expected a mapping`);
    const e = entry as Record<string, unknown>;
    for (const key of REQUIRED) {
      if (typeof e[key] !== 'string' || e[key] === '') throw new PkgInfoError(`${file}: packages.${i}.${key}: required, a non-empty string`);
    }
    if (e.maintainers !== undefined && !(Array.isArray(e.maintainers) && e.maintainers.every((m) => typeof m === 'string'))) {
      throw new PkgInfoError(`${file}: packages.${i}.maintainers: expected a list of addresses`);
    }
    return e as PackageEntry;
  });
}

export function createLocalDriver(opts: { path: string }): PkgInfoDriver {
  return {
    kind: 'local',
    async packages() {
      let text: string;
      try {
        text = fs.readFileSync(opts.path, 'utf8');
      } catch (err) {
        throw new PkgInfoError(`${opts.path}: cannot read the package list: ${(err as Error).message}`);
      }
      return parseLocalPackages(text, opts.path);
    },
  };
}
