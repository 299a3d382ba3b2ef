import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createTenantry, systemActor } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { networkBus, type NetworkInvalidationBus } from '../../src/adapters/buses/network-bus.js';
import { capabilities, roles, type Role } from '../support/catalog.js';
import { MemoryBroker } from '../support/memory-transport.js';

/**
 * Two instances over one store, each with a membership cache whose TTL
 * outlives the run and its own network bus on one in-process broker.
 * Random changes on either instance, checks on either, and bus connections
 * killed (and kept unreachable until a later step) at random points: every check answers
 * what storage holds once the change's message had its chance to arrive,
 * whether the reader's bus is up, down or reconnecting (fail safe).
 */
const USERS = ['u1', 'u2', 'u3'] as const;
const ROLES = ['readonly', 'operator', 'manager'] as const satisfies readonly Role[];
const system = systemActor('property');
const timing = { heartbeatMs: 50, probeTimeoutMs: 50, reconnectMinMs: 1, reconnectMaxMs: 4, maxPayloadBytes: 7900 };

type Step =
  | { readonly kind: 'set'; readonly at: 0 | 1; readonly user: (typeof USERS)[number]; readonly role: (typeof ROLES)[number] | null }
  | { readonly kind: 'check'; readonly at: 0 | 1; readonly user: (typeof USERS)[number] }
  | { readonly kind: 'kill'; readonly at: 0 | 1; readonly refuse: boolean }
  | { readonly kind: 'waitUp'; readonly at: 0 | 1 };

const instance = fc.constantFrom<0 | 1>(0, 1);
const user = fc.constantFrom(...USERS);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), at: instance, user, role: fc.option(fc.constantFrom(...ROLES), { nil: null }) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('check' as const), at: instance, user }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('kill' as const), at: instance, refuse: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('waitUp' as const), at: instance }) },
);

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('two instances on a bus', () => {
  it('never serve a stale membership after a change was delivered, whatever the bus connections do', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 8, maxLength: 40, size: 'max' }), async (steps) => {
        const store = memoryStore();
        const broker = new MemoryBroker();
        const buses: NetworkInvalidationBus[] = [networkBus(broker.transport(0), timing), networkBus(broker.transport(1), timing)];
        const apps = buses.map((bus) =>
          createTenantry({ store, capabilities, roles, cache: { memberships: { max: 1000, ttlMs: 3_600_000 }, bus }, onError: () => undefined }),
        );
        const [first, second] = apps as [(typeof apps)[0], (typeof apps)[0]];
        const { tenant } = await first.as(system).tenants.create({ ownerId: 'owner' });
        const truth = new Map<string, string | null>(USERS.map((u) => [u, null]));
        try {
          for (const s of steps) {
            const app = s.at === 0 ? first : second;
            if (s.kind === 'set') {
              const current = truth.get(s.user) ?? null;
              const members = app.as(system).members;
              if (s.role === null && current !== null) await members.remove({ tenantId: tenant.id, userId: s.user });
              else if (s.role !== null && current === null) await members.add({ tenantId: tenant.id, userId: s.user, role: s.role });
              else if (s.role !== null && current !== s.role) await members.changeRole({ tenantId: tenant.id, userId: s.user, role: s.role });
              truth.set(s.user, s.role);
              await settle();
            } else if (s.kind === 'check') {
              const role = (await app.forRequest({ userId: s.user }).roleIn(tenant.id)) ?? null;
              expect(role).toBe(truth.get(s.user));
            } else if (s.kind === 'kill') {
              // Refused: the server stays unreachable for this instance until its next `waitUp`.
              if (s.refuse) broker.refuse.add(s.at);
              broker.cut(s.at);
            } else {
              broker.refuse.delete(s.at);
              const bus = buses[s.at];
              await vi.waitFor(
                () => {
                  if (bus?.status !== 'up') throw new Error('bus not up');
                },
                { timeout: 2000, interval: 1 },
              );
            }
          }
        } finally {
          await Promise.all(apps.map((app) => app.close()));
        }
      }),
      { numRuns: 100 },
    );
  }, 120_000);
});
