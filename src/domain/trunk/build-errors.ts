/**
 * Transient-failure detection (DLRN `utils.re_known_errors` / `isknownerror`)
 * and the retry decision of `process_build_result_rpm`, plus a backoff
 * schedule DLRN never had (it just retried on the next cron run).
 */

/**
 * DLRN's known transient build errors, one regex per alternative of
 * `re_known_errors` (mirror, DNS, network, busy device, git fetch failures).
 * Matched with search semantics (anywhere in a line), case-sensitive; the
 * dots in the distroinfo message are regex wildcards, as in DLRN.
 */
export const KNOWN_TRANSIENT_ERRORS: readonly RegExp[] = [
  /Error: Nothing to do/,
  /Error downloading packages/,
  /No more mirrors to try/,
  /Cannot retrieve metalink for repository/,
  /Could not retrieve mirrorlist/,
  /Failed to synchronize cache for repo/,
  /No route to host/,
  /Device or resource busy/,
  /Could not resolve host/,
  /Temporary failure in name resolution/,
  /distroinfo.exception.CommandFailed: Command failed with return code 128: git/,
  /Error fetching remote/,
  /Connection timed out/,
];

/** DLRN projects.ini `maxretries` default. */
export const DEFAULT_MAX_RETRIES = 3;

export interface KnownErrorMatch {
  pattern: RegExp;
  /** 1-based line number in the log. */
  lineNumber: number;
  /** The (trimmed) line that matched. */
  line: string;
}

/**
 * First known transient error in a build log (`rpmbuild.log`), scanning line
 * by line like `isknownerror` (lines trimmed, `\r\n`/`\r`/`\n` all end a line,
 * as Python's text mode reads them). Null when none matches.
 */
export function findKnownError(logText: string): KnownErrorMatch | null {
  const lines = logText.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    for (const pattern of KNOWN_TRANSIENT_ERRORS) {
      if (pattern.test(line)) return { pattern, lineNumber: i + 1, line };
    }
  }
  return null;
}

/**
 * The status a failed build gets: RETRY when the log shows a known
 * transient error and fewer than `maxRetries` RETRY rows exist for it,
 * FAILED otherwise (FAILED is what notifies maintainers).
 * A missing log should be passed as the failure's message: DLRN writes the
 * exception text into `rpmbuild.log` when the build script never ran.
 */
export function classifyBuildFailure(
  logText: string,
  timesRetriedSoFar: number,
  maxRetries: number = DEFAULT_MAX_RETRIES,
): 'RETRY' | 'FAILED' {
  return findKnownError(logText) !== null && timesRetriedSoFar < maxRetries ? 'RETRY' : 'FAILED';
}

export interface BackoffPolicy {
  /** Delay before the first retry, seconds (default 300: DLRN's 5-minute cron). */
  initialSeconds?: number;
  /** Growth factor per further retry (default 2). */
  multiplier?: number;
  /** Upper bound, seconds (default 3600). */
  maxSeconds?: number;
}

/**
 * Seconds to wait before retry number `retry` (1-based: the first retry after
 * the first transient failure is 1): `initial * multiplier^(retry-1)`,
 * capped at `maxSeconds`. Deterministic; add jitter at the call site.
 */
export function retryDelaySeconds(retry: number, policy: BackoffPolicy = {}): number {
  if (!Number.isInteger(retry) || retry < 1) throw new Error(`retry must be a positive integer, got ${retry}`);
  const initial = policy.initialSeconds ?? 300;
  const multiplier = policy.multiplier ?? 2;
  const max = policy.maxSeconds ?? 3600;
  if (initial < 0 || multiplier < 1 || max < 0) throw new Error('backoff policy values must be non-negative, multiplier >= 1');
  return Math.min(max, initial * Math.pow(multiplier, retry - 1));
}
