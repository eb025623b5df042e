/** Shared helpers of the activity adapter tests. */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** Running: exists and is not a zombie (the init here may reap orphans late). */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls fn until it returns a value (errors count as "not yet"). */
export async function waitFor<T>(fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('waitFor timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits for a file holding a pid and returns it. */
export const readPid = (file: string) => waitFor(async () => Number((await readFile(file, 'utf8')).trim()) || undefined);

/**
 * Resolves when pid has exited. A killed process closes its pipes a moment
 * before the kernel marks it a zombie, so "gone" is polled for briefly.
 */
export const exited = (pid: number, ms = 1000) => waitFor(async () => (alive(pid) ? undefined : true), ms);
