import { randomBytes, randomUUID } from 'node:crypto';
import type { NewInvitation } from '../../store/invitation-records.js';
import { CREATED_AT, MEMBER, type Fixtures } from './fixtures.js';

/** A fixed expiry a week after {@link CREATED_AT}, with non-zero milliseconds. */
export const EXPIRES_AT = new Date(CREATED_AT.getTime() + 7 * 24 * 3_600_000);

/** A fresh selector in the token format's alphabet (22 base64url characters). */
export function selector(): string {
  return randomBytes(16).toString('base64url');
}

/** A new pending invitation of `tenantId` for `email` (in the case's namespace unless it contains `@`). */
export function newInvitation(f: Fixtures, tenantId: string, email: string, overrides: Partial<NewInvitation> = {}): NewInvitation {
  return {
    id: randomUUID(),
    tenantId,
    email: email.includes('@') ? email : `${email}.${f.namespace}@example.com`,
    role: MEMBER,
    selector: selector(),
    verifierHash: randomBytes(32).toString('hex'),
    status: 'pending',
    requireEmailMatch: false,
    createdByType: 'user',
    createdBy: f.userId('owner'),
    createdAt: CREATED_AT,
    expiresAt: EXPIRES_AT,
    resendCount: 0,
    acceptedBy: null,
    settledAt: null,
    ...overrides,
  };
}
