import {
  KNOWN_TRANSIENT_ERRORS,
  classifyBuildFailure,
  findKnownError,
  retryDelaySeconds,
} from '../../../src/domain/trunk/build-errors';

const transientLines = [
  'Error: Nothing to do',
  'Error downloading packages:',
  '  python3-six-1.16.0-1.el9.noarch: No more mirrors to try - All mirrors were already tried without success',
  "Error: Cannot retrieve metalink for repository: epel. Please verify its path and try again",
  'Could not retrieve mirrorlist http://mirrorlist.centos.org/?release=9',
  "Error: Failed to synchronize cache for repo 'delorean-deps'",
  'curl: (7) Failed to connect to 38.102.83.1 port 443: No route to host',
  'rm: cannot remove /var/lib/mock/centos9/root: Device or resource busy',
  'fatal: unable to access https://opendev.org/openstack/nova/: Could not resolve host: opendev.org',
  'Temporary failure in name resolution',
  'distroinfo.exception.CommandFailed: Command failed with return code 128: git fetch origin',
  'Error fetching remote https://github.com/foo/bar',
  'Curl error (28): Timeout was reached: Connection timed out after 30000 milliseconds',
];

describe('findKnownError', () => {
  it.each(transientLines)('recognises %j', (line) => {
    const log = `+ /usr/bin/mock -v -r /data/dlrn-1.cfg --rebuild\nStart: build phase\n${line}\nFinish: build phase`;
    const m = findKnownError(log);
    expect(m).not.toBeNull();
    expect(m?.lineNumber).toBe(3);
    expect(m?.line).toBe(line.trim());
  });

  it('covers every DLRN alternative', () => {
    const matched = new Set(transientLines.map((l) => findKnownError(l)?.pattern));
    expect(matched.size).toBe(KNOWN_TRANSIENT_ERRORS.length);
  });

  it('ignores real compile/test failures', () => {
    const log = [
      'error: Bad exit status from /var/tmp/rpm-tmp.ab12cd (%check)',
      'FAILED (failures=3)',
      'ModuleNotFoundError: No module named oslo_config',
    ].join('\n');
    expect(findKnownError(log)).toBeNull();
  });

  it('is case-sensitive and does not match across lines', () => {
    expect(findKnownError('could not resolve host')).toBeNull();
    expect(findKnownError('Could not resolve\nhost')).toBeNull();
  });

  it('splits CR-only and CRLF logs into lines', () => {
    expect(findKnownError('a\r\nb\rNo route to host\r\n')?.lineNumber).toBe(3);
  });
});

describe('classifyBuildFailure', () => {
  const transient = 'Error: Failed to synchronize cache for repo \'appstream\'';
  it('RETRY for a known error under the retry budget', () => {
    expect(classifyBuildFailure(transient, 0)).toBe('RETRY');
    expect(classifyBuildFailure(transient, 2)).toBe('RETRY');
  });
  it('FAILED once maxretries RETRY rows exist', () => {
    expect(classifyBuildFailure(transient, 3)).toBe('FAILED');
    expect(classifyBuildFailure(transient, 1, 1)).toBe('FAILED');
    expect(classifyBuildFailure(transient, 4, 5)).toBe('RETRY');
  });
  it('FAILED for an unknown error, even with retries left', () => {
    expect(classifyBuildFailure('error: File not found: /builddir/build/BUILDROOT/usr/bin/nova-api', 0)).toBe('FAILED');
    expect(classifyBuildFailure('', 0)).toBe('FAILED');
  });
});

describe('retry backoff', () => {
  it('grows exponentially from 5 minutes and caps at an hour', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelaySeconds(n))).toEqual([300, 600, 1200, 2400, 3600, 3600]);
  });
  it('accepts a custom policy', () => {
    expect([1, 2, 3].map((n) => retryDelaySeconds(n, { initialSeconds: 10, multiplier: 3, maxSeconds: 60 }))).toEqual([10, 30, 60]);
    expect(retryDelaySeconds(2, { multiplier: 1 })).toBe(300);
  });
  it('validates input', () => {
    expect(() => retryDelaySeconds(0)).toThrow(/positive/);
    expect(() => retryDelaySeconds(1, { multiplier: 0.5 })).toThrow(/multiplier/);
  });
});
