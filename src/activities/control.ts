/** The control activity: what a Schedule-started workflow asks of the trunk workflows, through the injected control module. */
import type { TrunkSteering } from '../control/trunk';
import type { BuildRequest, PostBuildResult } from '../domain/trunk-build';
import { heartbeat } from './context';

export function createControlActivities(steering: TrunkSteering) {
  return {
    /** Asks the trunk (starting it if needed) to look for new commits. */
    async signalTrunkDiscovery(trunk: string, packages: string[] | undefined, reason: string): Promise<string> {
      return steering.requestDiscovery(trunk, packages, reason);
    },

    /** Queues builds on the trunk (starting it if needed): it builds and post-builds them as its own. */
    async enqueueTrunkBuilds(trunk: string, requests: BuildRequest[]): Promise<void> {
      await steering.enqueueBuilds(trunk, requests);
    },

    /** Waits for a build workflow to end, heartbeating meanwhile; returns its post-build's result. */
    async awaitBuild(workflowId: string): Promise<PostBuildResult> {
      const beat = setInterval(() => heartbeat(`waiting for ${workflowId}`), 10_000);
      try {
        return await steering.buildResult(workflowId);
      } finally {
        clearInterval(beat);
      }
    },
  };
}

export type ControlActivities = ReturnType<typeof createControlActivities>;
