import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { TRUNK_TIMEOUT_DEFAULTS as D } from './timeouts';

/** The project root (where package.json is): `npm start` runs there and embedded defaults are relative to it. */
export const PROJECT_ROOT = ((): string => {
  // Sources, dist/ and the benchmark build sit at different depths below it.
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'src', 'db', 'migrations'))) return dir;
  }
  return path.resolve(__dirname, '..', '..');
})();

const nonEmpty = z.string().min(1);
const count = z.coerce.number().int().min(1);

/** Timeouts, retry intervals and limits of a trunk's workflows (the defaults are in ./timeouts.ts). */
export const TrunkTimeoutsSchema = z.strictObject({
  build: z.strictObject({
    /** A build host silent this long is presumed dead and its build moves to another; builds heartbeat every 5 s. */
    heartbeatSeconds: count.max(600).default(D.build.heartbeatSeconds),
    startToCloseMinutes: count.default(D.build.startToCloseMinutes),
    /** First wait before a build lost to an infrastructure error (a dead host) is tried again. */
    retryInitialSeconds: count.default(D.build.retryInitialSeconds),
    retryMaximumSeconds: count.default(D.build.retryMaximumSeconds),
    maximumAttempts: count.default(D.build.maximumAttempts),
    /** First wait before a RETRY is built again; doubles each time (DLRN waits for the next 5-minute run). */
    retryBaseSeconds: count.default(D.build.retryBaseSeconds),
  }).prefault({}),
  discovery: z.strictObject({
    heartbeatSeconds: count.max(600).default(D.discovery.heartbeatSeconds),
    startToCloseMinutes: count.default(D.discovery.startToCloseMinutes),
    /** Packages whose git repositories are refreshed at once. */
    concurrency: count.max(64).default(D.discovery.concurrency),
  }).prefault({}),
  postBuild: z.strictObject({
    startToCloseMinutes: count.default(D.postBuild.startToCloseMinutes),
    retryInitialSeconds: count.default(D.postBuild.retryInitialSeconds),
    retryMaximumSeconds: count.default(D.postBuild.retryMaximumSeconds),
  }).prefault({}),
  /** Recently finished builds the trunk remembers, to drop late duplicate triggers. */
  recentBuilds: count.default(D.recentBuilds),
});

/**
 * Where a trunk's package list comes from, as DLRN's pkginfo drivers:
 * an rdoinfo checkout filtered by the release tag; a local YAML list of
 * packages (the demo trunk); or one git repository holding a directory per
 * package (DLRN's gitrepo driver, e.g. openstack/rpm-packaging).
 */
export const PkgInfoSchema = z.discriminatedUnion('driver', [
  z.strictObject({
    driver: z.literal('rdoinfo'),
    /** rdoinfo checkout; the global `rdoinfo.path` when absent. */
    path: nonEmpty.optional(),
    entry: nonEmpty.optional(),
  }),
  z.strictObject({
    driver: z.literal('local'),
    /** A YAML file `packages: [{name, upstream, master-distgit, maintainers, ...}]`. */
    path: nonEmpty,
  }),
  z.strictObject({
    driver: z.literal('gitrepo'),
    /** The repository holding one directory per package (DLRN's gitrepo_repo). */
    repo: nonEmpty,
    /** Its directory of package directories (gitrepo_dir). */
    directory: nonEmpty,
    branch: nonEmpty.default('master'),
    /** Upstream of package <dir>: `<upstreamPrefix>/<dir>`. */
    upstreamPrefix: nonEmpty.default('https://opendev.org/openstack'),
    /** Package directories to leave out (skip_dirs). */
    skip: z.array(nonEmpty).default([]),
    maintainers: z.array(nonEmpty).default([]),
  }),
]);
export type PkgInfoConfig = z.infer<typeof PkgInfoSchema>;

/**
 * A trunk is one (release, distro) pair DLRN would build with one projects.ini:
 * where its packages come from, which branches and target it builds, and how.
 */
export const TrunkSchema = z.strictObject({
  /** Short name, used in workflow IDs, repo paths (`repos/<name>/`) and the Trunk search attribute. */
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_" and "-" only'),
  /** rdoinfo release tag whose packages this trunk builds. */
  release: nonEmpty,
  distro: nonEmpty.default('el9'),
  /**
   * Generate the local demo packages (git histories and their package list)
   * under <data>/demo when the worker starts; the trunk's pkginfo is then that list.
   */
  demo: z.boolean().default(false),
  /** The package-info driver; rdoinfo (the global checkout) when absent. */
  pkginfo: PkgInfoSchema.optional(),
  sourceBranch: nonEmpty.default('master'),
  distroBranch: nonEmpty.default('rpm-master'),
  /** DLRN's target: names the build's mock template (and its per-slot configurations). */
  target: nonEmpty.default('centos9'),
  /**
   * The mock build driver's template for this target (DLRN's `<configdir>/<target>.cfg`),
   * relative to the configuration file: a mock .cfg whose last line closes its dnf.conf
   * string. Each build slot gets `dlrn-<slot>.cfg` from it, with the trunk's current repo
   * and deps_url added. Required when the trunk builds with mock.
   */
  mockTemplate: nonEmpty.optional(),
  /** Public URL of this trunk's repos/ (DLRN's baseurl); `<http.publicUrl>/repos/<name>` when absent. */
  baseurl: z.url().optional(),
  reponame: nonEmpty.default('delorean'),
  /** Named in the report pages' titles (DLRN's project_name). */
  projectName: nonEmpty.default('RDO'),
  /** RPM Release scheme (DLRN's release_numbering): 0.date.hash, 0.1.date.hash or minor.date.hash. */
  releaseNumbering: z.enum(['0.date.hash', '0.1.date.hash', 'minor.date.hash']).default('0.date.hash'),
  /** The leading field of minor.date.hash (DLRN's release_minor). */
  releaseMinor: z.string().regex(/^[0-9A-Za-z_.+~]+$/, 'an RPM release field').default('0'),
  buildSlots: z.coerce.number().int().min(1).max(256).default(4),
  /** Builds queued on the build hosts beyond buildSlots, so a freed slot is refilled at once (default: as many as the slots). */
  buildLookahead: z.coerce.number().int().min(0).max(256).optional(),
  maxRetries: z.coerce.number().int().min(0).max(20).default(3),
  timeouts: TrunkTimeoutsSchema.prefault({}),
  fallbackToMaster: z.boolean().default(true),
  nonfallbackBranches: z.array(nonEmpty).default(['^master$', '^rpm-master$']),
  useComponents: z.boolean().default(false),
  includeSrpmInRepo: z.boolean().default(true),
  /**
   * Also write the sqlite metadata (createrepo_c's default, which yum needed).
   * dnf reads only the XML, and skipping the databases halves createrepo_c's time.
   */
  repoDatabase: z.boolean().default(false),
  /** Discovery cadence of the trunk's Temporal Schedule (DLRN's cron runs every 5 minutes). */
  schedule: z.string().regex(/^\d+[smh]$/, 'a duration like 30s, 5m or 1h').default('5m'),
  /** Overrides drivers.build for this trunk. */
  buildDriver: z.enum(['rpmbuild', 'mock', 'simulated']).optional(),
  simulated: z
    .strictObject({
      durationMs: z.coerce.number().int().min(0).default(2000),
      failPattern: nonEmpty.optional(),
      /** false: skip checkouts and the SRPM too (benchmarks at rdoinfo scale, whose git hosts are out of reach). */
      sources: z.boolean().default(true),
    })
    .prefault({}),
  /** Python build tools (a key of `buildTools`) the trunk's sources are versioned and packed with; the trunk's distro when absent. */
  buildTools: nonEmpty.optional(),
  /** DLRN's keep_changelog: keep the distgit spec's %changelog entries (cut by default). */
  keepChangelog: z.boolean().default(false),
  /** DLRN's keep_tarball: gitrepo packages following the source branch keep their spec's own Source0. */
  keepTarball: z.boolean().default(false),
  /**
   * DLRN's custom_preprocess: commands run (by a shell) in the package's distgit
   * directory before its source RPM is made, with DLRN_PACKAGE_NAME, DLRN_DISTGIT,
   * DLRN_SOURCEDIR, DLRN_SOURCE_COMMIT, DLRN_DISTROINFO_REPO and DLRN_USER set.
   */
  customPreprocess: z.array(nonEmpty).default([]),
  /** DLRN's deps_url: the .repo file of the trunk's dependencies, added to each mock config; `<baseurl>/delorean-deps.repo` when absent. */
  depsUrl: z.url().optional(),
  /**
   * DLRN's dlrn-purge, as a Temporal Schedule per trunk: builds older than
   * keepDays lose their repo dir and get the purged flag, except each
   * package's newest success and whatever a label points at.
   */
  purge: z.strictObject({
    enabled: z.boolean().default(true),
    keepDays: z.coerce.number().int().min(0).max(3650).default(30),
    schedule: z.string().regex(/^\d+[smh]$/, 'a duration like 30m, 12h or 24h').default('24h'),
  }).prefault({}),
  /** Reviews for failed builds: on by default (DLRN's `gerrit` option). */
  reviews: z.boolean().default(true),
  reviewTopic: nonEmpty.default('rdo-FTBFS'),
});

/** A trunk as the pipeline sees it: its package source resolved, paths absolute. */
export type TrunkConfig = z.infer<typeof TrunkSchema> & { pkginfo: PkgInfoConfig };

/**
 * The one configuration file. Every section has embedded defaults, so an absent
 * file runs the local profile; unknown keys are errors, so a typo never passes
 * silently as a default.
 */
export const ConfigSchema = z.strictObject({
  temporal: z
    .strictObject({
      address: nonEmpty.default('127.0.0.1:7233'),
      namespace: nonEmpty.default('default'),
      uiUrl: z.url().default('http://127.0.0.1:8233'),
      taskQueues: z
        .strictObject({
          orchestration: nonEmpty.default('trunkflow'),
          builds: nonEmpty.default('trunkflow-builds'),
        })
        .prefault({}),
    })
    .prefault({}),
  database: z
    .strictObject({
      url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').default('postgres://postgres@127.0.0.1:55432/trunkflow'),
    })
    .prefault({}),
  paths: z
    .strictObject({
      data: nonEmpty.default('.data'),
      repos: nonEmpty.optional(),
      images: nonEmpty.optional(),
      logs: nonEmpty.optional(),
    })
    .prefault({}),
  http: z
    .strictObject({
      host: nonEmpty.default('127.0.0.1'),
      port: z.coerce.number().int().min(0).max(65535).default(8080),
      /** Public URL of the API server; repo files point at `<publicUrl>/repos`. */
      publicUrl: z.url().optional(),
      /**
       * Shared secret of the push webhooks: GitHub signs with it (X-Hub-Signature-256);
       * Gerrit sends it as `Authorization: Bearer <secret>`. Unset: webhooks are open (loopback demo).
       */
      webhookSecret: nonEmpty.optional(),
    })
    .prefault({}),
  /** The DLRN-compatible REST API, one per trunk. */
  dlrnApi: z
    .strictObject({
      /** Each trunk's API lives under `<prefix>/api/...` (and `<prefix>/metrics`); `{trunk}` is the trunk's name. */
      prefix: z.string().regex(/^(\/[A-Za-z0-9._{}-]+)+$/, 'a path like /{trunk} or /dlrn/{trunk}').default('/{trunk}'),
      /** Also serve the first trunk's API at `/api/...` and `/metrics`, as a lone DLRN does. */
      firstTrunkAtRoot: z.boolean().default(true),
      /** Require credentials on reads too (DLRN's PROTECT_READ_ENDPOINTS). */
      protectReads: z.boolean().default(false),
      /** Requests with a larger body are refused (413). */
      bodyLimitBytes: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
      /** /promotions without a limit returns this many (DLRN: every row). */
      promotionsDefaultLimit: z.coerce.number().int().min(1).max(100).default(100),
      /** How long a verified credential is trusted without hashing the password again. */
      authCacheSeconds: z.coerce.number().int().min(0).max(3600).default(300),
      /** How long promote waits for its workflow before answering 504. */
      promoteTimeoutSeconds: z.coerce.number().int().min(1).max(3600).default(120),
    })
    .prefault({}),
  rdoinfo: z
    .strictObject({
      path: nonEmpty.default('../shared/data/rdoinfo'),
      entry: nonEmpty.default('rdo-full.yml'),
      release: nonEmpty.default('flamingo'),
    })
    .prefault({}),
  /**
   * The setuptools and pbr a build target's buildroot ships (DLRN runs `setup.py
   * --version` and `sdist` in it), and renderspec for .spec.j2 distgits, each set
   * installed once in its own virtualenv by scripts/buildenv.sh. Defaults: RDO's
   * flamingo buildroots (CentOS Stream 9: setuptools 65.5.1, CentOS Stream 10:
   * 80.10.2; pbr 6.1.1 on both). setuptools 69.3 and later name sdists by the
   * normalised project name (`oslo_config-…`), older ones keep it (`oslo.config-…`).
   */
  buildTools: z
    .record(nonEmpty, z.strictObject({ setuptools: nonEmpty, pbr: nonEmpty, renderspec: nonEmpty.default('2.3.0') }))
    .default({
      el9: { setuptools: '65.5.1', pbr: '6.1.1', renderspec: '2.3.0' },
      el10: { setuptools: '80.10.2', pbr: '6.1.1', renderspec: '2.3.0' },
    }),
  trunks: z.array(TrunkSchema).prefault([{ name: 'demo', release: 'demo', demo: true, buildSlots: 2, schedule: '5m' }]),
  mail: z
    .strictObject({
      /** SMTP server; no mail is sent when unset (DLRN's `smtpserver`). */
      host: nonEmpty.optional(),
      port: z.coerce.number().int().min(1).max(65535).default(25),
      secure: z.boolean().default(false),
      user: nonEmpty.optional(),
      password: nonEmpty.optional(),
      from: nonEmpty.default('trunkflow@localhost'),
    })
    .prefault({}),
  gerrit: z
    .strictObject({
      url: z.url(),
      user: nonEmpty,
      password: nonEmpty,
    })
    .optional(),
  /** The release pipeline (openstack/releases' two steps): where its repositories are, how tags are made. */
  release: z
    .strictObject({
      /** Project repositories, by the names deliverable files use (localgit: `<root>/<org>/<name>[.git]`; default `<data>/release/repos`). */
      repos: z
        .strictObject({
          driver: z.enum(['localgit']).default('localgit'),
          root: nonEmpty.optional(),
        })
        .prefault({}),
      /** The series under development; default: the one whose status is `development` in data/series_status.yaml. */
      currentSeries: nonEmpty.optional(),
      /** The releases repository (deliverables/…), a URL or path; default `<data>/release/releases.git` (the local demo). */
      releasesRepo: nonEmpty.optional(),
      /** Its branch whose merges are release requests. */
      releasesBranch: nonEmpty.default('master'),
      /** Cadence of the Schedule polling that branch; none when unset (30s for the demo). */
      poll: z.string().regex(/^\d+[smh]$/, 'a duration like 30s, 5m or 1h').optional(),
      /** GPG key (id or fingerprint) tags and artifacts are signed with; unsigned when unset. */
      signingKey: nonEmpty.optional(),
      /** GNUPGHOME holding that key; gpg's default when unset. */
      gnupgHome: nonEmpty.optional(),
      tagger: z
        .strictObject({ name: nonEmpty.default('trunkflow Release Bot'), email: nonEmpty.default('release-bot@localhost') })
        .prefault({}),
      /** Where the releases site is written; default `<data>/release/site`. */
      siteDir: nonEmpty.optional(),
      /** Base URL of the tarballs the site links to; default `<http.publicUrl>/release/tarballs`. */
      tarballsUrl: z.url().optional(),
      /** Where each tag's sdist, wheel and signatures are copied (`<dir>/<org>/<repo>/`); default `<data>/release/tarballs`. */
      tarballsDir: nonEmpty.optional(),
      /** Where reno's notes of each tag are written; default `<data>/release/releasenotes`. */
      notesDir: nonEmpty.optional(),
      /** The PyPI-compatible index artifacts are uploaded to (twine --skip-existing); no upload when unset. */
      index: z
        .strictObject({ url: z.url(), username: nonEmpty.default('trunkflow'), password: nonEmpty.default('trunkflow') })
        .optional(),
      /** The requirements repository whose upper-constraints.txt gets a proposal per release; none when unset. */
      requirementsRepo: nonEmpty.optional(),
      /** Topic of the constraints review (update_constraints.sh's). */
      constraintsTopic: nonEmpty.default('new-release'),
      /** How often and how long the constraints job polls the index for the new version. */
      indexPoll: z.strictObject({ everySeconds: count.default(10), maxMinutes: count.default(30) }).prefault({}),
      /** Announcement mail (sent through the `mail` server): sender and list. */
      announce: z
        .strictObject({
          from: nonEmpty.default('no-reply@openstack.org'),
          to: nonEmpty.default('release-announce@lists.openstack.org'),
          replyTo: nonEmpty.default('openstack-discuss@lists.openstack.org'),
        })
        .prefault({}),
      /** Limits of the release activities: a failed job is retried by Temporal, with backoff, this many times. */
      timeouts: z
        .strictObject({
          activityMinutes: count.default(30),
          retryInitialSeconds: count.default(2),
          retryMaximumSeconds: count.default(60),
          maximumAttempts: count.default(5),
        })
        .prefault({}),
    })
    .prefault({}),
  drivers: z
    .strictObject({
      build: z.enum(['rpmbuild', 'mock', 'simulated']).default('rpmbuild'),
      review: z.enum(['gerrit', 'localgit']).default('localgit'),
      registry: z.enum(['oci']).default('oci'),
      mail: z.enum(['smtp']).default('smtp'),
    })
    .prefault({}),
});

type RawConfig = z.infer<typeof ConfigSchema>;

export interface Config extends Omit<RawConfig, 'trunks' | 'release'> {
  trunks: TrunkConfig[];
  /** Absolute paths, resolved against the config file's directory (or the project root). */
  paths: RawConfig['paths'] & { data: string; repos: string; images: string; logs: string };
  release: RawConfig['release'] & {
    repos: RawConfig['release']['repos'] & { root: string };
    releasesRepo: string; siteDir: string; tarballsUrl: string; workDir: string; tarballsDir: string; notesDir: string;
    /** No releases repository configured: the local demo one is generated and polled. */
    demo: boolean;
  };
  http: RawConfig['http'] & { publicUrl: string };
  /** Where the configuration came from, for messages. */
  source: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Environment variables that override the file, as dotted paths into the schema. */
export const ENV_OVERRIDES: Record<string, string> = {
  TEMPORAL_ADDRESS: 'temporal.address',
  TEMPORAL_NAMESPACE: 'temporal.namespace',
  TEMPORAL_UI_URL: 'temporal.uiUrl',
  TRUNKFLOW_TASK_QUEUE: 'temporal.taskQueues.orchestration',
  TRUNKFLOW_BUILD_TASK_QUEUE: 'temporal.taskQueues.builds',
  DATABASE_URL: 'database.url',
  TRUNKFLOW_DATA_DIR: 'paths.data',
  TRUNKFLOW_HTTP_HOST: 'http.host',
  TRUNKFLOW_HTTP_PORT: 'http.port',
  TRUNKFLOW_PUBLIC_URL: 'http.publicUrl',
  TRUNKFLOW_WEBHOOK_SECRET: 'http.webhookSecret',
  TRUNKFLOW_RDOINFO: 'rdoinfo.path',
  TRUNKFLOW_RELEASE: 'rdoinfo.release',
  TRUNKFLOW_BUILD_DRIVER: 'drivers.build',
  TRUNKFLOW_REVIEW_DRIVER: 'drivers.review',
};

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === undefined || next === null) node[key] = {};
    else if (typeof next !== 'object' || Array.isArray(next)) return; // the schema reports the wrong type
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function formatIssues(source: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.length ? issue.path.join('.') : '(top level)';
      return `${source}: ${field}: ${issue.message}`;
    })
    .join('\n');
}

/** Where the generated demo trunk lives: its remotes and the package list the local driver reads. */
export function demoDir(dataDir: string): string {
  return path.join(dataDir, 'demo');
}

/** A trunk's package source with absolute paths: a demo trunk reads the generated list. */
function resolvePkgInfo(t: z.infer<typeof TrunkSchema>, data: string, baseDir: string, rdoinfo: { path: string; entry: string }): PkgInfoConfig {
  const p = t.pkginfo ?? (t.demo ? { driver: 'local' as const, path: path.join(demoDir(data), 'packages.yml') } : { driver: 'rdoinfo' as const });
  switch (p.driver) {
    case 'rdoinfo': return { ...p, path: path.resolve(baseDir, p.path ?? rdoinfo.path), entry: p.entry ?? rdoinfo.entry };
    case 'local': return { ...p, path: path.resolve(baseDir, p.path) };
    case 'gitrepo': return p;
  }
}

const publicUrlOf = (cfg: RawConfig) => cfg.http.publicUrl ?? `http://${cfg.http.host}:${cfg.http.port}`;

/** The release section with absolute paths and URLs; a local path as the releases repository stays a path. */
function releaseConfig(cfg: RawConfig, data: string, baseDir: string): Config['release'] {
  const r = cfg.release;
  const releasesRepo = r.releasesRepo ?? path.join(data, 'release', 'releases.git');
  return {
    ...r,
    repos: { ...r.repos, root: path.resolve(baseDir, r.repos.root ?? path.join(data, 'release', 'repos')) },
    releasesRepo: /^[a-z][a-z0-9+.-]*:/i.test(releasesRepo) ? releasesRepo : path.resolve(baseDir, releasesRepo),
    demo: r.releasesRepo === undefined,
    poll: r.poll ?? (r.releasesRepo === undefined ? '30s' : undefined),
    gnupgHome: r.gnupgHome ? path.resolve(baseDir, r.gnupgHome) : undefined,
    siteDir: path.resolve(baseDir, r.siteDir ?? path.join(data, 'release', 'site')),
    tarballsUrl: r.tarballsUrl ?? `${publicUrlOf(cfg)}/release/tarballs`,
    /** Clones and scratch space of the release activities. */
    workDir: path.join(data, 'release', 'work'),
    tarballsDir: path.resolve(baseDir, r.tarballsDir ?? path.join(data, 'release', 'tarballs')),
    notesDir: path.resolve(baseDir, r.notesDir ?? path.join(data, 'release', 'releasenotes')),
    requirementsRepo: r.requirementsRepo && !/^[a-z][a-z0-9+.-]*:/i.test(r.requirementsRepo) ? path.resolve(baseDir, r.requirementsRepo) : r.requirementsRepo,
  };
}

/** Validates raw (parsed YAML) settings plus environment overrides into a Config. */
export function buildConfig(raw: unknown, source: string, baseDir: string, env: NodeJS.ProcessEnv = process.env): Config {
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError(`${source}: (top level): expected a mapping of settings`);
  }
  const merged: Record<string, unknown> = structuredClone((raw ?? {}) as Record<string, unknown>);
  for (const [variable, dotted] of Object.entries(ENV_OVERRIDES)) {
    const value = env[variable];
    if (value !== undefined && value !== '') setPath(merged, dotted, value);
  }
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) throw new ConfigError(formatIssues(source, parsed.error));
  const cfg = parsed.data;
  const data = path.resolve(baseDir, cfg.paths.data);
  const names = new Set<string>();
  for (const [i, trunk] of cfg.trunks.entries()) {
    if (names.has(trunk.name)) throw new ConfigError(`${source}: trunks.${i}.name: "${trunk.name}" is used by another trunk`);
    names.add(trunk.name);
    if ((trunk.buildDriver ?? cfg.drivers.build) === 'mock' && !trunk.mockTemplate) {
      throw new ConfigError(`${source}: trunks.${i}.mockTemplate: required when the trunk builds with mock (DLRN's <configdir>/${trunk.target}.cfg)`);
    }
    const tools = trunk.buildTools ?? trunk.distro;
    if (!cfg.buildTools[tools]) {
      const field = trunk.buildTools ? `trunks.${i}.buildTools` : `trunks.${i}.distro`;
      throw new ConfigError(`${source}: ${field}: no build tools "${tools}" in buildTools (configured: ${Object.keys(cfg.buildTools).join(', ')})`);
    }
  }
  const trunks = cfg.trunks.map((t) => ({
    ...t,
    pkginfo: resolvePkgInfo(t, data, baseDir, cfg.rdoinfo),
    ...(t.mockTemplate ? { mockTemplate: path.resolve(baseDir, t.mockTemplate) } : {}),
  }));
  return {
    ...cfg,
    trunks,
    paths: {
      ...cfg.paths,
      data,
      repos: path.resolve(baseDir, cfg.paths.repos ?? path.join(data, 'repos')),
      images: path.resolve(baseDir, cfg.paths.images ?? path.join(data, 'images')),
      logs: path.resolve(baseDir, cfg.paths.logs ?? path.join(data, 'logs')),
    },
    rdoinfo: { ...cfg.rdoinfo, path: path.resolve(baseDir, cfg.rdoinfo.path) },
    release: releaseConfig(cfg, data, baseDir),
    http: { ...cfg.http, publicUrl: publicUrlOf(cfg) },
    source,
  };
}

/**
 * Loads the configuration: the file named by `explicitPath`, else $TRUNKFLOW_CONFIG,
 * else ./trunkflow.yaml when present, else the embedded defaults.
 */
export function loadConfig(explicitPath?: string, env: NodeJS.ProcessEnv = process.env): Config {
  const named = explicitPath ?? env.TRUNKFLOW_CONFIG;
  const candidate = named ?? path.join(process.cwd(), 'trunkflow.yaml');
  if (!named && !fs.existsSync(candidate)) {
    return buildConfig({}, 'embedded defaults', PROJECT_ROOT, env);
  }
  const file = path.resolve(candidate);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the configuration file: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` (line ${err.linePos[0].line})` : '';
    throw new ConfigError(`${file}${where}: invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  return buildConfig(raw, file, path.dirname(file), env);
}

/**
 * Builds kept waiting on the build hosts' queue beyond the slots: the configured
 * number, else one per slot, so each slot has its next build queued even when a
 * whole round finishes before the trunk answers (with a quarter of the slots,
 * half the turnovers found nothing waiting: 280 ms idle per turnover, now 26 ms).
 */
export function buildLookaheadOf(t: Pick<TrunkConfig, 'buildSlots' | 'buildLookahead'>): number {
  return t.buildLookahead ?? t.buildSlots;
}

/** The Python build tools a trunk's sources are made with. */
export function buildToolsOf(config: Pick<Config, 'buildTools'>, t: Pick<TrunkConfig, 'buildTools' | 'distro'>): Config['buildTools'][string] {
  const key = t.buildTools ?? t.distro;
  const tools = config.buildTools[key];
  if (!tools) throw new ConfigError(`no build tools "${key}" in buildTools (configured: ${Object.keys(config.buildTools).join(', ')})`);
  return tools;
}

/** The configured trunk of that name; the error lists the configured ones. */
export function findTrunk(config: Pick<Config, 'trunks'>, name: string): TrunkConfig {
  const t = config.trunks.find((x) => x.name === name);
  if (!t) throw new ConfigError(`unknown trunk "${name}" (configured: ${config.trunks.map((x) => x.name).join(', ')})`);
  return t;
}
