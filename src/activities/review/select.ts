/** Picks the configured review driver. */
import type { ReviewDriver } from './driver';
import { createGerritDriver, type GerritConfig } from './gerrit';
import { createLocalGitDriver, type LocalGitConfig } from './localgit';

export type ReviewDriverConfig = ({ kind: 'gerrit' } & GerritConfig) | ({ kind: 'localgit' } & LocalGitConfig);

export function createReviewDriver(cfg: ReviewDriverConfig): ReviewDriver {
  switch (cfg.kind) {
    case 'gerrit':
      return createGerritDriver(cfg);
    case 'localgit':
      return createLocalGitDriver(cfg);
  }
}
