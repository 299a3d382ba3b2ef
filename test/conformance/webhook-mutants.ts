import type { StoreConformanceCaseName } from 'tenantry/testing';
import type { Store } from '../../src/store/store.js';
import { ignoring, noTransaction, patched } from './store-mutants.js';

/** For every webhook case, a store broken in the way that case exists to catch. */
export const WEBHOOK_MUTANTS = {
  'webhook endpoints read back exactly, per tenant; update writes only the given fields; delete says whether it deleted': patched((ops) => ({
    // Drops the change of status: an update that writes fewer fields than given.
    updateWebhookEndpoint: ({ status: _dropped, ...change }) => ops.updateWebhookEndpoint(change),
  })),
  'insertWebhookEndpoint refuses a missing tenant with not_found and a duplicate id with already_exists': patched((ops) => ({
    insertWebhookEndpoint: (endpoint) => ops.insertWebhookEndpoint(endpoint).catch(ignoring('already_exists')),
  })),
  'insertWebhookDeliveries writes pending rows all or none, refusing an endpoint of another tenant; listing is newest first': patched((ops) => ({
    // Writes the rows it can, one by one: not all or none.
    insertWebhookDeliveries: async (rows) => {
      for (const row of rows) await ops.insertWebhookDeliveries([row]).catch(ignoring('not_found'));
    },
  })),
  'claimWebhookDeliveries takes due rows oldest first up to the limit, never a held one, and an expired claim again': patched((ops) => ({
    // Ignores the limit.
    claimWebhookDeliveries: (claim) => ops.claimWebhookDeliveries({ ...claim, limit: 1000 }),
  })),
  'completeWebhookDelivery logs the attempt and schedules the next one; requeue waits for the claim; prune removes finished rows only': patched((ops) => ({
    // Prunes by the cutoff of a day later: removes rows that are not old enough.
    pruneWebhookDeliveries: (before) => ops.pruneWebhookDeliveries(new Date(before.getTime() + 86_400_000)),
  })),
  'deleting a webhook endpoint deletes its deliveries and their attempts': patched((ops) => ({
    // Leaves the deliveries behind (no cascade).
    listWebhookDeliveries: async (tenantId, endpointId) => {
      const rows = await ops.listWebhookDeliveries(tenantId, endpointId);
      return rows.length === 0 ? [{ id: 'orphan' } as (typeof rows)[number]] : rows;
    },
  })),
  'outbox rows written in a transaction that rolls back are never seen; committed ones are': patched(() => ({}), noTransaction),
  'concurrent claims never hand one webhook delivery to two claimers': patched((ops) => ({
    // A read-then-write claim: every claimer sees the same due rows.
    claimWebhookDeliveries: async (claim) => {
      const due = (await ops.listWebhookDeliveries(claim.tenantId ?? '')).filter((row) => row.status === 'pending' || row.status === 'delivering');
      await Promise.resolve();
      return due.slice(0, claim.limit);
    },
  })),
} satisfies Partial<Record<StoreConformanceCaseName, () => Store>>;
