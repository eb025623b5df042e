/**
 * Validates deliverable files on disk: YAML, the schema, then the release rules
 * with facts from the project repositories the lookup driver finds. The
 * releases repository root is the directory above `deliverables/`.
 */
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { currentSeries, deliverablePathParts, parseDeliverable, parseSeriesStatus, type SeriesInfo } from '../../domain/release/deliverable';
import { deliverableSchemaProblems } from '../../domain/release/schema';
import { CLOSED_SERIES, repoQuestions, validateDeliverable, type Finding, type RepoFacts } from '../../domain/release/validate';
import { gatherRepoFacts } from './repo-facts';
import type { RepoLookupDriver } from './repo-driver';

export interface FileReport {
  file: string;
  /** Why the file was not checked (deleted, closed series), when it was not. */
  notChecked?: string;
  findings: Finding[];
}

/** Loads a deliverable file as PyYAML would (YAML 1.1 scalars: yes/no are booleans). */
export async function readYamlFile(file: string): Promise<unknown> {
  return parseYaml(await readFile(file, 'utf8'), { version: '1.1' });
}

/** The releases repository root of a deliverable file: `<root>/deliverables/<series>/<name>.yaml`. */
export const releasesRootOf = (file: string) => path.resolve(path.dirname(file), '..', '..');

async function seriesStatus(root: string): Promise<SeriesInfo[]> {
  try {
    return parseSeriesStatus(await readYamlFile(path.join(root, 'data', 'series_status.yaml')));
  } catch {
    return [];
  }
}

export interface ValidateOptions {
  repos: RepoLookupDriver;
  /** The series under development; from data/series_status.yaml when absent. */
  currentSeries?: string;
}

/** Validates each file; one report per file, in the order given. */
export async function validateFiles(files: string[], opts: ValidateOptions): Promise<FileReport[]> {
  const factsCache = new Map<string, Promise<RepoFacts | null>>();
  const reports: FileReport[] = [];
  for (const file of files) {
    let raw: unknown;
    try {
      raw = await readYamlFile(file);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') {
        reports.push({ file, notChecked: 'File was deleted, skipping.', findings: [] });
        continue;
      }
      reports.push({ file, findings: [{ level: 'error', check: 'check_schema', message: `invalid YAML: ${err.message.split('\n')[0]}` }] });
      continue;
    }
    const schema = deliverableSchemaProblems(raw ?? {});
    if (schema.length) {
      reports.push({ file, findings: schema.map((p) => ({ level: 'error', check: 'check_schema', message: p.path ? `${p.path}: ${p.message}` : p.message })) });
      continue;
    }
    const d = parseDeliverable(file, raw ?? {});
    if (CLOSED_SERIES.has(d.series)) {
      reports.push({ file, notChecked: 'File is part of a closed series, skipping', findings: [] });
      continue;
    }
    const root = releasesRootOf(file);
    const series = await seriesStatus(root);
    const deliverablesDir = path.join(root, 'deliverables');
    const seriesDirs = (await readdir(deliverablesDir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    const siblings = [];
    for (const dir of seriesDirs.filter((s) => !s.startsWith('_'))) {
      const sibling = path.join(deliverablesDir, dir, `${d.name}.yaml`);
      const data = await readYamlFile(sibling).catch(() => undefined);
      if (data === undefined) continue;
      const parsed = parseDeliverable(sibling, data);
      siblings.push({ file: sibling, seriesDir: deliverablePathParts(sibling).seriesDir, branches: parsed.branches.map((b) => b.name) });
    }
    const questions = repoQuestions(d);
    const facts = new Map<string, RepoFacts | null>();
    for (const [repo, q] of questions) {
      const key = `${repo}\n${JSON.stringify(q)}`;
      if (!factsCache.has(key)) {
        factsCache.set(key, (async () => {
          const located = await opts.repos.locate(repo);
          return located?.gitDir ? gatherRepoFacts(located.gitDir, q) : null;
        })());
      }
      facts.set(repo, await factsCache.get(key)!);
    }
    const findings = validateDeliverable(d, {
      series,
      currentSeries: opts.currentSeries ?? currentSeries(series),
      knownSeries: seriesDirs.filter((s) => !s.startsWith('_')),
      repo: (name) => facts.get(name) ?? null,
      siblings,
    });
    reports.push({ file, findings });
  }
  return reports;
}
