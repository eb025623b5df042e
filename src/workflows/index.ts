// Every workflow the worker registers; one file per pipeline.
export { syncPackages } from './sync-packages';
