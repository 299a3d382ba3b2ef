/**
 * Two-factor costs: argon2id with the OWASP parameters tenantry uses for
 * recovery codes (the cost an attacker pays per guess against a stolen
 * table, and a user pays per recovery), a TOTP verification end to end on
 * the memory store, and the AES-256-GCM keyring. Run alone with
 * `npx tsx bench/two-factor.bench.ts`, or as part of `npm run bench`.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { createTenantry } from '../src/index.js';
import { memoryStore } from '../src/memory.js';
import { hashRecoveryCode, newRecoveryCode, recoveryCodeMatches, RECOVERY_CODE_ARGON2 } from '../src/services/two-factor/recovery-codes.js';
import { Keyring } from '../src/services/two-factor/keyring.js';
import { codeAt } from '../src/services/two-factor/totp.js';
import { defineCapabilities, defineRoles } from '../src/index.js';
import { bench, table, type BenchResult } from './harness.js';

export async function twoFactorBenchmarks(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const code = newRecoveryCode().canonical;
  const hashed = await hashRecoveryCode(code);
  results.push(await bench(`argon2id hash (m=${String(RECOVERY_CODE_ARGON2.memoryCost)} KiB, t=2, p=1)`, 20, () => hashRecoveryCode(code), 5));
  results.push(await bench('argon2id verify, match', 20, () => recoveryCodeMatches(hashed, code), 5));
  results.push(await bench('10 x argon2id hash in parallel (one code set)', 3, () => Promise.all(Array.from({ length: 10 }, () => hashRecoveryCode(code))), 5));

  const keyring = new Keyring({ current: 'k1', k1: randomBytes(32) });
  const secret = new Uint8Array(randomBytes(20));
  const sealed = keyring.seal(secret, { userId: 'ada', purpose: 'totp-secret' });
  results.push(await bench('keyring seal (AES-256-GCM, 20 bytes)', 20_000, () => keyring.seal(secret, { userId: 'ada', purpose: 'totp-secret' })));
  results.push(await bench('keyring open', 20_000, () => keyring.open(sealed, { userId: 'ada', purpose: 'totp-secret' })));

  // verify end to end: lockout peek, read, decrypt, 3 candidate codes, guarded write. A fresh step per call.
  let ms = 1_700_000_000_000;
  const capabilities = defineCapabilities(['x.read'] as const);
  const roles = defineRoles(capabilities, { owner: ['x.read'] }, { ownerRole: 'owner' });
  const tenantry = createTenantry({
    store: memoryStore(),
    capabilities,
    roles,
    now: () => new Date(ms),
    twoFactor: { keys: { current: 'k1', k1: randomBytes(32) } },
  });
  const enrolment = await tenantry.twoFactor.enroll({ userId: 'ada', issuer: 'Bench', label: 'ada' });
  const { ScureBase32Plugin } = await import('otplib');
  const bytes = new ScureBase32Plugin().decode(enrolment.secret);
  const parameters = { algorithm: 'sha1', digits: 6, period: 30 } as const;
  await tenantry.twoFactor.confirm({ userId: 'ada', code: await codeAt(bytes, Math.floor(ms / 30_000), parameters) });
  results.push(
    await bench(
      'twoFactor.verify, accepted (memory store)',
      2_000,
      async () => {
        ms += 30_000;
        await tenantry.twoFactor.verify({ userId: 'ada', code: await codeAt(bytes, Math.floor(ms / 30_000), parameters) });
      },
      5,
    ),
  );
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(table(await twoFactorBenchmarks()));
