import type { StoreConformanceCaseName } from 'tenantry/testing';
import { AlreadyExistsError } from '../../src/core/errors/index.js';
import type { Store } from '../../src/store/store.js';
import { ignoring, noTransaction, pause, patched } from './store-mutants.js';

/** Deliberately broken invitation operations, one per invitation conformance case. */
export const INVITATION_MUTANTS = {
  'insertInvitation stores every field; findInvitation and findInvitationBySelector return it, and undefined for unknown ones': patched((ops) => ({
    // Forgets the email binding.
    insertInvitation: (i) => ops.insertInvitation({ ...i, requireEmailMatch: false }),
  })),
  'insertInvitation into a missing tenant throws NotFoundError and writes nothing': patched((ops) => ({
    insertInvitation: async (i) => {
      await ops
        .createTenant(
          { id: i.tenantId, createdByType: 'user', createdBy: 'ghost', createdAt: i.createdAt },
          {
            id: i.id,
            tenantId: i.tenantId,
            userId: 'ghost',
            role: 'owner',
            createdByType: 'user',
            createdBy: 'ghost',
            createdAt: i.createdAt,
            source: 'tenant_create',
          },
        )
        .catch(ignoring('already_exists'));
      return ops.insertInvitation(i);
    },
  })),
  'insertInvitation keeps one pending invitation per tenant and exact email: a second one returns the existing row and writes nothing': patched((ops) => ({
    // Case-folds emails: two addresses differing in case become one.
    insertInvitation: (i) => ops.insertInvitation({ ...i, email: i.email.toLowerCase() }),
  })),
  'listInvitations pages by id and filters by status, deriving expired from now': patched((ops) => ({
    // Treats expired rows as pending (status read from storage only).
    listInvitations: async (t, p) => {
      if (p.status !== 'pending' && p.status !== 'expired') return ops.listInvitations(t, p);
      return (await ops.listInvitations(t, { ...p, status: undefined as never })).filter((row) => row.status === 'pending');
    },
  })),
  'writeInvitation accept applies once, only with the current selector and before expiry': patched((ops) => ({
    // Ignores the expiry.
    writeInvitation: (w) => ops.writeInvitation(w.kind === 'accept' ? { ...w, at: new Date(0) } : w),
  })),
  'writeInvitation rotate replaces selector, hash and expiry of a pending invitation; revoke keeps the row; settled rows are never rotated': patched((ops) => ({
    // Keeps the old expiry.
    writeInvitation: async (w) => {
      if (w.kind !== 'rotate') return ops.writeInvitation(w);
      const current = await ops.findInvitation(w.tenantId, w.invitationId);
      return ops.writeInvitation({ ...w, expiresAt: current?.expiresAt ?? w.expiresAt });
    },
  })),
  // Work runs on the store itself: the acceptance stays when the membership insert fails.
  'an acceptance and its membership roll back together: a failed transaction leaves the invitation pending': patched((ops) => ops, noTransaction),
  'concurrent acceptances of one invitation: exactly one applies': patched((ops) => ({
    // Reads the guard, then writes after a pause.
    writeInvitation: async (w) => {
      const current = await ops.findInvitation(w.tenantId, w.invitationId);
      await pause();
      if (w.kind !== 'accept' || current?.status !== 'pending') return ops.writeInvitation(w);
      const result = await ops.writeInvitation(w);
      return result.outcome === 'applied'
        ? result
        : { outcome: 'applied', invitation: { ...current, status: 'accepted', acceptedBy: w.userId, settledAt: w.at } };
    },
  })),
  'concurrent invitations of one email: exactly one is created, the others return it': patched((ops) => ({
    // Checks for a pending row, then inserts under a fresh email key after a pause.
    insertInvitation: async (i) => {
      const pending = await ops.listInvitations(i.tenantId, { limit: 1000, now: new Date(0) });
      await pause();
      const existing = pending.find((row) => row.email === i.email && row.status === 'pending');
      if (existing !== undefined) return { outcome: 'existing', existing };
      return ops.insertInvitation({ ...i, email: `${i.email}#${i.id}` });
    },
  })),
  "writeInvitation rotate onto the invitation's own selector applies: the unique selector key is about other invitations": patched((ops) => ({
    // Counts the row's own selector as taken (the memory store's old behaviour).
    writeInvitation: async (w) => {
      if (w.kind === 'rotate' && (await ops.findInvitationBySelector(w.selector)) !== undefined) throw new AlreadyExistsError('invitation');
      return ops.writeInvitation(w);
    },
  })),
} satisfies Partial<Record<StoreConformanceCaseName, () => Store>>;
