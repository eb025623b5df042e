import { mockConfigFor } from '../../../src/domain/trunk/mock-config';

const template = "config_opts['root'] = 'centos-stream-10-x86_64'\nconfig_opts['dnf.conf'] = \"\"\"\n[main]\n\n[baseos]\nbaseurl=x\n\"\"\"\n";

describe('mockConfigFor (DLRN build.py dlrn-<worker>.cfg)', () => {
  test('adds the current repo, then the deps repo, before the closing quotes; root suffixed by the slot', () => {
    expect(mockConfigFor({ template, slot: 4, currentRepo: '[delorean]\nbaseurl=c\n', depsRepo: '[deps]\nbaseurl=d\n' })).toBe(
      "config_opts['root'] = 'centos-stream-10-x86_64-4'\nconfig_opts['dnf.conf'] = \"\"\"\n[main]\n\n[baseos]\nbaseurl=x\n" +
        '[delorean]\nbaseurl=c\n[deps]\nbaseurl=d\n\n"""',
    );
  });

  test('without a current repo yet nor a readable deps_url, only the root changes', () => {
    expect(mockConfigFor({ template, slot: 1, currentRepo: null, depsRepo: null })).toBe(template.replace("x86_64'", "x86_64-1'"));
  });

  test('a template not ending with the closing quotes, or a bad slot, is an error', () => {
    expect(() => mockConfigFor({ template: `${template}# trailing\n`, slot: 1, currentRepo: 'r', depsRepo: null })).toThrow(
      'mock template: the last line must be the closing """ of the dnf.conf string, found "# trailing"',
    );
    expect(() => mockConfigFor({ template, slot: 0, currentRepo: null, depsRepo: null })).toThrow('build slot must be a positive integer');
  });
});
