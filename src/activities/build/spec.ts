/** Pure helpers over spec files and RPM file names. */

/** The value of a preamble tag (first occurrence; tags are case-insensitive in RPM), macros unexpanded. */
export function specTag(spec: string, tag: string): string | null {
  const m = new RegExp(`^${tag}\\s*:\\s*(.*?)\\s*$`, 'im').exec(spec);
  return m ? m[1] : null;
}

export interface SpecRewrite {
  version: string;
  release: string;
  /** File name for Source0. */
  source0: string;
  /** %{upstream_version}, which RDO specs use in Source0 and %setup; defaults to version. */
  upstreamVersion?: string;
}

/**
 * Applies DLRN's spec edits: Version, Release (keeping a trailing %{?dist}),
 * Source0 (or an unnumbered Source), and the `upstream_version` / `dlrn`
 * macros that RDO specs test for. Only line-initial tags are touched.
 */
export function rewriteSpec(spec: string, r: SpecRewrite): string {
  const setMacro = (text: string, kind: '%define' | '%global', name: string, value: string) => {
    const re = new RegExp(`^%(?:define|global)\\s+${name}\\b.*$`, 'm');
    return re.test(text) ? text.replace(re, `${kind} ${name} ${value}`) : `${kind} ${name} ${value}\n${text}`;
  };
  let out = spec
    .replace(/^(Version\s*:\s*).*$/gim, (_m, p: string) => `${p}${r.version}`)
    .replace(/^(Release\s*:\s*)(.*?)\s*$/gim, (_m, p: string, old: string) => `${p}${r.release}${/%\{\?dist\}$/.test(old) ? '%{?dist}' : ''}`)
    .replace(/^(Source0?\s*:\s*).*$/gim, (_m, p: string) => `${p}${r.source0}`);
  out = setMacro(out, '%global', 'dlrn', '1');
  out = setMacro(out, '%define', 'upstream_version', r.upstreamVersion ?? r.version);
  return out;
}

export interface RpmFileName {
  name: string;
  version: string;
  release: string;
  arch: string;
}

/** Splits `<name>-<version>-<release>.<arch>.rpm` (arch `src` for source RPMs). */
export function parseRpmFileName(file: string): RpmFileName | null {
  const m = /^(.+)-([^-]+)-([^-]+)\.([^.]+)\.rpm$/.exec(file.split('/').pop()!);
  return m ? { name: m[1], version: m[2], release: m[3], arch: m[4] } : null;
}
