import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fsReader } from '../../src/activities/rdoinfo-files';
import { loadRdoinfo, packagesForRelease, RdoinfoError, type RdoInfo, type ReadFile, type ResolvedPackage } from '../../src/domain/rdoinfo';

const RDOINFO = path.resolve(__dirname, '../../../shared/data/rdoinfo');
const FIXTURE = path.resolve(__dirname, '../fixtures/rdoinfo-flamingo.expected.json');

/** In-memory rdoinfo: file name → YAML text. */
function mapReader(files: Record<string, string>): ReadFile {
  const map = new Map(Object.entries(files));
  return (p) => {
    const text = map.get(p);
    if (text === undefined) throw new Error(`no such file: ${p}`);
    return text;
  };
}

/** Back to distroinfo's flat shape: typed fields plus `extra`, undefined dropped. */
function flatten(p: ResolvedPackage): Record<string, unknown> {
  const { extra, ...known } = p;
  return JSON.parse(JSON.stringify({ ...known, ...extra })) as Record<string, unknown>;
}

function thrown(fn: () => unknown): RdoinfoError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RdoinfoError) return e;
    throw e;
  }
  throw new Error('expected an RdoinfoError, nothing was thrown');
}

const RELEASES = `
releases:
- name: rel1
  status: development
  branch: rpm-master
  identifier: "2099.1"
  upstream_branch: master
  repos:
  - name: el9s
    buildsys: cbs/cloud9s-rel1
    buildsys-tags: [cloud9s-rel1-build]
    distrepos:
    - name: base
      url: http://example.invalid/base/
  - name: el10s
    branch: el10-branch
`;

const TEMPLATES = `
package-default:
  name: python-%(project)s
  master-distgit: https://example.invalid/%(project)s-distgit.git
  tags:
    old-release:
package-configs:
  core:
    name: openstack-%(project)s
    upstream: https://opendev.invalid/openstack/%(project)s
    distgit: https://example.invalid/%(project)s-distgit.git
    patches: https://example.invalid/%(project)s.git?x=100%%
    component: common
    maintainers:
    - core@example.invalid
`;

describe('rdoinfo: the real database', () => {
  let info: RdoInfo;
  let got: ResolvedPackage[];
  let expected: Array<Record<string, unknown>>;
  beforeAll(() => {
    info = loadRdoinfo(fsReader(RDOINFO));
    got = packagesForRelease(info, 'flamingo');
    expected = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Array<Record<string, unknown>>;
  });

  it('resolves the 249 flamingo packages, sorted by name', () => {
    expect(got).toHaveLength(249);
    expect(got.map((p) => p.name)).toEqual(expected.map((p) => p.name));
  });

  it('matches distroinfo field by field', () => {
    const mismatches: string[] = [];
    const byName = new Map(got.map((p) => [p.name, flatten(p)]));
    for (const want of expected) {
      const name = String(want.name);
      const have = byName.get(name);
      if (!have) {
        mismatches.push(`${name}: missing`);
        continue;
      }
      for (const key of new Set([...Object.keys(want), ...Object.keys(have)])) {
        if (!isDeepStrictEqual(have[key], want[key])) {
          mismatches.push(`${name}: ${key}: got ${JSON.stringify(have[key])}, expected ${JSON.stringify(want[key])}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('gives JSON with the keys the CLI documents', () => {
    const nova = got.find((p) => p.project === 'nova');
    expect(nova).toBeDefined();
    const json = JSON.parse(JSON.stringify(nova)) as Record<string, unknown>;
    for (const key of ['name', 'project', 'upstream', 'master-distgit', 'distgit', 'maintainers', 'component', 'tags']) {
      expect(json).toHaveProperty([key]);
    }
  });

  it('exposes releases, with repo branches inherited from the release', () => {
    expect(info.releaseNames()).toEqual(expect.arrayContaining(['flamingo', 'epoxy', 'train']));
    const flamingo = info.releases.find((r) => r.name === 'flamingo');
    expect(flamingo).toMatchObject({ status: 'development', branch: 'rpm-master', identifier: '2025.2', upstream_branch: 'master' });
    expect(flamingo?.repos.map((r) => r.name)).toEqual(['el9s', 'el10s']);
    expect(flamingo?.repos[0]).toMatchObject({ branch: 'rpm-master', buildsys: 'cbs/cloud9s-openstack-flamingo-el9s' });
    expect(flamingo?.repos[0]['buildsys-tags']).toContain('cloud9s-openstack-flamingo-testing');
  });

  it('rejects an unknown release, naming it', () => {
    expect(thrown(() => packagesForRelease(info, 'flamingo-uc')).message).toMatch(/unknown release 'flamingo-uc'/);
  });
});

describe('rdoinfo: semantics', () => {
  it('substitutes %(project)s in templates, %% as a literal, and only in top-level strings', () => {
    const info = loadRdoinfo(
      mapReader({
        'rdo.yml': `${RELEASES}${TEMPLATES}
packages:
- project: nova
  conf: core
  maintainers: ['%(project)s@example.invalid']
  tags: {rel1: }
`,
      }),
      'rdo.yml',
    );
    const [nova] = packagesForRelease(info, 'rel1');
    expect(nova.name).toBe('openstack-nova');
    expect(nova.upstream).toBe('https://opendev.invalid/openstack/nova');
    expect(nova['master-distgit']).toBe('https://example.invalid/nova-distgit.git');
    expect(nova.extra.patches).toBe('https://example.invalid/nova.git?x=100%');
    expect(nova.maintainers).toEqual(['%(project)s@example.invalid']);
  });

  it('lets package keys beat the template, and the template beat package-default, key by key', () => {
    const info = loadRdoinfo(
      mapReader({
        'rdo.yml': `${RELEASES}${TEMPLATES}
packages:
- project: nova
  conf: core
  component: compute
  upstream: https://github.invalid/nova
  maintainers: [own@example.invalid]
  tags: {rel1: }
- project: plain
  maintainers: [p@example.invalid]
  upstream: https://example.invalid/plain
`,
      }),
      'rdo.yml',
    );
    const nova = info.packages.find((p) => p.project === 'nova');
    expect(nova).toMatchObject({ name: 'openstack-nova', component: 'compute', upstream: 'https://github.invalid/nova' });
    // Shallow update: the package's maintainers replace the template's.
    expect(nova?.maintainers).toEqual(['own@example.invalid']);
    // The package's tags replace package-default's, so it is not tagged old-release.
    expect(nova?.tags).toEqual({ rel1: null });
    const plain = info.packages.find((p) => p.project === 'plain');
    expect(plain).toMatchObject({ name: 'python-plain', tags: { 'old-release': null } });
  });

  it('applies the release tag overrides and keeps only packages with that exact tag', () => {
    const info = loadRdoinfo(
      mapReader({
        'rdo.yml': `${RELEASES}${TEMPLATES}
packages:
- {project: nova, conf: core}
- {project: glance, conf: core}
- {project: swift, conf: core}
- {project: uconly, conf: core}
import: [tags/rel1.yml, tags/rel0.yml]
`,
        'tags/rel1.yml': `
packages:
- project: nova
  tags:
    rel1:
      component: compute
      source-branch: 1.2.0
      distgit: https://example.invalid/%(name)s-rel1.git
- project: glance
  tags: {rel1: }
- project: uconly
  tags: {rel1-uc: }
`,
        'tags/rel0.yml': `
packages:
- project: nova
  tags: {rel0: {component: other}}
`,
      }),
      'rdo.yml',
    );
    const pkgs = packagesForRelease(info, 'rel1');
    expect(pkgs.map((p) => p.project)).toEqual(['glance', 'nova']);
    const [glance, nova] = pkgs;
    expect(nova.component).toBe('compute');
    expect(nova.extra['source-branch']).toBe('1.2.0');
    // Overrides are substituted after being applied, from the unsubstituted package.
    expect(nova.distgit).toBe('https://example.invalid/openstack-%(project)s-rel1.git');
    // Tags from several files merge; other releases' overrides stay inert.
    expect(nova.tags).toEqual({ rel1: { component: 'compute', 'source-branch': '1.2.0', distgit: 'https://example.invalid/%(name)s-rel1.git' }, rel0: { component: 'other' } });
    expect(glance.component).toBe('common');
    expect(glance.extra['source-branch']).toBeUndefined();
    // Without a tag applied, nova keeps the template's component.
    expect(info.packages.find((p) => p.project === 'nova')?.component).toBe('common');
  });

  it('follows import chains from the rdoinfo root and merges like distroinfo', () => {
    const info = loadRdoinfo(
      mapReader({
        'full.yml': 'import: [rdo.yml, deps/deps.yml, shared.yml]\n',
        'rdo.yml': `${RELEASES}${TEMPLATES}
import: [shared.yml]
packages:
- {project: nova, conf: core}
`,
        // Imports are relative to the root, not to deps/.
        'deps/deps.yml': `
import: [deps/more.yml]
packages:
- project: nova
  maintainers: [deps@example.invalid]
`,
        'deps/more.yml': `
packages:
- project: extra-dep
  upstream: https://example.invalid/extra-dep
  maintainers: [x@example.invalid]
  tags: {rel1: }
`,
        // Imported twice (by rdo.yml and full.yml): merged twice, lists add up.
        'shared.yml': `
packages:
- project: nova
  tags: {rel1: }
  maintainers: [shared@example.invalid]
`,
      }),
      'full.yml',
    );
    expect(info.sourcesOf('nova')).toEqual(['rdo.yml', 'shared.yml', 'deps/deps.yml']);
    const pkgs = packagesForRelease(info, 'rel1');
    expect(pkgs.map((p) => p.name)).toEqual(['openstack-nova', 'python-extra-dep']);
    // Lists from different files concatenate (and replace the template's).
    expect(pkgs[0].maintainers).toEqual(['shared@example.invalid', 'deps@example.invalid', 'shared@example.invalid']);
  });

  it('parses scalars as PyYAML does', () => {
    const info = loadRdoinfo(
      mapReader({
        'rdo.yml': `${RELEASES}${TEMPLATES}
packages:
- project: nova
  conf: core
  flags: [y, n, yes, off, 1e3, 1.0e+3, 2024-01-02, '1.10']
`,
      }),
      'rdo.yml',
    );
    expect(info.packages[0].flags).toEqual(['y', 'n', true, false, '1e3', 1000, '2024-01-02', '1.10']);
  });
});

describe('rdoinfo: errors', () => {
  const base = `${RELEASES}${TEMPLATES}`;

  it('names every file of an import cycle', () => {
    const err = thrown(() =>
      loadRdoinfo(
        mapReader({
          'rdo.yml': `${base}import: [a.yml]\npackages: []\n`,
          'a.yml': 'import: [sub/b.yml]\n',
          'sub/b.yml': 'import: [./a.yml]\n',
        }),
        'rdo.yml',
      ),
    );
    expect(err.message).toMatch(/import cycle: a\.yml -> sub\/b\.yml -> a\.yml/);
    expect(err.file).toBe('sub/b.yml');
  });

  it('names the file and package of an unknown conf template', () => {
    const err = thrown(() =>
      loadRdoinfo(
        mapReader({
          'rdo.yml': `${base}import: [deps.yml]\npackages:\n- {project: nova, conf: core}\n`,
          'deps.yml': 'packages:\n- {project: nova}\n- {project: foo, name: libfoo, conf: no-such-conf}\n',
        }),
        'rdo.yml',
      ),
    );
    expect(err.message).toBe("deps.yml: package 'libfoo': unknown conf template 'no-such-conf'");
    expect(err).toMatchObject({ file: 'deps.yml', pkg: 'libfoo' });
  });

  it('names the package and its file when a required field is missing', () => {
    const read = (pkg: string) => mapReader({ 'rdo.yml': `${base}packages:\n- project: nova\n  conf: core\n  tags: {rel1: }\n${pkg}` });
    // A project tagged in a tags file but defined nowhere has no maintainers.
    expect(thrown(() => loadRdoinfo(read('- {project: typo, tags: {rel1: }}\n'), 'rdo.yml')).message).toBe(
      "rdo.yml: package 'python-typo': missing required field 'maintainers'",
    );
    expect(thrown(() => loadRdoinfo(read('- {project: bare, maintainers: []}\n'), 'rdo.yml')).message).toMatch(
      /^rdo\.yml: package 'python-bare': 'maintainers' must list at least one/,
    );
    expect(thrown(() => loadRdoinfo(read('- {project: bad, maintainers: [nobody]}\n'), 'rdo.yml')).message).toMatch(
      /package 'python-bad': maintainer "nobody" is not an email address/,
    );
    // upstream is not required by distroinfo, but is for a release's packages.
    const info = loadRdoinfo(read('- {project: noup, maintainers: [a@example.invalid], tags: {rel1: }}\n'), 'rdo.yml');
    expect(thrown(() => packagesForRelease(info, 'rel1')).message).toBe(
      "rdo.yml: package 'python-noup': missing required field 'upstream'",
    );
  });

  it('names the file with a YAML syntax error', () => {
    const err = thrown(() => loadRdoinfo(mapReader({ 'rdo.yml': 'import: [bad.yml]\n', 'bad.yml': 'packages: [\n' }), 'rdo.yml'));
    expect(err.file).toBe('bad.yml');
    expect(err.message).toMatch(/^bad\.yml: YAML syntax error/);
  });

  it('names the importing and the missing file', () => {
    const err = thrown(() => loadRdoinfo(mapReader({ 'rdo.yml': `${base}import: [tags/gone.yml]\n` }), 'rdo.yml'));
    expect(err.message).toMatch(/^rdo\.yml: cannot read imported file 'tags\/gone\.yml'/);
  });

  it('rejects a missing packages section and an unknown release', () => {
    expect(thrown(() => loadRdoinfo(mapReader({ 'rdo.yml': base }), 'rdo.yml')).message).toBe(
      "rdo.yml: missing required section 'packages'",
    );
    const info = loadRdoinfo(mapReader({ 'rdo.yml': `${base}packages: []\n` }), 'rdo.yml');
    expect(thrown(() => packagesForRelease(info, 'rel9')).message).toMatch(/unknown release 'rel9' \(known: rel1\)/);
  });
});
