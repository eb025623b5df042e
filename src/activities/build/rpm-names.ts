/** RPM file names: what a build left in its output directory. */

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
