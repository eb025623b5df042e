/** The control activity: what a Schedule-started workflow asks of the trunk workflows, through the injected control module. */
import type { TrunkSteering } from '../control/trunk';

export function createControlActivities(steering: TrunkSteering) {
  return {
    /** Asks the trunk (starting it if needed) to look for new commits. */
    async signalTrunkDiscovery(trunk: string, packages: string[] | undefined, reason: string): Promise<string> {
      return steering.requestDiscovery(trunk, packages, reason);
    },
  };
}

export type ControlActivities = ReturnType<typeof createControlActivities>;
