/** `trunkflow serve|worker|api`: runs the worker and/or the API in this process until a signal stops them. */
import type { Config } from '../config';
import { demoDir } from '../config';
import { connectClient } from '../control/client';
import { ensureDiscoverySchedules, recentBuildDurations, requestDiscovery, ensurePurgeSchedules, requestRecheck, trunkStatus } from '../control/trunk';
import { requestPromotion, signalVoteRecorded } from '../control/promote';
import { requestRemoteImport } from '../control/remote-import';
import { startSyncPackages } from '../control/packages';
import { createPool } from '../db/pool';
import { migrate } from '../db/migrate';
import { createApiServer, type ReleaseControl, type TrunkControl } from '../api/server';
import type { DlrnControl } from '../api/dlrn/routes';
import { ensureReleasePollSchedule, releaseSteering } from '../control/release';
import { generateReleaseDemo } from '../activities/release/demo';
import { createPackageSource } from '../activities/pkginfo/source';
import { generateDemoTrunk } from '../activities/demo';
import { installPushHooks, showFailureOnce } from './demo';
import { startWorker, type RunningWorker, type WorkerRoles } from '../worker';
import type { SyncPackagesResult } from '../activities/packages';

/** The API's view of the trunks: package lists from their drivers, discovery through Temporal. */
async function apiTrunkControl(config: Config): Promise<{ trunks: TrunkControl; dlrn: DlrnControl; release: ReleaseControl; close(): Promise<void> }> {
  const { client, connection } = await connectClient(config);
  const packages = createPackageSource(config);
  return {
    trunks: {
      packages: (trunk) => packages.packages(trunk),
      discover: (trunk, names, reason) => requestDiscovery(client, config, trunk, names, reason),
    },
    dlrn: {
      promote: (req) => requestPromotion(client, config, req),
      recheck: (trunk, name) => requestRecheck(client, config, trunk, name),
      remoteImport: (trunk, url) => requestRemoteImport(client, config, trunk, url),
      voteRecorded: (vote) => signalVoteRecorded(client, vote),
      trunkStatus: (trunk) => trunkStatus(client, config, trunk),
      buildDurations: (trunk) => recentBuildDurations(client, config, trunk, 3600),
    },
    release: releaseSteering(client, config),
    close: () => connection.close(),
  };
}

/**
 * Runs the worker and/or the API server in this process until SIGINT/SIGTERM,
 * then stops both cleanly (the worker finishes its in-flight tasks first).
 */
export async function runProcesses(config: Config, parts: { worker: boolean; api: boolean; syncRelease?: boolean; roles?: WorkerRoles }): Promise<void> {
  const pool = createPool(config.database.url);
  await migrate(pool);
  let worker: RunningWorker | undefined;
  const control = parts.api ? await apiTrunkControl(config) : undefined;
  const api = parts.api ? createApiServer({ pool, config, trunks: control?.trunks, dlrn: control?.dlrn, release: control?.release }) : undefined;
  try {
    if (parts.worker) worker = await startWorker(config, parts.roles);
    if (api) await api.listen({ host: config.http.host, port: config.http.port });
  } catch (err) {
    await worker?.shutdown();
    await api?.close();
    await pool.end();
    throw err;
  }
  const demoAbort = new AbortController();
  console.log(`trunkflow running (${config.source})`);
  if (worker) {
    const queues = [
      ...(parts.roles?.orchestration ?? true ? [config.temporal.taskQueues.orchestration] : []),
      ...(parts.roles?.builds ?? true ? [config.temporal.taskQueues.builds] : []),
    ];
    console.log(`  worker:     task queues ${queues.join(', ')} on ${config.temporal.address}`);
  }
  if (api) console.log(`  API:        ${config.http.publicUrl}/api/health`);
  console.log(`  Temporal UI: ${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows`);

  if (parts.worker && parts.syncRelease) {
    // Each trunk: its discovery Schedule (created once) and a first discovery now.
    const { client, connection } = await connectClient(config);
    try {
      for (const t of config.trunks.filter((x) => x.demo)) {
        const demo = await generateDemoTrunk(demoDir(config.paths.data));
        installPushHooks(demo, `${config.http.publicUrl}/api/webhooks/github`);
        showFailureOnce(config, t, (line) => console.log(line), demoAbort.signal).catch((err: Error) =>
          console.error(`  demo: could not show the failure path: ${err.message}`));
      }
      await ensureDiscoverySchedules(client, config);
      await ensurePurgeSchedules(client, config);

      if (config.release.demo) {
        await generateReleaseDemo(config.release.releasesRepo, config.release.repos.root);
        console.log(`  releases:   ${config.release.releasesRepo} (demo; merged requests are polled every ${config.release.poll})`);
      }
      await ensureReleasePollSchedule(client, config);
      for (const t of config.trunks) await requestDiscovery(client, config, t.name, undefined, 'start-up');
      for (const t of config.trunks) {
        console.log(`  trunk ${t.name}:  ${config.http.publicUrl}/repos/${t.name}/  (consistent/${t.reponame}.repo once every package is green)`);
      }
    } finally {
      await connection.close();
    }
  }

  if (parts.syncRelease) {
    const release = config.rdoinfo.release;
    syncPackagesOnce(config, release).then(
      (result) => {
        const r = result as SyncPackagesResult;
        console.log(`  syncPackages(${release}): ${r.packages} packages recorded (${r.added.length} new, ${r.removed.length} removed)`);
      },
      (err: Error) => console.error(`  syncPackages(${release}) failed: ${err.message}`),
    );
  }

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`\n${signal}: stopping`);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
    worker?.done.catch((err: Error) => {
      console.error(`worker stopped: ${err.message}`);
      resolve();
    });
  });
  demoAbort.abort();
  await Promise.allSettled([worker?.shutdown(), api?.close()]);
  await control?.close();
  await pool.end();
  console.log('stopped');
}

/** Runs syncPackages for a release and waits for it, on its own connection. */
export async function syncPackagesOnce(config: Config, release: string): Promise<SyncPackagesResult> {
  const { client, connection } = await connectClient(config);
  try {
    return (await startSyncPackages(client, config, release, true)) as SyncPackagesResult;
  } finally {
    await connection.close();
  }
}
