import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateHierarchicalConsumption, evaluateHierarchicalRelease, type PoolLevel } from '../../../src/core/entitlements/evaluate-hierarchy.js';
import { effectiveEntitlements } from '../../../src/core/entitlements/effective-entitlements.js';
import { ValidationError } from '../../../src/core/errors/index.js';
import { COUNTER_CEILING } from '../../../src/core/entitlements/limit.js';
import { limitArb } from './arbitraries.js';
import { features, packages, propertyOptions } from './fixtures.js';

const levelArb: fc.Arbitrary<PoolLevel> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ featureKey: fc.constantFrom('a', 'b', 'c'), enabled: fc.constant(true), limit: limitArb, used: fc.nat({ max: 1_000_000 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ featureKey: fc.constantFrom('a', 'b', 'c'), enabled: fc.constant(false), limit: fc.constant(0), used: fc.nat({ max: 1_000_000 }) }),
  },
);
const levelsArb = fc.array(levelArb, { minLength: 1, maxLength: 4 });

describe('evaluateHierarchicalConsumption', () => {
  it('allows when every level has room and reports the smallest remaining room', () => {
    const result = evaluateHierarchicalConsumption(
      [
        { featureKey: 'ai.tokens.images', enabled: true, limit: 500, used: 100 },
        { featureKey: 'ai.tokens', enabled: true, limit: 1000, used: 800 },
      ],
      50,
    );
    expect(result).toMatchObject({ allowed: true, reason: 'allowed', blockedBy: null, remaining: 150 });
    expect(result.levels.map((level) => level.usedAfter)).toEqual([150, 850]);
    expect(result.levels.map((level) => level.remaining)).toEqual([350, 150]);
  });

  it('refuses all levels when one pool has no room, naming it', () => {
    const pool = { featureKey: 'ai.tokens', enabled: true, limit: 1000, used: 950 };
    const result = evaluateHierarchicalConsumption([{ featureKey: 'ai.tokens.images', enabled: true, limit: 500, used: 100 }, pool], 100);
    expect(result).toMatchObject({ allowed: false, reason: 'limit_exceeded', blockedBy: pool, remaining: 50 });
  });

  it('charges nothing anywhere when refused, even at levels that had room', () => {
    const result = evaluateHierarchicalConsumption(
      [
        { featureKey: 'child', enabled: true, limit: 'unlimited', used: 0 },
        { featureKey: 'pool', enabled: true, limit: 0, used: 0 },
      ],
      1,
    );
    expect(result.allowed).toBe(false);
    expect(result.levels.map(({ hasRoom, usedAfter }) => ({ hasRoom, usedAfter }))).toEqual([
      { hasRoom: true, usedAfter: 0 },
      { hasRoom: false, usedAfter: 0 },
    ]);
  });

  it('reports the room as it stands when refused, since nothing is charged', () => {
    const result = evaluateHierarchicalConsumption(
      [
        { featureKey: 'child', enabled: true, limit: 10, used: 0 },
        { featureKey: 'pool', enabled: true, limit: 100, used: 95 },
      ],
      8,
    );
    // After-consumption room of the child would be 2; the refusal charges nothing, so its room is 10 and the pool's 5.
    expect(result.remaining).toBe(5);
  });

  it('names the first blocking level in the given order', () => {
    const child = { featureKey: 'child', enabled: true, limit: 1, used: 1 };
    const result = evaluateHierarchicalConsumption([child, { featureKey: 'pool', enabled: true, limit: 1, used: 1 }], 1);
    expect(result.blockedBy).toBe(child);
  });

  it('reports not_enabled before limit_exceeded, with zero room', () => {
    const disabled = { featureKey: 'pool', enabled: false, limit: 0, used: 0 };
    const result = evaluateHierarchicalConsumption([{ featureKey: 'child', enabled: true, limit: 0, used: 0 }, disabled], 1);
    expect(result).toMatchObject({ allowed: false, reason: 'not_enabled', blockedBy: disabled, remaining: 0 });
    expect(result.levels[1]).toMatchObject({ hasRoom: false, usedAfter: 0, remaining: 0 });
  });

  it('treats unlimited levels as no constraint, and is unlimited only when all are', () => {
    expect(
      evaluateHierarchicalConsumption(
        [
          { featureKey: 'hd', enabled: true, limit: 'unlimited', used: 5 },
          { featureKey: 'images', enabled: true, limit: 'unlimited', used: 5 },
          { featureKey: 'tokens', enabled: true, limit: 20, used: 5 },
        ],
        5,
      ),
    ).toMatchObject({ allowed: true, remaining: 10 });
    expect(evaluateHierarchicalConsumption([{ featureKey: 'x', enabled: true, limit: 'unlimited', used: 0 }], 5).remaining).toBe('unlimited');
  });

  it('refuses an unlimited level whose counter would pass COUNTER_CEILING, as limit_exceeded naming it', () => {
    const result = evaluateHierarchicalConsumption(
      [
        { featureKey: 'child', enabled: true, limit: 'unlimited', used: 0 },
        { featureKey: 'pool', enabled: true, limit: 'unlimited', used: COUNTER_CEILING - 2 },
      ],
      3,
    );
    expect(result).toMatchObject({ allowed: false, reason: 'limit_exceeded', blockedBy: { featureKey: 'pool' }, remaining: 2 });
    expect(result.levels.map((level) => [level.hasRoom, level.remaining])).toEqual([
      [true, 'unlimited'],
      [false, 2],
    ]);
  });

  it('combines a namespace limit with the tenant pool: room is the minimum of both', () => {
    const namespaceLevel = { featureKey: 'api.requests', namespace: 'eu-project', enabled: true, limit: 100, used: 40 };
    const tenantLevel = { featureKey: 'api.requests', enabled: true, limit: 1000, used: 980 };
    const result = evaluateHierarchicalConsumption([namespaceLevel, tenantLevel], 0);
    expect(result.remaining).toBe(20);
    expect(evaluateHierarchicalConsumption([namespaceLevel, tenantLevel], 30)).toMatchObject({ allowed: false, blockedBy: tenantLevel });
    const roomyTenant = { ...tenantLevel, used: 0 };
    expect(evaluateHierarchicalConsumption([namespaceLevel, roomyTenant], 61)).toMatchObject({ allowed: false, blockedBy: namespaceLevel });
  });

  it('never lets a namespace limit enable a feature the tenant is not granted', () => {
    const result = evaluateHierarchicalConsumption(
      [
        { featureKey: 'api.requests', namespace: 'n', enabled: true, limit: 100, used: 0 },
        { featureKey: 'api.requests', enabled: false, limit: 0, used: 0 },
      ],
      1,
    );
    expect(result.reason).toBe('not_enabled');
  });

  it('works on levels built from chainOf() and effective entitlements', () => {
    const effective = effectiveEntitlements(packages, { packages: ['free'] }, new Date('2025-01-01'));
    const usage: Record<string, number> = { 'ai.tokens.images': 20, 'ai.tokens': 990 };
    const levels = features.chainOf('ai.tokens.images').map((feature) => ({
      featureKey: feature,
      enabled: effective.features[feature].enabled,
      limit: effective.features[feature].limit,
      used: usage[feature] ?? 0,
    }));
    expect(evaluateHierarchicalConsumption(levels, 10)).toMatchObject({ allowed: true, remaining: 0 });
    expect(evaluateHierarchicalConsumption(levels, 11)).toMatchObject({ allowed: false, blockedBy: { featureKey: 'ai.tokens' } });
    // The free package does not grant the hd child, so its chain is blocked at the child itself.
    const hdLevels = features.chainOf('ai.tokens.images.hd').map((feature) => ({
      featureKey: feature,
      enabled: effective.features[feature].enabled,
      limit: effective.features[feature].limit,
      used: 0,
    }));
    expect(evaluateHierarchicalConsumption(hdLevels, 1)).toMatchObject({ reason: 'not_enabled', blockedBy: { featureKey: 'ai.tokens.images.hd' } });
  });

  it('throws ValidationError for no levels, a bad amount or a bad usage', () => {
    expect(() => evaluateHierarchicalConsumption([], 1)).toThrow(ValidationError);
    expect(() => evaluateHierarchicalConsumption([{ featureKey: 'x', enabled: true, limit: 1, used: 0 }], -1)).toThrow(ValidationError);
    expect(() => evaluateHierarchicalConsumption([{ featureKey: 'x', enabled: false, limit: 0, used: -1 }], 1)).toThrow(ValidationError);
  });

  it('allows iff every level is enabled and has room for the whole amount (property)', () => {
    fc.assert(
      fc.property(levelsArb, fc.nat({ max: 1_000_000 }), (levels, amount) => {
        const result = evaluateHierarchicalConsumption(levels, amount);
        const everyLevelHasRoom = levels.every((level) => level.enabled && (level.limit === 'unlimited' || level.used + amount <= level.limit));
        expect(result.allowed).toBe(everyLevelHasRoom);
        expect(result.blockedBy === null).toBe(everyLevelHasRoom);
        expect(result.reason).toBe(everyLevelHasRoom ? 'allowed' : levels.some((level) => !level.enabled) ? 'not_enabled' : 'limit_exceeded');
        // All or nothing: every level is charged the amount, or none is.
        for (const { level, usedAfter, hasRoom } of result.levels) {
          expect(usedAfter).toBe(result.allowed ? level.used + amount : level.used);
          expect(hasRoom).toBe(level.enabled && (level.limit === 'unlimited' || level.used + amount <= level.limit));
        }
      }),
      propertyOptions,
    );
  });

  it('reports the minimum room over all levels (property)', () => {
    fc.assert(
      fc.property(levelsArb, fc.nat({ max: 1_000_000 }), (levels, amount) => {
        const result = evaluateHierarchicalConsumption(levels, amount);
        const charged = result.allowed ? amount : 0;
        const rooms = levels.map((level) =>
          !level.enabled ? 0 : level.limit === 'unlimited' ? Number.POSITIVE_INFINITY : Math.max(0, level.limit - level.used - charged),
        );
        const expected = Math.min(...rooms);
        expect(result.remaining).toBe(expected === Number.POSITIVE_INFINITY ? 'unlimited' : expected);
      }),
      propertyOptions,
    );
  });
});

describe('evaluateHierarchicalRelease', () => {
  it('releases the same amount from every level', () => {
    expect(evaluateHierarchicalRelease([{ used: 4 }, { used: 10 }], 3)).toEqual({ released: 3, usedAfter: [1, 7] });
  });

  it('clamps to the lowest usage so that the chain stays in step', () => {
    expect(evaluateHierarchicalRelease([{ used: 2 }, { used: 10 }], 5)).toEqual({ released: 2, usedAfter: [0, 8] });
  });

  it('clamps to a pool whose usage is lower than its child (after a recount), so no level goes negative', () => {
    expect(evaluateHierarchicalRelease([{ used: 10 }, { used: 2 }], 5)).toEqual({ released: 2, usedAfter: [8, 0] });
  });

  it('never releases more than any level holds (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ used: fc.nat({ max: 1000 }) }), { minLength: 1, maxLength: 4 }), fc.nat({ max: 2000 }), (levels, amount) => {
        const { released, usedAfter } = evaluateHierarchicalRelease(levels, amount);
        expect(released).toBe(Math.min(amount, ...levels.map((level) => level.used)));
        expect(usedAfter).toEqual(levels.map((level) => level.used - released));
      }),
      propertyOptions,
    );
  });

  it('throws ValidationError for no levels or a bad amount', () => {
    expect(() => evaluateHierarchicalRelease([], 1)).toThrow(ValidationError);
    expect(() => evaluateHierarchicalRelease([{ used: 1 }], Number.NaN)).toThrow(ValidationError);
  });

  it('consuming then releasing returns every level to the same state (property)', () => {
    fc.assert(
      fc.property(levelsArb, fc.nat({ max: 1_000_000 }), (levels, amount) => {
        const consumed = evaluateHierarchicalConsumption(levels, amount);
        fc.pre(consumed.allowed);
        const after = consumed.levels.map(({ level, usedAfter }) => ({ ...level, used: usedAfter }));
        const released = evaluateHierarchicalRelease(after, amount);
        expect(released.released).toBe(amount);
        expect(released.usedAfter).toEqual(levels.map((level) => level.used));
        expect(
          evaluateHierarchicalConsumption(
            levels.map((level, i) => ({ ...level, used: released.usedAfter[i] ?? -1 })),
            0,
          ),
        ).toEqual(evaluateHierarchicalConsumption(levels, 0));
      }),
      propertyOptions,
    );
  });
});
