import type { CommitRow } from '../../../src/domain/trunk/types';

/** Real-looking SHAs (taken from the shape of opendev/rdo commits). */
export const NOVA_SHA = '3a9326f251b9a4162eb0dfa9f1c924ef47c2c55a';
export const NOVA_SHA_2 = '8c4f2b1e9d7a6053b2e1f0c9d8a7b6c5e4f3a2b1';
export const NOVA_SHA_3 = 'e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e';
export const DISTGIT_SHA = '024e24f0cf4366c2290c22f24e42de714d1addd1';
export const DISTGIT_SHA_2 = 'abce24f0cf4366c2290c22f24e42de714d1addd1';
export const DS_DISTGIT_SHA = '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432';
export const DS_SOURCE_SHA = '5d41402abc4b2a76b9719d911017c592a1b2c3d4';
export const SHA256 = 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9';

let nextId = 1;

/** A commits row with sensible defaults. */
export function row(over: Partial<CommitRow> = {}): CommitRow {
  return {
    id: over.id ?? nextId++,
    type: 'rpm',
    status: 'SUCCESS',
    projectName: 'openstack-nova',
    commitHash: NOVA_SHA,
    distroHash: DISTGIT_SHA,
    extendedHash: null,
    dtCommit: 1700000000,
    dtBuild: 1700000600,
    commitBranch: 'master',
    component: null,
    artifacts: null,
    ...over,
  };
}
