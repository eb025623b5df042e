/** A throwaway GPG key in its own GNUPGHOME, made with the real gpg, for signing tests. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ThrowawayKey {
  home: string;
  fingerprint: string;
  dispose(): Promise<void>;
}

export async function throwawayGpgKey(uid = 'trunkflow test release <release-test@localhost>'): Promise<ThrowawayKey> {
  // Short path: gpg-agent's socket path must fit in a unix socket address.
  const home = await mkdtemp(path.join(tmpdir(), 'gpg-'));
  const env = { ...process.env, GNUPGHOME: home };
  await run('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', uid, 'ed25519', 'sign', 'never'], { env });
  const { stdout } = await run('gpg', ['--batch', '--with-colons', '--list-secret-keys'], { env });
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(stdout)?.[1];
  if (!fingerprint) throw new Error(`no key generated in ${home}`);
  return {
    home,
    fingerprint,
    async dispose() {
      await run('gpgconf', ['--kill', 'gpg-agent'], { env }).catch(() => undefined);
      await rm(home, { recursive: true, force: true });
    },
  };
}
