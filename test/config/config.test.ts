import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildConfig, buildToolsOf, ConfigError, loadConfig, PROJECT_ROOT } from '../../src/config';

function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-config-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('configuration', () => {
  it('runs on embedded defaults without a file', () => {
    const cfg = buildConfig({}, 'embedded defaults', PROJECT_ROOT, {});
    expect(cfg.temporal.address).toBe('127.0.0.1:7233');
    expect(cfg.paths.repos).toBe(path.join(PROJECT_ROOT, '.data', 'repos'));
    expect(cfg.http.publicUrl).toBe('http://127.0.0.1:8080');
  });

  it('resolves relative paths against the file and lets the environment override it', () => {
    const file = tempFile('trunkflow.yaml', 'paths:\n  data: state\nhttp:\n  port: 9000\n');
    const cfg = loadConfig(file, { TRUNKFLOW_HTTP_PORT: '9100', DATABASE_URL: 'postgres://u@db:5432/x' });
    expect(cfg.paths.data).toBe(path.join(path.dirname(file), 'state'));
    expect(cfg.http.port).toBe(9100);
    expect(cfg.database.url).toBe('postgres://u@db:5432/x');
    expect(cfg.source).toBe(file);
  });

  it('names the file, field path and reason of a bad value', () => {
    const file = tempFile('bad.yaml', 'http:\n  port: not-a-port\ndrivers:\n  build: docker\n');
    expect(() => loadConfig(file, {})).toThrow(ConfigError);
    try {
      loadConfig(file, {});
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toContain(`${file}: http.port:`);
      expect(message).toContain(`${file}: drivers.build:`);
    }
  });

  it('rejects unknown keys instead of ignoring a typo', () => {
    expect(() => buildConfig({ temporal: { adress: 'x:1' } }, 'f.yaml', '/', {})).toThrow(/f\.yaml: temporal: .*adress/);
  });

  it('reports YAML syntax errors with the file and line', () => {
    const file = tempFile('broken.yaml', 'temporal:\n  address: [unclosed\n');
    expect(() => loadConfig(file, {})).toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(line \\d+\\): invalid YAML`));
  });

  it('names a missing file', () => {
    expect(() => loadConfig('/nonexistent/trunkflow.yaml', {})).toThrow('/nonexistent/trunkflow.yaml: cannot read');
  });

  it('accepts the commented example, which describes the embedded defaults', () => {
    const example = loadConfig(path.join(PROJECT_ROOT, 'trunkflow.example.yaml'), {});
    const defaults = buildConfig({}, 'embedded defaults', PROJECT_ROOT, {});
    expect(example.trunks).toEqual(defaults.trunks);
    expect({ ...example.temporal, ...example.drivers, ...example.http }).toEqual({ ...defaults.temporal, ...defaults.drivers, ...defaults.http });
  });

  it('picks build tools by distro, and names a trunk whose tools or mock template are missing', () => {
    const cfg = buildConfig({ trunks: [{ name: 'a', release: 'x', distro: 'el10', buildDriver: 'mock', mockTemplate: 'centos10-stream.cfg' }] }, 'f.yaml', '/etc/tf', {});
    expect(buildToolsOf(cfg, cfg.trunks[0])).toEqual({ setuptools: '80.10.2', pbr: '6.1.1', renderspec: '2.3.0' });
    expect(cfg.trunks[0].mockTemplate).toBe('/etc/tf/centos10-stream.cfg');
    expect(() => buildConfig({ trunks: [{ name: 'a', release: 'x', distro: 'el8' }] }, 'f.yaml', '/', {})).toThrow(
      'f.yaml: trunks.0.distro: no build tools "el8" in buildTools (configured: el9, el10)',
    );
    expect(() => buildConfig({ trunks: [{ name: 'a', release: 'x', buildDriver: 'mock' }] }, 'f.yaml', '/', {})).toThrow(
      'f.yaml: trunks.0.mockTemplate: required when the trunk builds with mock',
    );
  });

  it('names a trunk given twice', () => {
    expect(() => buildConfig({ trunks: [{ name: 'a', release: 'x' }, { name: 'a', release: 'y' }] }, 'f.yaml', '/', {})).toThrow('f.yaml: trunks.1.name: "a" is used by another trunk');
  });
});
