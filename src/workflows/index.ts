// Every workflow the worker registers; one file per pipeline.
export { syncPackages } from './sync-packages';
export { trunk } from './trunk';
export { discoverTrunk } from './discover-trunk';
export { buildPackage } from './build-package';
export { triggerDiscovery } from './trigger-discovery';
export { promoteLabel } from './promote-label';
export { remoteImport } from './remote-import';
export { purgeTrunk } from './purge-trunk';
export { oneOffRun } from './one-off-run';
export { releaseRequest } from './release-request';
export { pollReleaseRequests } from './release-poll';
export { releaseTag } from './release-tag';
