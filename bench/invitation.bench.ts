import { randomBytes, randomUUID } from 'node:crypto';
import { memoryStore } from 'tenantry/memory';
import { parseInvitationToken } from 'tenantry';
import { VerifierHasher, mintToken } from '../src/services/invitations/token-secrets.js';
import { bench, type BenchResult } from './harness.js';

/**
 * The timing side channel of invitation lookup: the format check, one read
 * by selector and the constant-time verifier comparison, for an unknown
 * selector (compared against a dummy), a known selector with a wrong
 * verifier, and a valid token. The three should cost the same.
 */
export async function invitationBenchmarks(): Promise<BenchResult[]> {
  const store = memoryStore();
  const hasher = new VerifierHasher(undefined);
  const tenantId = randomUUID();
  const at = new Date();
  await store.createTenant(
    { id: tenantId, createdByType: 'system', createdBy: 'system:bench', createdAt: at },
    { id: randomUUID(), tenantId, userId: 'owner', role: 'owner', createdByType: 'system', createdBy: 'system:bench', createdAt: at, source: 'system' },
  );
  const minted = mintToken();
  await store.insertInvitation({
    id: randomUUID(),
    tenantId,
    email: 'ina@example.com',
    role: 'member',
    selector: minted.selector,
    verifierHash: hasher.hash(minted.verifier),
    status: 'pending',
    requireEmailMatch: false,
    createdByType: 'system',
    createdBy: 'system:bench',
    createdAt: at,
    expiresAt: new Date(at.getTime() + 86_400_000),
    resendCount: 0,
    acceptedBy: null,
    settledAt: null,
  });
  const unknown = `tnv1_${randomBytes(16).toString('base64url')}.${minted.verifier}`;
  const wrong = `tnv1_${minted.selector}.${randomBytes(32).toString('base64url')}`;
  const lookup = async (token: string) => {
    const parts = parseInvitationToken(token);
    if (parts === undefined) throw new Error('bench token is malformed');
    const record = await store.findInvitationBySelector(parts.selector);
    // Returned to the harness, so the comparison cannot be optimised away.
    return hasher.matches(parts.verifier, record?.verifierHash);
  };
  const n = 200_000;
  const results = [
    await bench('invitation lookup: unknown selector', n, () => lookup(unknown)),
    await bench('invitation lookup: wrong verifier', n, () => lookup(wrong)),
    await bench('invitation lookup: valid token', n, () => lookup(minted.token)),
  ];
  return results;
}
