/**
 * rdoinfo loader.
 *
 * rdoinfo is the YAML database of RDO releases and packages. DLRN reads it
 * through distroinfo (a Python library), and trunkflow must build exactly the
 * package set DLRN would, so this module reimplements distroinfo's semantics
 * (fetch order, merge rules, template resolution, tag overrides, validation)
 * rather than an idealised reading of the format. Where it deliberately
 * differs, a comment says so.
 *
 * Pure: every file is read through the injected ReadFile.
 */
import { parse as parseYaml, type Tags } from 'yaml';

/** Returns the text of a file given its path relative to the rdoinfo root; throws if missing. */
export type ReadFile = (relativePath: string) => string;

export class RdoinfoError extends Error {
  constructor(
    detail: string,
    /** rdoinfo file(s) at fault, relative to the rdoinfo root. */
    readonly file?: string,
    /** Package at fault (its name, or its project when the name is unknown). */
    readonly pkg?: string,
  ) {
    super([file, pkg === undefined ? undefined : `package '${pkg}'`, detail].filter(Boolean).join(': '));
    this.name = 'RdoinfoError';
  }
}

type Dict = Record<string, unknown>;

/** A tag's overrides, e.g. `{ component: 'podified', 'source-branch': '1.2.0' }`. */
export type TagOverrides = Readonly<Record<string, unknown>>;

/** A package exactly as distroinfo outputs it: a flat record of every key. */
export type PackageRecord = Readonly<Dict> & {
  readonly name: string;
  readonly project: string;
  readonly maintainers: readonly string[];
};

/** A package as built for one release: distroinfo's keys, the common ones typed. */
export interface ResolvedPackage {
  name: string;
  project: string;
  upstream: string;
  'master-distgit': string;
  distgit?: string;
  maintainers: string[];
  component?: string;
  /** Every tag of the package (not just the release's), as distroinfo gives them. */
  tags: Record<string, TagOverrides | null>;
  /** Every other key distroinfo outputs (conf, patches, source-branch, buildsys-tags, ...). */
  extra: Record<string, unknown>;
}

export interface DistRepo {
  name: string;
  url?: string;
}

export interface ReleaseRepo {
  name: string;
  /** Defaults to the release's branch, as distroinfo fills it in. */
  branch: string;
  buildsys?: string;
  'buildsys-tags'?: string[];
  distrepos?: DistRepo[];
  extra: Record<string, unknown>;
}

export interface Release {
  name: string;
  status?: string;
  branch?: string;
  identifier?: string;
  upstream_branch?: string;
  repos: ReleaseRepo[];
  extra: Record<string, unknown>;
}

export interface RdoInfo {
  readonly entry: string;
  readonly releases: readonly Release[];
  /** Every package with its template resolved and no tag applied (distroinfo's get_info()). */
  readonly packages: readonly PackageRecord[];
  releaseNames(): string[];
  /** Every package with `tag`'s overrides applied (distroinfo's get_info(apply_tag=tag)). */
  resolvePackages(tag?: string): PackageRecord[];
  /** The files that define or tag a project, in load order. */
  sourcesOf(project: string): string[];
}

export function loadRdoinfo(read: ReadFile, entry = 'rdo-full.yml'): RdoInfo {
  const merged = mergeSources(fetchSources(read, normalizePath(entry)));
  const packages = section(merged, 'packages', entry);
  const releaseEntries = section(merged, 'releases', entry);
  const resolve = (tag?: string) => resolveAll(merged, packages, tag);
  const releases = [...releaseEntries.values()].map((e) => parseRelease(e.value, filesOf(e)));
  const all = resolve();
  return {
    entry,
    releases,
    packages: all,
    releaseNames: () => releases.map((r) => r.name),
    resolvePackages: resolve,
    sourcesOf: (project) => {
      const e = packages.get(project);
      return e ? filesOf(e) : [];
    },
  };
}

/**
 * The packages DLRN builds for `release`: those whose tags include the release,
 * with its overrides applied, sorted by name. DLRN itself filters with
 * distroinfo's regex query, under which 'flamingo' also matches 'flamingo-uc';
 * we want the release tag itself, so the match is exact.
 */
export function packagesForRelease(info: RdoInfo, release: string): ResolvedPackage[] {
  if (!info.releaseNames().includes(release)) {
    throw new RdoinfoError(`unknown release '${release}' (known: ${info.releaseNames().join(', ')})`, info.entry);
  }
  return info
    .resolvePackages(release)
    .filter((p) => isDict(p.tags) && Object.hasOwn(p.tags, release))
    .map((p) => toResolved(p, info.sourcesOf(p.project).join(', ') || info.entry))
    .sort((a, b) => compare(a.name, b.name) || compare(a.project, b.project));
}

// ---------------------------------------------------------------------------
// Fetching: depth-first, each file followed by its imports, like distroinfo.

interface Source {
  file: string;
  doc: Dict;
}

function fetchSources(read: ReadFile, entry: string): Source[] {
  const out: Source[] = [];
  const parsed = new Map<string, Dict>();
  const visit = (file: string, stack: string[]): void => {
    const importer = stack.at(-1);
    if (stack.includes(file)) {
      const cycle = [...stack.slice(stack.indexOf(file)), file].join(' -> ');
      throw new RdoinfoError(`import cycle: ${cycle}`, importer);
    }
    const doc = parsed.get(file) ?? parseFile(read, file, importer);
    parsed.set(file, doc);
    // A file imported twice (rdo-full.yml and rdo.yml both import tags.yml) is
    // merged twice, as distroinfo does: only ancestors count as a cycle.
    out.push({ file, doc });
    for (const imp of importsOf(doc, file)) visit(imp, [...stack, file]);
  };
  visit(entry, []);
  return out;
}

function parseFile(read: ReadFile, file: string, importer?: string): Dict {
  let text: string;
  try {
    text = read(file);
  } catch (e) {
    throw importer === undefined
      ? new RdoinfoError(`cannot read: ${errorMessage(e)}`, file)
      : new RdoinfoError(`cannot read imported file '${file}': ${errorMessage(e)}`, importer);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { version: '1.1', uniqueKeys: false, customTags: pyyamlScalars, logLevel: 'error' });
  } catch (e) {
    throw new RdoinfoError(`YAML syntax error: ${errorMessage(e)}`, file);
  }
  if (!isDict(doc)) throw new RdoinfoError('top level must be a YAML mapping', file);
  return doc;
}

function importsOf(doc: Dict, file: string): string[] {
  const imports = doc.import ?? [];
  if (!Array.isArray(imports)) throw new RdoinfoError("'import' must be a list of file names", file);
  return imports.map((imp) => {
    // distroinfo can also import from a remote rdoinfo ({remote: file}); we never need to.
    if (typeof imp !== 'string') throw new RdoinfoError(`unsupported import entry ${JSON.stringify(imp)}`, file);
    // Relative to the rdoinfo root, not the importing file: distroinfo joins
    // every import to the root directory.
    return normalizePath(imp);
  });
}

const YAML_TAG = 'tag:yaml.org,2002:';
const PY_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PY_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const PY_FLOAT = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/;
const PY_FLOAT_EXP = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)[eE][-+][0-9]+$/;

/**
 * distroinfo parses with PyYAML, which resolves plain scalars more narrowly
 * than the YAML 1.1 schema: 'y'/'n' stay strings and floats need a dot (and a
 * signed exponent). Timestamps are left as strings instead of becoming dates.
 */
function pyyamlScalars(tags: Tags): Tags {
  const out: Tags = [];
  for (const t of tags) {
    if (typeof t === 'string' || t.collection) out.push(t);
    else if (t.tag === `${YAML_TAG}timestamp`) continue;
    else if (t.tag === `${YAML_TAG}bool`) out.push({ ...t, test: t.identify?.(true) ? PY_TRUE : PY_FALSE });
    else if (t.tag === `${YAML_TAG}float` && t.format === 'EXP') out.push({ ...t, test: PY_FLOAT_EXP });
    else if (t.tag === `${YAML_TAG}float` && t.test?.test('1.5')) out.push({ ...t, test: PY_FLOAT });
    else out.push(t);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Merging: distroinfo indexes each file's `packages` by project and `releases`
// by name, then deep-merges all files in fetch order.

interface Entry {
  /** The merged entry. */
  value: Dict;
  /** Each file's contribution, in merge order (for error messages). */
  parts: Source[];
}

/** A `packages` or `releases` list indexed by its key field. */
class Keyed {
  constructor(readonly entries: Map<string, Entry>) {}
}

function mergeSources(sources: Source[]): Dict {
  let merged: Dict = {};
  for (const src of sources) {
    const doc: Dict = { ...src.doc };
    if ('packages' in doc) doc.packages = keyed(doc.packages, 'project', src.file);
    if ('releases' in doc) doc.releases = keyed(doc.releases, 'name', src.file);
    merged = merge(merged, doc) as Dict;
  }
  return merged;
}

function keyed(list: unknown, key: string, file: string): Keyed | null {
  // An empty section contributes nothing. (distroinfo leaves an empty list
  // unindexed, so a later `packages: []` would wipe every package; that is a
  // bug nobody relies on, so we do not reproduce it.)
  if (list === null || list === undefined) return null;
  if (!Array.isArray(list)) throw new RdoinfoError(`'${key === 'name' ? 'releases' : 'packages'}' must be a list`, file);
  const entries = new Map<string, Entry>();
  for (const item of list) {
    if (!isDict(item) || typeof item[key] !== 'string') {
      throw new RdoinfoError(`entry without a string '${key}': ${JSON.stringify(item)}`, file);
    }
    const id = item[key] as string;
    const prev = entries.get(id);
    const part = { file, doc: item };
    entries.set(id, prev ? { value: merge(prev.value, item) as Dict, parts: [...prev.parts, part] } : { value: item, parts: [part] });
  }
  return new Keyed(entries);
}

/**
 * distroinfo's recursive merge: mappings merge key by key, lists concatenate
 * (so maintainers listed in two files add up), null never overrides, and
 * anything else is replaced by the later value.
 */
function merge(a: unknown, b: unknown): unknown {
  if (a instanceof Keyed && b instanceof Keyed) {
    const entries = new Map(a.entries);
    for (const [id, e] of b.entries) {
      const prev = entries.get(id);
      entries.set(id, prev ? { value: merge(prev.value, e.value) as Dict, parts: [...prev.parts, ...e.parts] } : e);
    }
    return new Keyed(entries);
  }
  if (isDict(a) && isDict(b)) {
    const out: Dict = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v);
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (b === null || b === undefined) return a ?? null;
  return b;
}

function section(merged: Dict, name: 'packages' | 'releases', entry: string): Map<string, Entry> {
  const s = merged[name];
  if (!(s instanceof Keyed)) throw new RdoinfoError(`missing required section '${name}'`, entry);
  return s.entries;
}

const filesOf = (e: Entry): string[] => [...new Set(e.parts.map((p) => p.file))];

// ---------------------------------------------------------------------------
// Package resolution: package-default, then the `conf` template, then the
// package's own keys, then the applied tag's overrides, each a shallow update
// (a package's maintainers replace the template's, they do not add up); then
// `%(key)s` substitution in top-level strings.

function resolveAll(merged: Dict, packages: Map<string, Entry>, tag?: string): PackageRecord[] {
  const defaults = optDict(merged['package-default'], 'package-default');
  const configs = optDict(merged['package-configs'], 'package-configs');
  const seen = new Set<string>();
  return [...packages.values()].map((e) => {
    const pkg = resolvePackage(e, defaults, configs, tag);
    // Only a tag override renaming the project can get here.
    if (seen.has(pkg.project)) throw new RdoinfoError('duplicated project', filesOf(e).join(', '), pkg.project);
    seen.add(pkg.project);
    return pkg;
  });
}

function resolvePackage(e: Entry, defaults: Dict, configs: Dict, tag?: string): PackageRecord {
  const entry = e.value;
  // Name errors by the package name once known, until then by the entry's own
  // (unsubstituted) name or its project.
  let label = typeof entry.name === 'string' && !entry.name.includes('%') ? entry.name : (entry.project as string);
  const fail = (detail: string, file = filesOf(e).join(', ')): never => {
    throw new RdoinfoError(detail, file, label);
  };
  let pkg: Dict = { ...defaults };
  if ('conf' in entry) {
    const conf = entry.conf;
    if (typeof conf !== 'string' || !Object.hasOwn(configs, conf)) {
      // Blame the file that set the conf (a later null does not override it).
      const setter = e.parts.filter((p) => p.doc.conf !== null && p.doc.conf !== undefined).at(-1);
      fail(`unknown conf template '${String(conf)}'`, setter?.file);
    }
    const template = configs[conf as string];
    if (!isDict(template)) fail(`conf template '${String(conf)}' is not a mapping`);
    pkg = { ...pkg, ...(template as Dict) };
  }
  pkg = { ...pkg, ...entry };
  if (tag !== undefined && isDict(pkg.tags)) {
    const overrides = pkg.tags[tag];
    if (isDict(overrides)) pkg = { ...pkg, ...overrides };
    else if (overrides !== null && overrides !== undefined) fail(`tag '${tag}' overrides must be a mapping`);
  }
  const source = pkg;
  pkg = Object.fromEntries(
    Object.entries(source).map(([k, v]) => [k, typeof v === 'string' ? pyFormat(v, source, fail) : v]),
  );

  // distroinfo's own requirements.
  if (!('name' in pkg)) fail("missing required field 'name'");
  if (typeof pkg.name !== 'string') fail("'name' must be a string");
  label = pkg.name as string;
  if (typeof pkg.project !== 'string') fail("missing required field 'project'");
  const maints = pkg.maintainers;
  if (maints === undefined) fail("missing required field 'maintainers'");
  if (!Array.isArray(maints) || maints.length === 0) fail("'maintainers' must list at least one email address");
  for (const m of maints as unknown[]) {
    if (typeof m !== 'string' || !m.includes('@')) fail(`maintainer ${JSON.stringify(m)} is not an email address`);
  }
  return pkg as PackageRecord;
}

/**
 * Python's `template % mapping`, for the forms rdoinfo uses: `%(key)s` and
 * `%%`. Values come from the unsubstituted package, so there is no recursion.
 */
function pyFormat(template: string, values: Dict, fail: (detail: string) => never): string {
  return template.replace(/%(?:\(([^)]*)\)s|(%))?/g, (_m, key: string | undefined, pct: string | undefined) => {
    if (pct) return '%';
    if (key === undefined) return fail(`unsupported '%' format in ${JSON.stringify(template)}`);
    if (!Object.hasOwn(values, key)) return fail(`substitution failed: no '${key}' for ${JSON.stringify(template)}`);
    const v = values[key];
    if (v === null) return 'None';
    if (typeof v === 'boolean') return v ? 'True' : 'False';
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    return fail(`cannot substitute non-scalar '${key}' into ${JSON.stringify(template)}`);
  });
}

const KNOWN_PACKAGE_KEYS = ['name', 'project', 'upstream', 'master-distgit', 'distgit', 'maintainers', 'component', 'tags'];

function toResolved(p: PackageRecord, file: string): ResolvedPackage {
  const fail = (detail: string): never => {
    throw new RdoinfoError(detail, file, p.name);
  };
  // distroinfo does not require these, but DLRN cannot build without them.
  const required = (key: string): string => {
    const v = p[key];
    return typeof v === 'string' ? v : fail(`missing required field '${key}'`);
  };
  const optional = (key: string): string | undefined => {
    const v = p[key];
    // null (a template value cleared by the package) means absent.
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : fail(`'${key}' must be a string`);
  };
  const tags = isDict(p.tags) ? p.tags : fail("'tags' must be a mapping");
  for (const [t, o] of Object.entries(tags)) if (o !== null && !isDict(o)) fail(`tag '${t}' overrides must be a mapping`);
  return {
    name: p.name,
    project: p.project,
    upstream: required('upstream'),
    'master-distgit': required('master-distgit'),
    distgit: optional('distgit'),
    maintainers: [...p.maintainers],
    component: optional('component'),
    tags: tags as Record<string, TagOverrides | null>,
    extra: Object.fromEntries(Object.entries(p).filter(([k]) => !KNOWN_PACKAGE_KEYS.includes(k))),
  };
}

// ---------------------------------------------------------------------------
// Releases.

function parseRelease(r: Dict, files: string[]): Release {
  const where = files.join(', ');
  const fail = (detail: string): never => {
    throw new RdoinfoError(`release '${String(r.name)}': ${detail}`, where);
  };
  const str = (d: Dict, key: string): string | undefined => {
    const v = d[key];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : fail(`'${key}' must be a string`);
  };
  const list = (d: Dict, key: string): unknown[] | undefined => {
    const v = d[key];
    if (v === undefined || v === null) return undefined;
    return Array.isArray(v) ? v : fail(`'${key}' must be a list`);
  };
  const rest = (d: Dict, known: string[]) => Object.fromEntries(Object.entries(d).filter(([k]) => !known.includes(k)));

  const name = str(r, 'name') ?? fail("missing required field 'name'");
  const branch = str(r, 'branch');
  const repos = (list(r, 'repos') ?? fail("missing required field 'repos'")).map((repo): ReleaseRepo => {
    if (!isDict(repo)) return fail('repos must be mappings');
    const name = str(repo, 'name') ?? fail("a repo is missing 'name'");
    const tags = list(repo, 'buildsys-tags');
    if (tags && !tags.every((t) => typeof t === 'string')) fail(`repo '${name}': 'buildsys-tags' must be strings`);
    return {
      name,
      branch: str(repo, 'branch') ?? branch ?? fail(`repo '${name}' has no branch and the release none to inherit`),
      buildsys: str(repo, 'buildsys'),
      'buildsys-tags': tags as string[] | undefined,
      distrepos: list(repo, 'distrepos')?.map((d) =>
        isDict(d) ? { name: str(d, 'name') ?? fail("a distrepo is missing 'name'"), url: str(d, 'url') } : fail('distrepos must be mappings'),
      ),
      extra: rest(repo, ['name', 'branch', 'buildsys', 'buildsys-tags', 'distrepos']),
    };
  });
  return {
    name,
    status: str(r, 'status'),
    branch,
    identifier: str(r, 'identifier'),
    upstream_branch: str(r, 'upstream_branch'),
    repos,
    extra: rest(r, ['name', 'status', 'branch', 'identifier', 'upstream_branch', 'repos']),
  };
}

// ---------------------------------------------------------------------------
// Helpers.

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Keyed);
}

function optDict(v: unknown, what: string): Dict {
  if (v === undefined || v === null) return {};
  if (!isDict(v)) throw new RdoinfoError(`'${what}' must be a mapping`);
  return v;
}

/** Collapses '.', '..' and repeated slashes so one file always has one name (for cycle detection). */
function normalizePath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return out.join('/');
}

/** Code-point order, as Python sorts strings (localeCompare would not). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
