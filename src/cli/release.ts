/** `trunkflow release …`: validate deliverable files, and (with a cluster) steer the release workflows. */
import * as path from 'node:path';
import type { Config } from '../config';
import { formatFinding } from '../domain/release/validate';
import { git } from '../activities/git';
import { createLocalGitRepos } from '../activities/release/localgit-repos';
import { validateFiles } from '../activities/release/validate-files';

/** Deliverable files the last commit of the repository at cwd changed (upstream's default input). */
async function changedDeliverables(cwd: string): Promise<string[]> {
  const out = await git(cwd, ['diff', '--name-only', 'HEAD^', '--', 'deliverables/']);
  return out.split('\n').filter((f) => f.endsWith('.yaml')).map((f) => path.join(cwd, f));
}

/**
 * Validates the files (default: those the last commit changed), prints one
 * `<file>: <check>: <message>` line per finding and upstream's summary;
 * returns the exit code (1 when there are errors).
 */
export async function runValidate(cfg: Config, files: string[], write: (line: string) => void): Promise<number> {
  const inputs = files.length ? files : await changedDeliverables(process.cwd());
  if (inputs.length === 0) {
    write('no modified deliverable files and no arguments, skipping validation');
    return 0;
  }
  const reports = await validateFiles(inputs, { repos: createLocalGitRepos(cfg.release.repos.root), currentSeries: cfg.release.currentSeries });
  const all = reports.flatMap((r) => r.findings.map((f) => ({ file: r.file, f })));
  for (const r of reports) if (r.notChecked) write(`${r.file}: ${r.notChecked}`);
  const skipped = all.filter((x) => x.f.level === 'skipped');
  const warnings = all.filter((x) => x.f.level === 'warning');
  const errors = all.filter((x) => x.f.level === 'error');
  for (const x of skipped) write(formatFinding(x.file, x.f));
  write(`${warnings.length} warnings found`);
  for (const x of warnings) write(formatFinding(x.file, x.f));
  write(`${errors.length} errors found`);
  for (const x of errors) write(formatFinding(x.file, x.f));
  return errors.length ? 1 : 0;
}
