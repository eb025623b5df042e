/**
 * Build drivers: turn a source RPM into binary RPMs in an output directory,
 * like DLRN's build_package(). On success outDir holds the RPMs (the .src.rpm
 * included) and the empty `installed` marker; on failure they throw with the
 * log tail and leave no marker.
 */

export interface BuildRequest {
  srpm: string;
  outDir: string;
  /** Build output is appended here (DLRN: <outDir>/rpmbuild.log). */
  logFile: string;
  signal?: AbortSignal;
  onProgress?: (d: string) => void;
}

export interface BuildResult {
  /** Absolute paths in outDir, incl. the .src.rpm. */
  rpms: string[];
}

export interface BuildDriver {
  readonly name: string;
  build(req: BuildRequest): Promise<BuildResult>;
}

export interface BuildDriverConfig {
  driver: 'rpmbuild' | 'mock' | 'simulated';
  /** The mock driver's per-slot configurations; required for mock. */
  mock?: MockSlotsConfig;
  /** DLRN's install_after_build (mock --postinstall); default true. */
  installAfterBuild?: boolean;
  simulated?: {
    durationMs: number;
    /** Regex over the srpm file name: matching builds fail with an error log. */
    failPattern?: string;
  };
}

/** Where the mock driver's per-slot configurations come from (DLRN's build.py inputs). */
export interface MockSlotsConfig {
  /** The target's template, ending with the closing `"""` of its dnf.conf string (DLRN's `<configdir>/<target>.cfg`). */
  template: string;
  /** Where `dlrn-<slot>.cfg` are written (DLRN's datadir). */
  configDir: string;
  /** The trunk's `current/<reponame>.repo`; left out while it does not exist. */
  currentRepo: string;
  /** The trunk's dependency repo file (DLRN's deps_url): an http(s) URL or a path. */
  depsUrl: string;
}
