/**
 * DLRN API errors: an HTTP status and the `{"message": …}` text DLRN answers,
 * plus Python's repr of strings and dicts, which DLRN's messages embed.
 */

/** A client error answered as DLRN's InvalidUsage: `{"message": …}` with this status. */
export class DlrnApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DlrnApiError';
  }
}

/** Python's `repr()` of a str: single quotes unless the text holds one and no double quote, escapes as CPython writes them. */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if ((code >= 0x80 && code < 0xa0) || code === 0xad) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if ((code >= 0xd800 && code < 0xe000) || code === 0xfeff || (code >= 0x2028 && code <= 0x2029)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's `str()` of a dict of str to str: `{'a': 'b', 'c': 'd'}`. */
export function pyDictRepr(entries: ReadonlyArray<readonly [string, string]>): string {
  return `{${entries.map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
}
