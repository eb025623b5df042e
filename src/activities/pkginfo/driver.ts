/** The package-info driver contract (DLRN's PkgInfoDriver.getpackages): where a trunk's package list comes from. */
import type { PackageEntry } from '../../domain/trunk-build';

export interface PkgInfoDriver {
  readonly kind: 'rdoinfo' | 'local' | 'gitrepo';
  /** Every package of the trunk, as DLRN's package dicts (name, upstream, master-distgit, maintainers, …). */
  packages(signal?: AbortSignal): Promise<PackageEntry[]>;
}

/** A package list that cannot be read: the file or repository and what is wrong with it. */
export class PkgInfoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PkgInfoError';
  }
}
