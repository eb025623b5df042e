import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Config } from '../config';
import { createPackageActivities } from './packages';
import { createTrunkActivities } from './trunk';
import { createTrunkControlActivities } from './trunk-control';

export interface ActivityDeps {
  pool: Pool;
  config: Config;
  client: Client;
}

/** Every activity of the orchestration task queue, wired to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPackageActivities({ pool: deps.pool, rdoinfoPath: deps.config.rdoinfo.path, rdoinfoEntry: deps.config.rdoinfo.entry }),
    ...createTrunkActivities(deps),
    ...createTrunkControlActivities(deps),
  };
}

/** The activities of the builds task queue (run by workers on build hosts). */
export function createBuildActivities(deps: Pick<ActivityDeps, 'pool' | 'config'>) {
  const { buildCommit } = createTrunkActivities(deps);
  return { buildCommit };
}

export type Activities = ReturnType<typeof createActivities>;
