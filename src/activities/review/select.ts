/** Picks the configured review driver. */
import * as path from 'node:path';
import type { Config } from '../../config';
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

/** The configured review driver, made once per worker. */
export function reviewDriverOf(config: Config): ReviewDriver {
  if (config.drivers.review === 'gerrit') {
    if (!config.gerrit) throw new Error(`${config.source}: gerrit: required when drivers.review is gerrit`);
    return createReviewDriver({ kind: 'gerrit', url: config.gerrit.url, username: config.gerrit.user, password: config.gerrit.password });
  }
  return createReviewDriver({ kind: 'localgit', workDir: path.join(config.paths.data, 'reviews') });
}
