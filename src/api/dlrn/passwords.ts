/**
 * Password hashes of the `users` table: DLRN's passlib sha512_crypt hashes
 * (`$6$rounds=N$salt$hash`) are verified as they are; new passwords are stored
 * with scrypt in a tagged format (`$scrypt$N=..,r=..,p=..$salt$hash`).
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { Worker } from 'node:worker_threads';

const SHA512_DEFAULT_ROUNDS = 5000;
const SHA512_MIN_ROUNDS = 1000;
const SHA512_MAX_ROUNDS = 999_999_999;

/**
 * The 86-character checksum of SHA-512 crypt (Drepper's specification) for a
 * password, salt (at most 16 bytes) and round count. Self-contained (it
 * requires its own crypto) because it also runs as the source of a worker thread.
 */
export function sha512CryptChecksum(password: Uint8Array, salt: Uint8Array, rounds: number): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  const itoa64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  // The byte order of the final encoding, three bytes per four characters.
  const order = [
    0, 21, 42, 22, 43, 1, 44, 2, 23, 3, 24, 45, 25, 46, 4, 47, 5, 26, 6, 27, 48, 28, 49, 7, 50, 8, 29, 9, 30, 51, 31, 52, 10,
    53, 11, 32, 12, 33, 54, 34, 55, 13, 56, 14, 35, 15, 36, 57, 37, 58, 16, 59, 17, 38, 18, 39, 60, 40, 61, 19, 62, 20, 41,
  ];
  const repeatTo = (block: Buffer, len: number): Buffer => {
    const out = Buffer.alloc(len);
    for (let i = 0; i < len; i += block.length) block.copy(out, i, 0, Math.min(block.length, len - i));
    return out;
  };
  const encode24 = (b2: number, b1: number, b0: number, chars: number): string => {
    let w = (b2 << 16) | (b1 << 8) | b0;
    let out = '';
    for (let i = 0; i < chars; i++, w >>= 6) out += itoa64[w & 0x3f];
    return out;
  };
  const p = Buffer.from(password);
  const s = Buffer.from(salt);
  const b = createHash('sha512').update(p).update(s).update(p).digest();
  const a = createHash('sha512').update(p).update(s);
  let n = p.length;
  for (; n > 64; n -= 64) a.update(b);
  a.update(b.subarray(0, n));
  for (let bits = p.length; bits > 0; bits >>= 1) a.update(bits & 1 ? b : p);
  const digestA = a.digest();
  const dp = createHash('sha512');
  for (let i = 0; i < p.length; i++) dp.update(p);
  const pSeq = repeatTo(dp.digest(), p.length);
  const ds = createHash('sha512');
  for (let i = 0; i < 16 + digestA[0]; i++) ds.update(s);
  const sSeq = repeatTo(ds.digest(), s.length);
  let c = digestA;
  for (let i = 0; i < rounds; i++) {
    const h = createHash('sha512');
    h.update(i & 1 ? pSeq : c);
    if (i % 3) h.update(sSeq);
    if (i % 7) h.update(pSeq);
    h.update(i & 1 ? c : pSeq);
    c = h.digest();
  }
  let out = '';
  for (let i = 0; i < order.length; i += 3) out += encode24(c[order[i]], c[order[i + 1]], c[order[i + 2]], 4);
  return out + encode24(0, 0, c[63], 2);
}

let hasher: { worker: Worker; next: number; waiting: Map<number, { resolve(v: string): void; reject(e: Error): void }> } | undefined;

/**
 * sha512CryptChecksum on a worker thread: 656,000 rounds take seconds of CPU,
 * which must not stall the API's event loop. One thread, started on first use
 * and not keeping the process alive.
 */
function checksumOffThread(password: Buffer, salt: Buffer, rounds: number): Promise<string> {
  if (!hasher) {
    const source = `const { parentPort } = require('node:worker_threads');
      const checksum = ${sha512CryptChecksum.toString()};
      parentPort.on('message', (m) => {
        try { parentPort.postMessage({ id: m.id, out: checksum(m.password, m.salt, m.rounds) }); }
        catch (e) { parentPort.postMessage({ id: m.id, error: String(e) }); }
      });`;
    const worker = new Worker(source, { eval: true });
    worker.unref();
    const state = { worker, next: 0, waiting: new Map<number, { resolve(v: string): void; reject(e: Error): void }>() };
    worker.on('message', (m: { id: number; out?: string; error?: string }) => {
      const w = state.waiting.get(m.id);
      state.waiting.delete(m.id);
      if (m.error !== undefined) w?.reject(new Error(m.error));
      else w?.resolve(m.out!);
      if (state.waiting.size === 0) worker.unref();
    });
    worker.on('error', (err) => {
      for (const w of state.waiting.values()) w.reject(err);
      hasher = undefined;
    });
    hasher = state;
  }
  const h = hasher;
  const id = h.next++;
  return new Promise((resolve, reject) => {
    h.waiting.set(id, { resolve, reject });
    h.worker.ref();
    h.worker.postMessage({ id, password, salt, rounds });
  });
}

export interface Sha512CryptHash {
  rounds: number;
  /** Whether the hash names its rounds (`rounds=N$`), as passlib always does. */
  explicitRounds: boolean;
  salt: string;
  checksum: string;
}

/** Parses `$6$[rounds=N$]salt$checksum`; null when the text is not a sha512_crypt hash. */
export function parseSha512Crypt(hash: string): Sha512CryptHash | null {
  const m = /^\$6\$(?:rounds=(\d{1,10})\$)?([^$\n]{0,16})\$([./0-9A-Za-z]{86})$/.exec(hash);
  if (!m) return null;
  const explicitRounds = m[1] !== undefined;
  const rounds = explicitRounds ? Math.min(SHA512_MAX_ROUNDS, Math.max(SHA512_MIN_ROUNDS, Number(m[1]))) : SHA512_DEFAULT_ROUNDS;
  return { rounds, explicitRounds, salt: m[2], checksum: m[3] };
}

/** Builds a sha512_crypt hash string (tests and compatibility; new passwords use scrypt). */
export function sha512Crypt(password: string, salt: string, rounds = 656_000): string {
  const s = salt.slice(0, 16);
  return `$6$rounds=${rounds}$${s}$${sha512CryptChecksum(Buffer.from(password, 'utf8'), Buffer.from(s, 'utf8'), rounds)}`;
}

const SCRYPT = { N: 1 << 15, r: 8, p: 1, keylen: 32 };

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** A new password's stored form: `$scrypt$N=32768,r=8,p=1$<salt b64>$<key b64>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 128 * SCRYPT.N * SCRYPT.r * 2 });
  return `$scrypt$N=${SCRYPT.N},r=${SCRYPT.r},p=${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

async function verifyScrypt(password: string, stored: string): Promise<boolean> {
  const m = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Parameters come from our own database, but a corrupt row must not allocate gigabytes.
  if (N > 1 << 20 || r > 32 || p > 16 || (N & (N - 1)) !== 0) return false;
  const expected = Buffer.from(m[5], 'base64');
  if (expected.length < 16 || expected.length > 64) return false;
  const key = await scrypt(password, Buffer.from(m[4], 'base64'), expected.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
  return timingSafeEqual(key, expected);
}

/** True when `password` matches the stored hash (sha512_crypt as DLRN stores it, or our scrypt form). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$scrypt$')) return verifyScrypt(password, stored);
  const parsed = parseSha512Crypt(stored);
  if (!parsed) return false;
  const computed = await checksumOffThread(Buffer.from(password, 'utf8'), Buffer.from(parsed.salt, 'utf8'), parsed.rounds);
  return timingSafeEqual(Buffer.from(computed), Buffer.from(parsed.checksum));
}
