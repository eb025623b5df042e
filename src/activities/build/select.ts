/** Picks the configured build driver. */
import type { BuildDriver, BuildDriverConfig } from './driver';
import { createMockDriver } from './mock';
import { createRpmbuildDriver } from './rpmbuild';
import { createSimulatedDriver } from './simulated';

export function createBuildDriver(cfg: BuildDriverConfig): BuildDriver {
  switch (cfg.driver) {
    case 'rpmbuild':
      return createRpmbuildDriver();
    case 'mock':
      if (!cfg.mock) throw new Error("build driver 'mock' needs its slot configuration (a mock template: trunks[].mockTemplate)");
      return createMockDriver({ slots: cfg.mock, installAfterBuild: cfg.installAfterBuild });
    case 'simulated':
      return createSimulatedDriver(cfg.simulated ?? { durationMs: 0 });
    default: {
      const unknown: never = cfg.driver;
      throw new Error(`unknown build driver '${String(unknown)}'`);
    }
  }
}
