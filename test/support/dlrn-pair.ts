/** The real DLRN and trunkflow side by side on copies of one DLRN database seeded with DLRN's own fixtures. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { importDlrnDatabase } from '../../src/db/dlrn-import';
import { seedFixtureDb, startDlrnOracle, type DlrnOracle } from './dlrn-oracle';
import { isolatedStack, SHARED_RDOINFO, stackEnv, type IsolatedStack } from './stack';
import { startTrunkflow, type TrunkflowProcess } from './trunkflow-process';

export interface DlrnPair {
  stack: IsolatedStack;
  oracle: DlrnOracle;
  trunkflow: TrunkflowProcess;
  /** A scratch directory of the pair's own, removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

export async function startDlrnPair(opts: { trunk: string; baseurl: string; tmpPrefix: string }): Promise<DlrnPair> {
  const pair: Partial<DlrnPair> = {};
  const stop = async () => {
    await pair.trunkflow?.stop();
    await pair.oracle?.stop();
    await pair.stack?.teardown();
    if (pair.dir) fs.rmSync(pair.dir, { recursive: true, force: true });
  };
  try {
    pair.stack = await isolatedStack();
    pair.dir = fs.mkdtempSync(path.join(os.tmpdir(), opts.tmpPrefix));
    const db = path.join(pair.dir, 'dlrn.sqlite');
    seedFixtureDb(db);
    // trunkflow imports a copy, so neither side sees the other's writes.
    const copy = path.join(pair.dir, 'import.sqlite');
    fs.copyFileSync(db, copy);
    await importDlrnDatabase(pair.stack.pool, copy, opts.trunk);
    pair.oracle = await startDlrnOracle(db, { baseurl: opts.baseurl });
    pair.trunkflow = await startTrunkflow({
      databaseUrl: pair.stack.config.database.url, temporalAddress: stackEnv().temporalAddress, taskQueue: pair.stack.taskQueue,
      trunk: opts.trunk, baseurl: opts.baseurl, rdoinfo: SHARED_RDOINFO, mode: 'serve',
    });
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return { ...(pair as Omit<DlrnPair, 'stop'>), stop };
}
