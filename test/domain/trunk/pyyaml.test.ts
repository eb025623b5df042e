import { dumpListOfStringMaps, emitStringValue, resolvesToNonString } from '../../../src/domain/trunk/pyyaml';

// Every expected string below is what PyYAML 6.0 printed for
// yaml.dump({'commits': [{key: value}]}, default_flow_style=False).
const dump = (key: string, value: string): string => dumpListOfStringMaps('commits', [{ [key]: value }]);

describe('PyYAML-compatible scalar emission', () => {
  it.each([
    ['', "- n: ''"],
    ['None', '- n: None'],
    ['123', "- n: '123'"],
    ['True', "- n: 'True'"],
    ['yes', "- n: 'yes'"],
    ['1.5', "- n: '1.5'"],
    ['0o17', '- n: 0o17'],
    ['2001-12-14', "- n: '2001-12-14'"],
    ['~', "- n: '~'"],
    ['a: b', "- n: 'a: b'"],
    ['a:b', '- n: a:b'],
    ['#x', "- n: '#x'"],
    ['a #b', "- n: 'a #b'"],
    ['a#b', '- n: a#b'],
    ['- a', "- n: '- a'"],
    ['-a', '- n: -a'],
    [' lead', "- n: ' lead'"],
    ['trail ', "- n: 'trail '"],
    ["it's", "- n: it's"],
    ["'quoted'", "- n: '''quoted'''"],
    ['caf\u00e9', '- n: "caf\\xE9"'],
    ['tab\there', '- n: "tab\\there"'],
    ['\ud83d\ude00', '- n: "\\U0001F600"'],
  ])('%j', (value, line) => {
    expect(dump('n', value)).toBe(`commits:\n${line}\n`);
  });

  it('folds multi-line strings into single quotes with blank-line breaks', () => {
    expect(dump('x', "it's a\nmulti  line")).toBe("commits:\n- x: 'it''s a\n\n    multi  line'\n");
  });

  it('double-quotes when a space precedes a break', () => {
    expect(dump('x', 'a \nb')).toBe('commits:\n- x: "a \\nb"\n');
  });

  it('wraps long plain scalars at width 80 with a 4-space indent', () => {
    const words = Array.from({ length: 30 }, () => 'word').join(' ');
    expect(dump('notes', `Build failed ${words} end`)).toBe(
      'commits:\n' +
        '- notes: Build failed word word word word word word word word word word word word\n' +
        '    word word word word word word word word word word word word word word word word\n' +
        '    word word end\n',
    );
  });

  it('single-quotes (and wraps) a value containing ": "', () => {
    const words = Array.from({ length: 30 }, () => 'word').join(' ');
    expect(dump('notes', `Error: ${words} end`)).toBe(
      'commits:\n' +
        "- notes: 'Error: word word word word word word word word word word word word word\n" +
        '    word word word word word word word word word word word word word word word word\n' +
        "    word end'\n",
    );
  });

  it('wraps long double-quoted scalars with an escaped line end', () => {
    const value = 'x'.repeat(70) + ' ' + 'caf\u00e9 '.repeat(10);
    expect(dump('dq', value)).toBe(
      'commits:\n' +
        '- dq: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx caf\\xE9\\\n' +
        '    \\ caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 caf\\xE9 "\n',
    );
  });

  it('never folds at a trailing space of a single-quoted scalar', () => {
    expect(dump('notes', 'a'.repeat(85) + ' ')).toBe(`commits:\n- notes: '${'a'.repeat(85)} '\n`);
    expect(dump('notes', 'b'.repeat(85) + ' x ')).toBe(`commits:\n- notes: '${'b'.repeat(85)}\n    x '\n`);
  });

  it('never breaks a long word without spaces', () => {
    const long = 'repos/' + 'a'.repeat(200);
    expect(dump('artifacts', long)).toBe(`commits:\n- artifacts: ${long}\n`);
  });

  it('sorts keys and prints an empty list inline', () => {
    expect(dumpListOfStringMaps('commits', [{ b: '1x', a: 'y' }])).toBe('commits:\n- a: y\n  b: 1x\n');
    expect(dumpListOfStringMaps('commits', [])).toBe('commits: []\n');
  });

  it('emitStringValue starts with the separating space', () => {
    expect(emitStringValue('OK', 8)).toBe(' OK');
  });
});

describe('resolvesToNonString', () => {
  it('knows YAML 1.1 implicit types', () => {
    for (const v of ['', '~', 'null', 'NULL', 'on', 'Off', '0x1F', '0b101', '017', '1_000', '190:20:30', '.inf', '.NaN', '<<', '=', '2001-12-14t21:59:43.10-05:00', '1.', '+1.5e+3']) {
      expect([v, resolvesToNonString(v)]).toEqual([v, true]);
    }
    for (const v of ['None', '1e5', '0o17', 'Yes!', 'abc', '3a9326f251b9a4162eb0dfa9f1c924ef47c2c55a']) {
      expect([v, resolvesToNonString(v)]).toEqual([v, false]);
    }
  });
  it("allows one trailing newline like Python's $", () => {
    expect(resolvesToNonString('123\n')).toBe(true);
  });
});
