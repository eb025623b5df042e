/**
 * A small re-implementation of what PyYAML's `yaml.dump(data,
 * default_flow_style=False)` prints for the one shape DLRN dumps into
 * commit.yaml: `{'commits': [ {column: str(value), ...} ]}`, every value a
 * string. Covers PyYAML's choice between plain, single- and double-quoted
 * scalars (including its implicit-type resolver, so `'123'`, `'True'`, `''`
 * get quoted), its escapes (allow_unicode=False) and its line folding at
 * width 80, so the bytes match DLRN's file.
 */

const BEST_WIDTH = 80;
/** Continuation-line indent of a value in `- key: value` inside `commits:`. */
const VALUE_INDENT = 4;

const WHITESPACE = new Set(['\0', ' ', '\t', '\r', '\n', '\x85', '\u2028', '\u2029']);
const BREAKS = new Set(['\n', '\x85', '\u2028', '\u2029']);

// YAML 1.1 implicit types PyYAML's resolver recognises. A plain scalar that
// matches one would load back as non-string, so the emitter must quote it.
const IMPLICIT_NON_STRING: readonly RegExp[] = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
  /^(?:=)$/,
  /^(?:!|&|\*)$/,
];

/** True if a plain scalar with this text would NOT load back as a string. */
export function resolvesToNonString(value: string): boolean {
  // Python's `$` also matches before one final newline.
  const candidates = value.endsWith('\n') ? [value, value.slice(0, -1)] : [value];
  return IMPLICIT_NON_STRING.some((re) => candidates.some((v) => re.test(v)));
}

interface Analysis {
  allowPlain: boolean;
  allowSingleQuoted: boolean;
}

function analyze(chars: readonly string[]): Analysis {
  if (chars.length === 0) return { allowPlain: true, allowSingleQuoted: true };
  let blockIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  const text = chars.join('');
  if (text.startsWith('---') || text.startsWith('...')) blockIndicators = true;
  let previousSpace = false;
  let previousBreak = false;
  const last = chars.length - 1;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const followedByWs = i + 1 >= chars.length || WHITESPACE.has(chars[i + 1]);
    const precededByWs = i === 0 || WHITESPACE.has(chars[i - 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ((ch === '?' || ch === ':') && followedByWs) blockIndicators = true;
      if (ch === '-' && followedByWs) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWs) blockIndicators = true;
      if (ch === '#' && precededByWs) blockIndicators = true;
    }
    if (BREAKS.has(ch)) lineBreaks = true;
    const cp = ch.codePointAt(0) as number;
    if (!(ch === '\n' || (cp >= 0x20 && cp <= 0x7e))) special = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.has(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
  }
  let allowPlain = true;
  let allowSingleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowPlain = false;
  if (breakSpace) allowPlain = allowSingleQuoted = false;
  if (spaceBreak || special) allowPlain = allowSingleQuoted = false;
  if (lineBreaks) allowPlain = false;
  if (blockIndicators) allowPlain = false;
  return { allowPlain, allowSingleQuoted };
}

const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\t': 't',
  '\n': 'n',
  '\x0b': 'v',
  '\x0c': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

function escapeChar(ch: string): string {
  if (ch in ESCAPES) return `\\${ESCAPES[ch]}`;
  const cp = ch.codePointAt(0) as number;
  const hex = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

/** Output buffer tracking the current column, like PyYAML's emitter. */
class Writer {
  out = '';
  column: number;
  constructor(startColumn: number) {
    this.column = startColumn;
  }
  write(s: string): void {
    this.out += s;
    this.column += [...s].length;
  }
  lineBreak(): void {
    this.out += '\n';
    this.column = 0;
  }
  indent(): void {
    if (this.column > 0) this.lineBreak();
    this.write(' '.repeat(VALUE_INDENT));
  }
}

function writePlain(w: Writer, chars: readonly string[]): void {
  w.write(' ');
  let spaces = false;
  let start = 0;
  for (let end = 0; end <= chars.length; end++) {
    const ch = end < chars.length ? chars[end] : null;
    if (spaces) {
      if (ch !== ' ') {
        if (start + 1 === end && w.column > BEST_WIDTH) w.indent();
        else w.write(chars.slice(start, end).join(''));
        start = end;
      }
    } else if (ch === null || ch === ' ') {
      w.write(chars.slice(start, end).join(''));
      start = end;
    }
    if (ch !== null) spaces = ch === ' ';
  }
}

function writeSingleQuoted(w: Writer, chars: readonly string[]): void {
  w.write(" '");
  let spaces = false;
  let breaks = false;
  let start = 0;
  for (let end = 0; end <= chars.length; end++) {
    const ch = end < chars.length ? chars[end] : null;
    if (spaces) {
      if (ch === null || ch !== ' ') {
        if (start + 1 === end && w.column > BEST_WIDTH && start !== 0 && end !== chars.length) w.indent();
        else w.write(chars.slice(start, end).join(''));
        start = end;
      }
    } else if (breaks) {
      if (ch === null || !BREAKS.has(ch)) {
        if (chars[start] === '\n') w.lineBreak();
        for (const br of chars.slice(start, end)) {
          if (br === '\n') w.lineBreak();
          else {
            w.out += br;
            w.column = 0;
          }
        }
        w.indent();
        start = end;
      }
    } else if (ch === null || ch === ' ' || BREAKS.has(ch) || ch === "'") {
      if (start < end) {
        w.write(chars.slice(start, end).join(''));
        start = end;
      }
    }
    if (ch === "'") {
      w.write("''");
      start = end + 1;
    }
    if (ch !== null) {
      spaces = ch === ' ';
      breaks = BREAKS.has(ch);
    }
  }
  w.write("'");
}

function writeDoubleQuoted(w: Writer, chars: readonly string[]): void {
  w.write(' "');
  let start = 0;
  for (let end = 0; end <= chars.length; end++) {
    const ch = end < chars.length ? chars[end] : null;
    const cp = ch === null ? 0 : (ch.codePointAt(0) as number);
    if (ch === null || '"\\\x85\u2028\u2029\ufeff'.includes(ch) || !(cp >= 0x20 && cp <= 0x7e)) {
      if (start < end) {
        w.write(chars.slice(start, end).join(''));
        start = end;
      }
      if (ch !== null) {
        w.write(escapeChar(ch));
        start = end + 1;
      }
    }
    if (
      end > 0 &&
      end < chars.length - 1 &&
      (ch === ' ' || start >= end) &&
      w.column + (end - start) > BEST_WIDTH
    ) {
      const data = chars.slice(start, end).join('') + '\\';
      if (start < end) start = end;
      w.write(data);
      w.indent();
      if (chars[start] === ' ') w.write('\\');
    }
  }
  w.write('"');
}

/**
 * One `key: value` scalar as PyYAML writes it inside a block mapping that is a
 * sequence item (`startColumn` = column right after `key:`). Returns the
 * text after the colon, without the final newline.
 */
export function emitStringValue(value: string, startColumn: number): string {
  const chars = [...value];
  const a = analyze(chars);
  const w = new Writer(startColumn);
  if (a.allowPlain && !resolvesToNonString(value)) writePlain(w, chars);
  else if (a.allowSingleQuoted) writeSingleQuoted(w, chars);
  else writeDoubleQuoted(w, chars);
  return w.out;
}

/**
 * `yaml.dump({listKey: items}, default_flow_style=False)` for a list of
 * flat string-valued mappings (keys sorted, as PyYAML does by default).
 */
export function dumpListOfStringMaps(listKey: string, items: ReadonlyArray<Record<string, string>>): string {
  if (items.length === 0) return `${listKey}: []\n`;
  let out = `${listKey}:\n`;
  for (const item of items) {
    const keys = Object.keys(item).sort();
    keys.forEach((key, i) => {
      const head = `${i === 0 ? '- ' : '  '}${key}:`;
      out += head + emitStringValue(item[key], head.length) + '\n';
    });
  }
  return out;
}
