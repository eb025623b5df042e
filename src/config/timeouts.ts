/**
 * The embedded defaults of a trunk's `timeouts` section. Pure data, kept apart
 * from the schema so that workflow code may read them too, and only for runs
 * recorded before their inputs carried timeouts (replayed histories).
 */
import type { TrunkTimeouts } from '../domain/trunk-build';

export const TRUNK_TIMEOUT_DEFAULTS: TrunkTimeouts = {
  build: {
    // A dead build host is noticed within 20 s; builds heartbeat every 5 s.
    heartbeatSeconds: 20,
    startToCloseMinutes: 240,
    retryInitialSeconds: 1,
    retryMaximumSeconds: 300,
    maximumAttempts: 5,
    // DLRN retries on its next cron run, 5 minutes later.
    retryBaseSeconds: 300,
  },
  discovery: {
    heartbeatSeconds: 20,
    // A first clone of a big repository takes a while; fetches after it are incremental.
    startToCloseMinutes: 30,
    concurrency: 8,
  },
  postBuild: { startToCloseMinutes: 10, retryInitialSeconds: 2, retryMaximumSeconds: 60 },
  recentBuilds: 5000,
};
