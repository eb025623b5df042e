/**
 * Release version rules: pbr's SemanticVersion parsing (`from_pip_string`) and
 * canonical form (`release_string`), which openstack/releases requires every
 * version to be written in, plus PEP 440 normalisation for xstatic packages.
 * Error texts follow pbr's and Python's wording.
 */
import { pyRepr, pyReprString } from './pyrepr';

export interface SemanticVersion {
  major: number;
  minor: number;
  patch: number;
  prereleaseType: 'a' | 'b' | 'rc' | string | null;
  prerelease: number | null;
  devCount: number;
}

/** A version string that cannot be parsed; the message is what Python's exception prints. */
export class VersionError extends Error {}

const isDigits = (s: string) => /^[0-9]+$/.test(s);

/** Python's int() on a str: surrounding whitespace, a sign and digit-separating underscores are allowed. */
function pyInt(s: string | number): number {
  if (typeof s === 'number') return s;
  const t = s.trim();
  if (!/^[+-]?[0-9]+(?:_[0-9]+)*$/.test(t)) throw new VersionError(`invalid literal for int() with base 10: ${pyReprString(s)}`);
  return Number.parseInt(t.replace(/_/g, ''), 10);
}

const isPyInt = (s: string | number) => {
  try {
    pyInt(s);
    return true;
  } catch {
    return false;
  }
};

function parseType(segment: string): [string, number] {
  const rest = segment.replace(/^[0-9]+/, '');
  const type = /^[A-Za-z]*/.exec(rest)![0];
  return [type, pyInt(rest.slice(type.length))];
}

function parseUnsafe(input: string): SemanticVersion {
  const versionString = input.replace(/^[vV]+/, '');
  if (!/^[0-9]/.test(versionString)) throw new VersionError(`Invalid version ${pyReprString(versionString)}`);
  const inputComponents = versionString.split('.');
  const components: Array<string | number> = inputComponents.filter(isDigits);
  let digitLen = components.length;
  if (digitLen === 0) throw new VersionError(`Invalid version ${pyReprString(versionString)}`);
  if (digitLen < 3) {
    if (digitLen < inputComponents.length) {
      const mixed = inputComponents[digitLen];
      if (mixed === '') throw new IndexError();
      if (/^[0-9]/.test(mixed)) {
        const last = /^[0-9]*/.exec(mixed)![0];
        components.push(last);
        inputComponents.splice(digitLen, 1, last, mixed.slice(last.length));
        digitLen += 1;
      }
    }
    for (let i = digitLen; i < 3; i++) components.push(0);
  }
  components.push(...inputComponents.slice(digitLen));
  const major = pyInt(components[0]);
  const minor = pyInt(components[1]);
  let devCount: number | null = null;
  let postCount: number | null = null;
  let prereleaseType: string | null = null;
  let prerelease: number | null = null;
  let patch = 0;
  if (isPyInt(components[2])) patch = pyInt(components[2]);
  else components.splice(2, 0, 0);
  let remainder = components.slice(3).map(String);
  const startsWithInt = remainder.length > 0 && isPyInt(remainder[0]) && pyInt(remainder[0]) !== 0;
  if (startsWithInt) {
    devCount = pyInt(remainder[0]);
  } else {
    if (remainder.length > 0) {
      if (remainder[0] === '') throw new IndexError();
      const first = remainder[0][0];
      if (first === '0' || first === 'a' || first === 'b' || first === 'r') {
        [prereleaseType, prerelease] = parseType(remainder[0]);
        remainder = remainder.slice(1);
      }
    }
    while (remainder.length > 0) {
      const component = remainder[0];
      if (component.startsWith('dev')) devCount = pyInt(component.slice(3));
      else if (component.startsWith('post')) {
        devCount = null;
        postCount = pyInt(component.slice(4));
      } else throw new VersionError(`Unknown remainder ${pyRepr(remainder)} in ${pyReprString(versionString)}`);
      remainder = remainder.slice(1);
    }
  }
  let result: SemanticVersion = {
    major, minor, patch,
    prereleaseType: prereleaseType || null,
    prerelease: prereleaseType ? prerelease || 0 : prerelease,
    devCount: devCount ?? 0,
  };
  if (postCount) {
    if (devCount) throw new VersionError(`Cannot combine postN and devN - no mapping in ${pyReprString(versionString)}`);
    const inc = result.prereleaseType
      ? { ...result, prerelease: (result.prerelease ?? 0) + 1 }
      : { ...result, patch: result.patch + 1, prereleaseType: null, prerelease: null };
    result = { ...inc, devCount: postCount };
  }
  return result;
}

class IndexError extends Error {}

/** pbr's `SemanticVersion.from_pip_string`: accepts every form pbr ever wrote, or throws VersionError. */
export function parsePipVersion(version: string): SemanticVersion {
  try {
    return parseUnsafe(version);
  } catch (e) {
    if (e instanceof IndexError) throw new VersionError(`Invalid version ${pyReprString(version)}`);
    throw e;
  }
}

/** pbr's `release_string()`: the canonical spelling (`1.2.3`, `1.2.3.0b1`, `1.2.3.0rc1`, `1.2.4.dev3`). */
export function releaseString(v: SemanticVersion): string {
  let s = `${v.major}.${v.minor}.${v.patch}`;
  if (v.prereleaseType) s += `.0${v.prereleaseType}${v.prerelease ?? 0}`;
  if (v.devCount) s += `.dev${v.devCount}`;
  return s;
}

/** PEP 440 normalisation (packaging's `str(Version(v))`), for xstatic packages. */
export function pep440Normalize(version: string): string {
  const m = /^\s*v?(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?([0-9]+)?)?(?:(?:-([0-9]+))|(?:[-_.]?(post|rev|r)[-_.]?([0-9]+)?))?(?:[-_.]?(dev)[-_.]?([0-9]+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i.exec(version);
  if (!m) throw new VersionError(`Invalid version: ${pyReprString(version)}`);
  const [, epoch, release, pre, preN, postImplicit, post, postN, dev, devN, local] = m;
  let s = epoch && Number(epoch) !== 0 ? `${Number(epoch)}!` : '';
  s += release.split('.').map(Number).join('.');
  if (pre) {
    const p = pre.toLowerCase();
    s += `${p === 'alpha' ? 'a' : p === 'beta' ? 'b' : ['c', 'pre', 'preview'].includes(p) ? 'rc' : p}${Number(preN ?? 0)}`;
  }
  if (postImplicit !== undefined) s += `.post${Number(postImplicit)}`;
  else if (post) s += `.post${Number(postN ?? 0)}`;
  if (dev) s += `.dev${Number(devN ?? 0)}`;
  if (local) s += `+${local.toLowerCase().replace(/[-_]/g, '.')}`;
  return s;
}

/** Any `a`, `b` or `rc` in the string (openstack/releases' `looks_like_preversion`). */
export const looksLikePreversion = (version: string): boolean => /a|b|rc/.test(version);

/** The release-types whose versions are checked with packaging instead of pbr. */
const PEP440_TYPES = new Set(['xstatic']);
const KNOWN_RELEASE_TYPES = new Set([
  'python-service', 'python-pypi', 'xstatic', 'fuel', 'nodejs', 'puppet', 'neutron', 'horizon', 'openstack-manuals', 'generic',
]);

/**
 * openstack/releases' `validate_version`: the problems with a version string,
 * in its wording (empty when the version is valid and canonical).
 */
export function versionProblems(version: string, releaseType = 'python-service', preOk = true): string[] {
  const problems: string[] = [];
  if (!preOk && looksLikePreversion(version)) problems.push(`Version ${version} looks like a pre-release and the release model does not allow for it`);
  let type = releaseType;
  if (!KNOWN_RELEASE_TYPES.has(type)) {
    problems.push(`Release Type ${pyReprString(type)} not valid using 'python-service' instead`);
    type = 'python-service';
  }
  let canonical: string;
  try {
    canonical = PEP440_TYPES.has(type) ? pep440Normalize(version) : releaseString(parsePipVersion(version));
  } catch (e) {
    if (!(e instanceof VersionError)) throw e;
    problems.push(`Invalid version: ${e.message}`);
    return problems;
  }
  if (canonical !== version) problems.push(`Version ${pyReprString(version)} does not match canonical form ${pyReprString(canonical)}`);
  return problems;
}
