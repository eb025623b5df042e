/**
 * Child processes for the I/O adapters: spawn without a shell, stream output to
 * an optional log file, heartbeat while running, and on abort or timeout kill
 * the whole process group (rpmbuild, mock and git all fork helpers that a kill
 * of the direct child would orphan).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';

export interface RunOptions {
  cwd?: string;
  /** Merged over process.env. */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Appends a `+ cmd args` header, then stdout and stderr interleaved. */
  logFile?: string;
  timeoutMs?: number;
  /** Called at least every 10 s while the command runs (for activity heartbeats). */
  onProgress?: (detail: string) => void;
  /** How often onProgress is called; default 5 s. */
  progressIntervalMs?: number;
}

export interface RunResult {
  /** Full stdout, or only its last 64 KiB when logFile is set (the log has it all). */
  stdout: string;
  /** Last 64 KiB of stderr. */
  stderr: string;
}

/** A command that failed, timed out or could not start. */
export class ProcessError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    /** Last lines of stderr (of the combined output when a log file is kept). */
    readonly tail: string,
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'ProcessError';
  }
}

const TAIL_BYTES = 64 * 1024;
const TAIL_LINES = 20;
const PROGRESS_MS = 5_000;
const KILL_GRACE_MS = 2_000;

/** Keeps the last `max` bytes of a stream. */
class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly max: number) {}
  push(b: Buffer): void {
    this.chunks.push(b);
    this.size += b.length;
    while (this.size - this.chunks[0].length >= this.max) this.size -= this.chunks.shift()!.length;
  }
  text(): string {
    const all = Buffer.concat(this.chunks);
    return all.subarray(Math.max(0, all.length - this.max)).toString('utf8');
  }
}

export function lastLines(text: string, n = TAIL_LINES): string {
  return text.replace(/\s+$/, '').split('\n').slice(-n).join('\n');
}

const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
export const formatCommand = (cmd: string, args: string[]) => [cmd, ...args].map(quote).join(' ');

function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function abortReason(signal: AbortSignal, command: string): Error {
  // Rethrow the signal's own reason (as fetch does) so a Temporal CancelledFailure propagates unchanged.
  if (signal.reason instanceof Error) return signal.reason;
  const e = new Error(`${command}: aborted`);
  e.name = 'AbortError';
  return e;
}

export async function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const command = formatCommand(cmd, args);
  if (opts.signal?.aborted) throw abortReason(opts.signal, command);
  let log: WriteStream | undefined;
  let logError: Error | undefined;
  if (opts.logFile) {
    // Writing the header first makes an unwritable log fail here, before anything runs.
    await appendFile(opts.logFile, `+ ${command}${opts.cwd ? `  (in ${opts.cwd})` : ''}\n`);
    log = createWriteStream(opts.logFile, { flags: 'a' }).on('error', (e) => (logError = e));
  }
  const closeLog = async () => {
    if (!log) return;
    log.end();
    await finished(log).catch((e: Error) => (logError ??= e));
    if (logError) throw new Error(`${command}: writing ${opts.logFile} failed: ${logError.message}`);
  };
  if (opts.signal?.aborted) {
    await closeLog();
    throw abortReason(opts.signal, command);
  }

  const started = Date.now();
  const stdoutAll: Buffer[] = [];
  const stdoutTail = new Tail(TAIL_BYTES);
  const stderrTail = new Tail(TAIL_BYTES);
  const combinedTail = new Tail(TAIL_BYTES);
  let lastLine = '';

  const outcome = await new Promise<{ code: number | null; sig: NodeJS.Signals | null; error?: Error; killedBy?: 'abort' | 'timeout' }>(
    (resolve) => {
      // detached: the child leads a new process group, so -pid reaches its descendants too.
      const child = spawn(cmd, args, {
        cwd: opts.cwd,
        env: opts.env ? { ...process.env, ...opts.env } : process.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let killedBy: 'abort' | 'timeout' | undefined;
      let escalate: NodeJS.Timeout | undefined;
      const kill = (why: 'abort' | 'timeout') => {
        if (killedBy) return;
        killedBy = why;
        killGroup(child.pid, 'SIGTERM');
        escalate = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
      };
      const onAbort = () => kill('abort');
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const timer = opts.timeoutMs ? setTimeout(() => kill('timeout'), opts.timeoutMs) : undefined;
      const progress = opts.onProgress
        ? setInterval(() => {
            const secs = Math.round((Date.now() - started) / 1000);
            try {
              opts.onProgress!(`${cmd} running ${secs}s${lastLine ? `: ${lastLine.slice(0, 200)}` : ''}`);
            } catch {
              // A failing heartbeat must not crash the worker; cancellation arrives through the signal.
            }
          }, opts.progressIntervalMs ?? PROGRESS_MS)
        : undefined;

      const onData = (which: 'out' | 'err') => (b: Buffer) => {
        if (which === 'err') stderrTail.push(b);
        else if (log) stdoutTail.push(b);
        else stdoutAll.push(b);
        combinedTail.push(b);
        log?.write(b);
        const lines = b.toString('utf8').trimEnd().split('\n');
        if (lines.at(-1)) lastLine = lines.at(-1)!;
      };
      child.stdout.on('data', onData('out'));
      child.stderr.on('data', onData('err'));

      let spawnError: Error | undefined;
      child.on('error', (e) => {
        spawnError = e; // ENOENT etc.; 'close' still follows.
      });
      // 'close' waits for every holder of the pipes, i.e. the group's members, to be gone.
      child.on('close', (code, sig) => {
        clearTimeout(timer);
        clearInterval(progress);
        opts.signal?.removeEventListener('abort', onAbort);
        if (killedBy) killGroup(child.pid, 'SIGKILL'); // stragglers that closed their pipes
        clearTimeout(escalate);
        resolve({ code, sig, error: spawnError, killedBy });
      });
    },
  );
  await closeLog();

  const stdout = log ? stdoutTail.text() : Buffer.concat(stdoutAll).toString('utf8');
  const stderr = stderrTail.text();
  if (outcome.killedBy === 'abort') throw abortReason(opts.signal!, command);
  if (outcome.code === 0 && !outcome.error) return { stdout, stderr };

  const tail = lastLines(log ? combinedTail.text() : stderr || stdout);
  const where = opts.cwd ? ` (in ${opts.cwd})` : '';
  const status = outcome.error
    ? `could not start: ${outcome.error.message}`
    : outcome.killedBy === 'timeout'
      ? `timed out after ${opts.timeoutMs} ms`
      : outcome.sig
        ? `killed by ${outcome.sig}`
        : `exited with ${outcome.code}`;
  throw new ProcessError(
    `${command}${where} ${status}${opts.logFile ? ` (log: ${opts.logFile})` : ''}${tail ? `\n${tail}` : ''}`,
    command,
    outcome.code,
    outcome.sig,
    tail,
    outcome.killedBy === 'timeout',
  );
}
