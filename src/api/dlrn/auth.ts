/**
 * HTTP Basic authentication of the DLRN API against `users`. A verified
 * credential is remembered for a short while, keyed by an HMAC (with a
 * per-process random key) of the name, password and stored hash, so the next
 * request skips the 656,000-round sha512_crypt DLRN repeats on every request;
 * a changed or deleted password no longer matches the key.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { passwordHash } from '../../db/users';
import { verifyPassword } from './passwords';

export interface Credentials {
  username: string;
  password: string;
}

/** The credentials of an `Authorization: Basic …` header; null when absent or malformed. */
export function basicCredentials(header: string | undefined): Credentials | null {
  if (!header) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return null;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Upper bound of remembered verdicts, so a flood of distinct credentials cannot grow memory without end. */
const MAX_ENTRIES = 10_000;

export class Authenticator {
  private readonly key = randomBytes(32);
  private readonly verdicts = new Map<string, { ok: boolean; expires: number }>();
  private readonly pending = new Map<string, Promise<boolean>>();

  constructor(
    private readonly pool: Pool,
    private readonly cacheSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The user name when the header carries a valid credential, else null. */
  async authenticate(header: string | undefined): Promise<string | null> {
    const creds = basicCredentials(header);
    if (!creds || !creds.username || !creds.password) return null;
    if (creds.username.length > 255 || creds.password.length > 4096 || creds.username.includes('\u0000')) return null;
    const stored = await passwordHash(this.pool, creds.username);
    if (stored === null) return null;
    const key = createHmac('sha256', this.key).update(`${creds.username}\u0000${creds.password}\u0000${stored}`).digest('base64');
    const known = this.verdicts.get(key);
    if (known && known.expires > this.now()) return known.ok ? creds.username : null;
    // Concurrent requests with the same credential share one verification.
    let running = this.pending.get(key);
    if (!running) {
      running = verifyPassword(creds.password, stored).finally(() => this.pending.delete(key));
      this.pending.set(key, running);
    }
    const ok = await running;
    if (this.cacheSeconds > 0) {
      if (this.verdicts.size >= MAX_ENTRIES) this.evict();
      this.verdicts.set(key, { ok, expires: this.now() + this.cacheSeconds * 1000 });
    }
    return ok ? creds.username : null;
  }

  private evict(): void {
    const now = this.now();
    for (const [k, v] of this.verdicts) if (v.expires <= now) this.verdicts.delete(k);
    if (this.verdicts.size >= MAX_ENTRIES) this.verdicts.clear();
  }
}
