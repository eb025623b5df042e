/** Build hosts as separate processes, killable outright, and how long their killed builds took to run again elsewhere. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { PROJECT_ROOT } from '../../src/config';

/** `trunkflow worker --roles builds` in its own process group. */
export function startBuildHost(configFile: string, log: string): ChildProcess {
  const out = fs.openSync(log, 'a');
  return spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'trunkflow.js'), '--config', configFile, 'worker', '--roles', 'builds'], {
    stdio: ['ignore', out, out],
    detached: true,
  });
}

export function killHost(host: ChildProcess): void {
  try {
    process.kill(-host.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function findFiles(dir: string, name: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name === name)
    .map((e) => path.join(e.parentPath, e.name));
}

/** Waits until some build of the trunk is inside a simulated build (its log exists, no RPM yet). */
export async function untilBuilding(repos: string, timeoutMs: number, hostLog: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!findFiles(repos, 'rpmbuild.log').some((f) => fs.readFileSync(f, 'utf8').includes('SIMULATED build of'))) {
    if (Date.now() > deadline) throw new Error(`no build started; host log:\n${fs.readFileSync(hostLog, 'utf8')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * For each build workflow of the trunk whose build activity ran more than
 * once: seconds from the kill to the start of its next attempt (read from
 * the workflow history, as Temporal recorded it).
 */
export async function recoverySeconds(client: Client, trunk: string, killedAtMs: number): Promise<number[]> {
  const found: number[] = [];
  for await (const wf of client.workflow.list({ query: `Trunk = '${trunk}' AND WorkflowType = 'buildPackage'` })) {
    const history = await client.workflow.getHandle(wf.workflowId).fetchHistory();
    for (const e of history.events ?? []) {
      const attempt = e.activityTaskStartedEventAttributes?.attempt ?? 1;
      if (!e.activityTaskStartedEventAttributes || attempt < 2 || !e.eventTime) continue;
      const at = Number(e.eventTime.seconds ?? 0) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6);
      found.push((at - killedAtMs) / 1000);
    }
  }
  return found;
}
