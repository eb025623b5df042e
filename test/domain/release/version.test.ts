import { parsePipVersion, pep440Normalize, releaseString, versionProblems } from '../../../src/domain/release/version';

const canonical = (v: string) => releaseString(parsePipVersion(v));

describe('pbr versions', () => {
  test.each([
    ['1.2.3', '1.2.3'],
    ['1.2.3.0b1', '1.2.3.0b1'],
    ['1.2.3.0rc1', '1.2.3.0rc1'],
    ['1.0', '1.0.0'],
    ['v1.0.0', '1.0.0'],
    ['1.0.0b1', '1.0.0.0b1'],
    ['1.0.0rc2', '1.0.0.0rc2'],
    ['1.2.3.4', '1.2.3.dev4'],
    ['2', '2.0.0'],
    ['1.2.3.dev5', '1.2.3.dev5'],
    ['1.2.3.post2', '1.2.4.dev2'],
  ])('%s is written %s', (input, expected) => {
    expect(canonical(input)).toBe(expected);
  });

  test('what pbr refuses, with its message', () => {
    expect(versionProblems('1.0.0-rc1')).toEqual(["Invalid version: Unknown remainder ['-rc1'] in '1.0.0-rc1'"]);
    expect(versionProblems('stable')).toEqual(["Invalid version: Invalid version 'stable'"]);
    expect(versionProblems('1.2.3.0bx')).toEqual(["Invalid version: invalid literal for int() with base 10: ''"]);
  });

  test('non-canonical spellings and pre-releases the model forbids', () => {
    expect(versionProblems('1.0')).toEqual(["Version '1.0' does not match canonical form '1.0.0'"]);
    expect(versionProblems('1.0.0b1', 'python-service', true)).toEqual(["Version '1.0.0b1' does not match canonical form '1.0.0.0b1'"]);
    expect(versionProblems('1.0.0.0b1', 'python-pypi', false)).toEqual(['Version 1.0.0.0b1 looks like a pre-release and the release model does not allow for it']);
    expect(versionProblems('1.0.0', 'python-pypi', false)).toEqual([]);
    expect(versionProblems('1.0.0', 'rust')).toEqual(["Release Type 'rust' not valid using 'python-service' instead"]);
  });

  test('xstatic versions follow PEP 440', () => {
    expect(pep440Normalize('1.2.3.1')).toBe('1.2.3.1');
    expect(pep440Normalize('1.0RC1')).toBe('1.0rc1');
    expect(versionProblems('1.2.3.1', 'xstatic')).toEqual([]);
    expect(versionProblems('1.0-beta', 'xstatic')).toEqual(["Version '1.0-beta' does not match canonical form '1.0b0'"]);
    expect(versionProblems('one', 'xstatic')).toEqual(["Invalid version: Invalid version: 'one'"]);
  });
});
