/**
 * The mock configuration of one build slot, as DLRN's build.py writes
 * `dlrn-<worker>.cfg`: the target's template with the trunk's `current` repo
 * file and its deps_url repo file added to the dnf.conf string (whose closing
 * `"""` must be the template's last line), and the root made unique per slot.
 * Pure: the caller reads the template and the repo files.
 */

export interface MockConfigInput {
  /** The target's template (DLRN's `<configdir>/<target>.cfg`). */
  template: string;
  /** The build slot (DLRN's worker id), from 1. */
  slot: number;
  /** `repos/current/<reponame>.repo` of the trunk, when there is one yet. */
  currentRepo: string | null;
  /** The deps_url repo file; null when it could not be read (DLRN then warns and leaves it out). */
  depsRepo: string | null;
}

/** Lines as Python's readlines() gives them: each with its newline, the last maybe without. */
function readlines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The last line, which closes the dnf.conf string, must be `"""`. */
function withoutClosingQuotes(lines: string[], what: string): string[] {
  const last = lines[lines.length - 1]?.trim();
  if (last !== '"""') throw new Error(`${what}: the last line must be the closing """ of the dnf.conf string, found ${JSON.stringify(last ?? '')}`);
  return lines.slice(0, -1);
}

export function mockConfigFor(input: MockConfigInput): string {
  if (!Number.isInteger(input.slot) || input.slot < 1) throw new Error(`build slot must be a positive integer, got ${input.slot}`);
  let lines = readlines(input.template);
  if (input.currentRepo !== null) {
    lines = [...withoutClosingQuotes(lines, 'mock template'), ...readlines(input.currentRepo), '"""'];
  }
  // config_opts['root'] = '<root>' → '<root>-<slot>': one chroot per slot, so builds never share one.
  lines = lines.map((line) => {
    if (!line.startsWith("config_opts['root']")) return line;
    const m = /^(.*)'\s*$/.exec(line);
    if (!m) throw new Error(`mock template: cannot make the root unique in ${JSON.stringify(line.trim())}`);
    return `${m[1]}-${input.slot}'\n`;
  });
  if (input.depsRepo !== null) {
    lines = [...withoutClosingQuotes(lines, 'mock template'), ...readlines(input.depsRepo), '\n"""'];
  }
  return lines.join('');
}
