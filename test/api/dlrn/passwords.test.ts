import { Authenticator, basicCredentials } from '../../../src/api/dlrn/auth';
import * as passwords from '../../../src/api/dlrn/passwords';
import { hashPassword, parseSha512Crypt, sha512Crypt, verifyPassword } from '../../../src/api/dlrn/passwords';
import { createUser } from '../../../src/db/users';
import { isolatedStack, type IsolatedStack } from '../../support/stack';

// Hashes made by other implementations: glibc's crypt(3) (as passlib's os_crypt backend) and `openssl passwd -6`.
const GLIBC_656000 = '$6$rounds=656000$saltsaltsaltsalt$4ba5CeMEORqYFu506J2iOS1rmBhuqZ8f0QFBq2A9AYZVwv3cCVOGluDpbJohojC0czUWG1Cb7ktgulDuZEbPq1';
const GLIBC_UNICODE = '$6$rounds=1000$x/y.z$/EH8fArjvGMz6qJHbhnDJbk8qqgOv3tlYNp.qglhbmzgsAu.pnBeH4EnIuiCV9fYmxXkknPvhvd9oZ8ARwCZU0';
const OPENSSL_DEFAULT_ROUNDS = '$6$Ab/Cd.01$mLLdoXdxfUVEidrmGBgmQl2ZGRz9Zu22kpHv4xv48v02BxsV6soSKSkZ/hO.Cjqx71hSxiSGC2waEiiDLG5H40';

describe('sha512_crypt as DLRN stores it', () => {
  it('verifies hashes made by glibc and openssl, and refuses other passwords', async () => {
    expect(await verifyPassword('secret', GLIBC_656000)).toBe(true);
    expect(await verifyPassword('Secret', GLIBC_656000)).toBe(false);
    expect(await verifyPassword('pässword', GLIBC_UNICODE)).toBe(true);
    expect(await verifyPassword('passsword', GLIBC_UNICODE)).toBe(false);
    expect(await verifyPassword('hunter2', OPENSSL_DEFAULT_ROUNDS)).toBe(true);
    expect(await verifyPassword('hunter3', OPENSSL_DEFAULT_ROUNDS)).toBe(false);
  });

  it('writes the hash openssl writes for the same salt, and parses the round count', () => {
    expect(sha512Crypt('hunter2', 'Ab/Cd.01', 5000)).toBe(OPENSSL_DEFAULT_ROUNDS.replace('$6$', '$6$rounds=5000$'));
    expect(parseSha512Crypt(GLIBC_656000)).toMatchObject({ rounds: 656000, salt: 'saltsaltsaltsalt' });
    expect(parseSha512Crypt(OPENSSL_DEFAULT_ROUNDS)).toMatchObject({ rounds: 5000, explicitRounds: false });
    expect(parseSha512Crypt('$6$rounds=10$s$' + 'a'.repeat(86))?.rounds).toBe(1000);
    expect(parseSha512Crypt('$1$md5$hash')).toBeNull();
  });

  it('stores new passwords with scrypt, each with its own salt', async () => {
    const a = await hashPassword('pw');
    const b = await hashPassword('pw');
    expect(a).toMatch(/^\$scrypt\$N=32768,r=8,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('pw', a)).toBe(true);
    expect(await verifyPassword('pW', a)).toBe(false);
    expect(await verifyPassword('pw', '$scrypt$N=3,r=8,p=1$AAAA$AAAA')).toBe(false);
    expect(await verifyPassword('pw', 'plain text')).toBe(false);
  });

  it('reads HTTP Basic credentials, passwords with colons included', () => {
    const header = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    expect(basicCredentials(header('foo:b:ar'))).toEqual({ username: 'foo', password: 'b:ar' });
    expect(basicCredentials(header('nocolon'))).toBeNull();
    expect(basicCredentials('Bearer x')).toBeNull();
    expect(basicCredentials(undefined)).toBeNull();
  });
});

describe('the authenticator', () => {
  let stack: IsolatedStack;
  beforeAll(async () => {
    stack = await isolatedStack();
    await createUser(stack.pool, 'ci', GLIBC_UNICODE);
  });
  afterAll(async () => stack?.teardown());
  const header = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

  it('hashes a credential once, then trusts it until the stored hash changes or the entry expires', async () => {
    let clock = 1_000_000;
    const auth = new Authenticator(stack.pool, 60, () => clock);
    const hashed = jest.spyOn(passwords, 'verifyPassword');
    const [ok, again] = await Promise.all([auth.authenticate(header('ci', 'pässword')), auth.authenticate(header('ci', 'pässword'))]);
    expect([ok, again]).toEqual(['ci', 'ci']);
    for (let i = 0; i < 20; i++) expect(await auth.authenticate(header('ci', 'pässword'))).toBe('ci');
    expect(hashed).toHaveBeenCalledTimes(1);
    expect(await auth.authenticate(header('ci', 'wrong'))).toBeNull();
    expect(await auth.authenticate(header('ci', 'wrong'))).toBeNull();
    expect(await auth.authenticate(header('nobody', 'pässword'))).toBeNull();
    expect(hashed).toHaveBeenCalledTimes(2);
    await stack.pool.query("UPDATE users SET password = $1 WHERE username = 'ci'", [await passwords.hashPassword('new')]);
    expect(await auth.authenticate(header('ci', 'pässword'))).toBeNull();
    expect(await auth.authenticate(header('ci', 'new'))).toBe('ci');
    expect(hashed).toHaveBeenCalledTimes(4);
    clock += 61_000;
    expect(await auth.authenticate(header('ci', 'new'))).toBe('ci');
    expect(hashed).toHaveBeenCalledTimes(5);
  }, 60_000);
});
