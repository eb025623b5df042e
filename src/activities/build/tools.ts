/**
 * The build host's packaging tools around the SRPM: the per-target Python
 * build tools (made once by scripts/buildenv.sh), renderspec for .spec.j2
 * distgits, and DLRN's custom_preprocess commands.
 */
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { PROJECT_ROOT, type Config } from '../../config';
import { run, type RunOptions } from '../process';

const envs = new Map<string, Promise<string>>();

/** The virtualenv of a set of build tools, made on first use (scripts/buildenv.sh; concurrent callers share it). */
export function ensureBuildTools(tools: Config['buildTools'][string], opts: RunOptions = {}): Promise<string> {
  const key = `${tools.setuptools}/${tools.pbr}/${tools.renderspec}`;
  if (!envs.has(key)) {
    const made = run('bash', [path.join(PROJECT_ROOT, 'scripts', 'buildenv.sh'), tools.setuptools, tools.pbr, tools.renderspec], { ...opts, signal: undefined })
      .then(({ stdout }) => stdout.trim().split('\n').pop()!)
      .catch((e: unknown) => {
        envs.delete(key);
        throw new Error(`installing the build tools (setuptools ${tools.setuptools}, pbr ${tools.pbr}, renderspec ${tools.renderspec}) failed: ${(e as Error).message}`, { cause: e });
      });
    envs.set(key, made);
  }
  return envs.get(key)!;
}

/**
 * DLRN's rdoinfo/gitrepo drivers render a `.spec.j2` distgit with
 * `renderspec --spec-style fedora --epoch ../../epoch/fedora.yaml` in its directory.
 */
export async function renderSpecTemplate(pythonEnv: () => Promise<string>, distgitDir: string, opts: RunOptions = {}): Promise<boolean> {
  if (!(await readdir(distgitDir)).some((f) => f.endsWith('.spec.j2'))) return false;
  await run(path.join(await pythonEnv(), 'bin', 'renderspec'), ['--spec-style', 'fedora', '--epoch', '../../epoch/fedora.yaml'], { ...opts, cwd: distgitDir });
  return true;
}

export interface PreprocessContext {
  packageName: string;
  distgitDir: string;
  /** The package's upstream clone (DLRN's <datadir>/<package>). */
  sourceDir: string;
  commitHash: string;
  /** The rdoinfo file, for the rdoinfo driver. */
  distroinfo?: string;
}

/** DLRN's custom_preprocess: each command through a shell in the distgit directory, with DLRN's variables. */
export async function runCustomPreprocess(commands: readonly string[], c: PreprocessContext, opts: RunOptions = {}): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    LANG: 'C',
    DLRN_PACKAGE_NAME: c.packageName,
    DLRN_DISTGIT: c.distgitDir,
    DLRN_SOURCEDIR: c.sourceDir,
    DLRN_SOURCE_COMMIT: c.commitHash,
    ...(c.distroinfo ? { DLRN_DISTROINFO_REPO: c.distroinfo } : {}),
    ...(process.env.USER ? { DLRN_USER: process.env.USER } : {}),
  };
  for (const command of commands) {
    await run('/bin/sh', ['-c', command], { ...opts, cwd: c.distgitDir, env: { ...opts.env, ...env } });
  }
}
