import type { Pool } from 'pg';
import type { Config } from '../config';
import { createPackageActivities } from './packages';

export interface ActivityDeps {
  pool: Pool;
  config: Config;
}

/** Every activity of the orchestration task queue, wired to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPackageActivities({ pool: deps.pool, rdoinfoPath: deps.config.rdoinfo.path, rdoinfoEntry: deps.config.rdoinfo.entry }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
