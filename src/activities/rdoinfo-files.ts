import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadRdoinfo, type RdoInfo, type ReadFile } from '../domain/rdoinfo';

/** Reads rdoinfo files relative to `dir`, refusing paths that escape it. */
export function fsReader(dir: string): ReadFile {
  const root = path.resolve(dir);
  return (relativePath) => {
    const file = path.resolve(root, relativePath);
    if (!file.startsWith(root + path.sep)) throw new Error(`${relativePath}: outside ${root}`);
    return readFileSync(file, 'utf8');
  };
}

/** Loads the rdoinfo checkout in `dir` (entry defaults to rdo-full.yml). */
export function loadRdoinfoDir(dir: string, entry?: string): RdoInfo {
  return loadRdoinfo(fsReader(dir), entry);
}
