/** The layering rules of src/, checked on the sources: a rule broken here is a design regression. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../src/config';

const SRC = path.join(PROJECT_ROOT, 'src');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

const files = sources(SRC);
const text = new Map(files.map((f) => [f, fs.readFileSync(f, 'utf8')]));
const rel = (f: string) => path.relative(PROJECT_ROOT, f);

/** Runtime (not `import type`) relative imports of a file, resolved to files. */
function runtimeImports(file: string): string[] {
  const found: string[] = [];
  for (const m of text.get(file)!.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'(\.[^']+)'/gms)) {
    const base = path.resolve(path.dirname(file), m[1]);
    const target = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => text.has(c));
    if (target) found.push(target);
  }
  for (const m of text.get(file)!.matchAll(/await import\('(\.[^']+)'\)/g)) {
    const base = path.resolve(path.dirname(file), m[1]);
    const target = [`${base}.ts`, path.join(base, 'index.ts')].find((c) => text.has(c));
    if (target) found.push(target);
  }
  return found;
}

test('every exported function and constant of src/domain is used by src/', () => {
  const unused: string[] = [];
  for (const file of files.filter((f) => f.startsWith(path.join(SRC, 'domain')))) {
    for (const m of text.get(file)!.matchAll(/^export (?:async )?(?:function|const|class) ([A-Za-z0-9_]+)/gm)) {
      const name = m[1];
      const word = new RegExp(`\\b${name}\\b`, 'g');
      const uses = files.reduce((n, f) => n + (text.get(f)!.match(word)?.length ?? 0), 0);
      if (uses < 2) unused.push(`${rel(file)}: ${name}`);
    }
  }
  expect(unused).toEqual([]);
});

test('activities never load workflow modules at run time', () => {
  const offenders = files
    .filter((f) => f.startsWith(path.join(SRC, 'activities')))
    .flatMap((f) => runtimeImports(f).filter((t) => t.startsWith(path.join(SRC, 'workflows'))).map((t) => `${rel(f)} -> ${rel(t)}`));
  expect(offenders).toEqual([]);
});

test('SQL lives in src/db only', () => {
  const sql = /['`"]\s*(SELECT\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|CREATE\s+(TABLE|INDEX)\s)/i;
  const offenders = files.filter((f) => !f.startsWith(path.join(SRC, 'db')) && sql.test(text.get(f)!)).map(rel);
  expect(offenders).toEqual([]);
});

test('no import cycles among src/ modules', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (file: string, trail: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'visiting') {
      cycles.push([...trail.slice(trail.indexOf(file)), file].map(rel).join(' -> '));
      return;
    }
    state.set(file, 'visiting');
    for (const next of runtimeImports(file)) visit(next, [...trail, file]);
    state.set(file, 'done');
  };
  for (const f of files) visit(f, []);
  expect(cycles).toEqual([]);
});
