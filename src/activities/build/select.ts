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
      if (!cfg.mockConfig) throw new Error("build driver 'mock' needs mockConfig");
      return createMockDriver({ config: cfg.mockConfig, installAfterBuild: cfg.installAfterBuild });
    case 'simulated':
      return createSimulatedDriver(cfg.simulated ?? { durationMs: 0 });
    default: {
      const unknown: never = cfg.driver;
      throw new Error(`unknown build driver '${String(unknown)}'`);
    }
  }
}
