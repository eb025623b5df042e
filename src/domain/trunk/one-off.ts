/**
 * One-off runs (DLRN's `dlrn --package-name X [--head-only] [--order] [--dev]`)
 * as pure rules: which of the discovered commits a run builds, the dev-mode
 * build's identity, and the BuildRequires order of `--order`.
 */
import type { BuildRequest } from '../trunk-build';

export interface OneOffOptions {
  trunk: string;
  /** DLRN's --package-name, one or more. */
  packages: string[];
  /** DLRN's --head-only: the newest new commit of each package only. */
  headOnly: boolean;
  /** DLRN's --order: build one at a time, in BuildRequires order instead of commit dates. */
  order: boolean;
  /** DLRN's --dev: build each package's HEAD whatever was built before, and record nothing. */
  dev: boolean;
}

/** What a one-off run did for one build. */
export interface OneOffBuild {
  packageName: string;
  commitHash: string;
  distroHash: string;
  status: string;
  /** Repo dir relative to the trunk's repos/ (the build's RPMs and rpmbuild.log). */
  repoDir: string;
}

/** Checks a one-off run's options; the message names the option at fault. */
export function oneOffProblem(o: Pick<OneOffOptions, 'packages'>): string | null {
  if (o.packages.length === 0) return '--package: name at least one package';
  const bad = o.packages.find((p) => !/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(p));
  if (bad !== undefined) return `--package: "${bad}" is not a package name`;
  return null;
}

/**
 * DLRN's --head-only (`del project_toprocess[:-1]`): of each package's new
 * commits (oldest first), only the newest is built.
 */
export function headOnlyRequests(requests: readonly BuildRequest[]): BuildRequest[] {
  const newest = new Map<string, BuildRequest>();
  for (const r of requests) newest.set(r.packageName, r);
  return requests.filter((r) => newest.get(r.packageName) === r);
}

/**
 * DLRN's dev mode builds from a throwaway database, so nothing of it is
 * recorded. Here a dev build is marked by the extended hash `dev`: its repo
 * dir (`<commit>_<distro8>_dev`) never clobbers the trunk's build of the same commits.
 */
export const DEV_EXTENDED_HASH = 'dev';

export function devRequest(req: BuildRequest): BuildRequest {
  return { ...req, extendedHash: DEV_EXTENDED_HASH };
}

/** What the build order needs of one package's spec (after `rpmspec -P`). */
export interface SpecDeps {
  /** Names the spec's packages provide: Name, subpackages, Provides. */
  provides: string[];
  buildRequires: string[];
}

/** Dependency names of a Requires/Provides-style value: versions and operators dropped. */
function depNames(value: string): string[] {
  const tokens = value.split(/[\s,]+/).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (/^[<>=!]=?$/.test(tokens[i])) {
      i++; // the version after an operator
      continue;
    }
    out.push(tokens[i]);
  }
  return out;
}

/** The provides and BuildRequires of a preprocessed spec (`rpmspec -P` output). */
export function parseSpecDeps(specText: string): SpecDeps {
  let name = '';
  const provides: string[] = [];
  const buildRequires: string[] = [];
  for (const raw of specText.split('\n')) {
    const line = raw.trim();
    let m = /^Name\s*:\s*(\S+)/i.exec(line);
    if (m && !name) {
      name = m[1];
      provides.push(name);
      continue;
    }
    m = /^%package\s+(-n\s+)?(\S+)/.exec(line);
    if (m) {
      provides.push(m[1] ? m[2] : `${name}-${m[2]}`);
      continue;
    }
    m = /^Provides\s*:\s*(.+)$/i.exec(line);
    if (m) provides.push(...depNames(m[1]));
    m = /^BuildRequires\s*:\s*(.+)$/i.exec(line);
    if (m) buildRequires.push(...depNames(m[1]));
  }
  return { provides, buildRequires };
}

/**
 * DLRN's --order: a package whose spec BuildRequires what another's
 * provides builds after it; otherwise (and to break a cycle) the given order,
 * which is DLRN's commit-date order. Commits of one package keep their order.
 */
export function orderByBuildRequires(requests: readonly BuildRequest[], specs: ReadonlyMap<string, SpecDeps>): BuildRequest[] {
  const packages = [...new Set(requests.map((r) => r.packageName))];
  const provider = new Map<string, string>();
  for (const p of packages) for (const name of specs.get(p)?.provides ?? []) if (!provider.has(name)) provider.set(name, p);
  const needs = new Map(packages.map((p) => [p, new Set(
    (specs.get(p)?.buildRequires ?? []).map((d) => provider.get(d)).filter((q): q is string => q !== undefined && q !== p),
  )]));
  const ordered: string[] = [];
  const left = [...packages];
  while (left.length > 0) {
    const ready = left.find((p) => [...needs.get(p)!].every((q) => ordered.includes(q))) ?? left[0];
    ordered.push(ready);
    left.splice(left.indexOf(ready), 1);
  }
  return ordered.flatMap((p) => requests.filter((r) => r.packageName === p));
}
