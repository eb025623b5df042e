/** trunkflow as its own process (`trunkflow api` or `serve --no-sync`) with a generated config file: what DLRN clients talk to. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { PROJECT_ROOT } from '../../src/config';
import { freePort, treeRssKiB } from './dlrn-oracle';
import { waitFor } from './wait';

export interface TrunkflowProcess {
  url: string;
  /** paths.repos of the generated config (the trunk's links live in <repos>/<trunk>/). */
  reposDir: string;
  configFile: string;
  peakRssKiB(): number;
  stop(): Promise<void>;
}

export interface TrunkflowProcessOptions {
  databaseUrl: string;
  temporalAddress: string;
  taskQueue: string;
  trunk: string;
  baseurl: string;
  rdoinfo: string;
  /** `api` alone (the benchmark) or `serve --no-sync` (API and worker: promote runs as a workflow). */
  mode: 'api' | 'serve';
  extra?: Record<string, unknown>;
}

export async function startTrunkflow(opts: TrunkflowProcessOptions): Promise<TrunkflowProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-process-'));
  const port = await freePort();
  const configFile = path.join(dir, 'trunkflow.yaml');
  fs.writeFileSync(configFile, stringify({
    temporal: { address: opts.temporalAddress, taskQueues: { orchestration: opts.taskQueue, builds: `${opts.taskQueue}-builds` } },
    database: { url: opts.databaseUrl },
    paths: { data: path.join(dir, 'data') },
    rdoinfo: { path: opts.rdoinfo },
    http: { host: '127.0.0.1', port },
    trunks: [{ name: opts.trunk, release: 'flamingo', baseurl: opts.baseurl, schedule: '1h' }],
    ...opts.extra,
  }));
  const args = [path.join(PROJECT_ROOT, 'bin', 'trunkflow.js'), '--config', configFile, ...(opts.mode === 'api' ? ['api'] : ['serve', '--no-sync'])];
  const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  let exited = false;
  child.once('exit', () => { exited = true; });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the trunkflow API', async () => {
    if (exited) throw new Error(`trunkflow ${opts.mode} exited before answering:\n${stderr}`);
    try {
      return (await fetch(`${url}/api/health`)).ok;
    } catch {
      return false;
    }
  }, 120_000, 200);
  let peak = 0;
  const sample = () => { peak = Math.max(peak, treeRssKiB(child.pid!)); };
  const timer = setInterval(sample, 200);
  timer.unref();
  return {
    url,
    reposDir: path.join(dir, 'data', 'repos'),
    configFile,
    peakRssKiB: () => { sample(); return peak; },
    async stop() {
      clearInterval(timer);
      if (!exited) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([done, new Promise((r) => setTimeout(r, 15_000))]);
        if (!exited) child.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
