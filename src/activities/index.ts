/** The activity factories of each task queue, wired to dependencies the worker builds once. */
import type { Pool } from 'pg';
import type { Config } from '../config';
import type { TrunkSteering } from '../control/trunk';
import { createBuildActivities } from './build/activities';
import { createControlActivities } from './control';
import { createDiscoveryActivities } from './discovery';
import { createNotifyActivities } from './notify';
import { createPackageActivities } from './packages';
import type { PackageSource } from './pkginfo/source';
import { createPostBuildActivities } from './post-build';
import { createPromoteActivities } from './promote';
import { createRemoteImportActivities } from './remote-import';
import { createPurgeActivities } from './purge';
import { createOneOffActivities } from './one-off';
import { createReportWriter } from './reports';
import { createReleaseActivities } from './release/request';
import { createReleaseTagActivities } from './release/tag-jobs';

export interface ActivityDeps {
  pool: Pool;
  config: Config;
  packages: PackageSource;
  steering: TrunkSteering;
}

/** Every activity of the orchestration task queue. */
export function createOrchestrationActivities(deps: ActivityDeps) {
  const reports = createReportWriter({ ...deps, queuedBuilds: (trunk) => deps.steering.queuedBuilds(trunk) });
  return {
    ...createPackageActivities({ pool: deps.pool, rdoinfoPath: deps.config.rdoinfo.path, rdoinfoEntry: deps.config.rdoinfo.entry }),
    ...createDiscoveryActivities(deps),
    ...createPostBuildActivities({ ...deps, reports }),
    ...createNotifyActivities(deps),
    ...createControlActivities(deps.steering),
    ...createPromoteActivities(deps),
    ...createRemoteImportActivities(deps),
    ...createPurgeActivities(deps),
    ...createOneOffActivities(deps),
    ...createReleaseActivities({ config: deps.config }),
    ...createReleaseTagActivities({ config: deps.config }),
  };
}

/** The activities of the builds task queue (run by workers on build hosts). */
export { createBuildActivities };

export type OrchestrationActivities = ReturnType<typeof createOrchestrationActivities>;
export type { BuildActivities } from './build/activities';
export type { DiscoveryActivities } from './discovery';
export type { PostBuildActivities } from './post-build';
export type { PurgeActivities } from './purge';
export type { OneOffActivities } from './one-off';
export type { NotifyActivities } from './notify';
export type { ControlActivities } from './control';
export type { PackageActivities } from './packages';
export type { PromoteActivities } from './promote';
export type { RemoteImportActivities } from './remote-import';
export type { ReleaseActivities } from './release/request';
export type { ReleaseTagActivities } from './release/tag-jobs';
