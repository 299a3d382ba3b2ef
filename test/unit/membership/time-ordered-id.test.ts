import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timeOrderedIdGenerator } from '../../../src/services/audit/time-ordered-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedIdGenerator', () => {
  it('produces RFC 9562 version-7 ids carrying the millisecond timestamp', () => {
    const id = timeOrderedIdGenerator(() => 0x0123456789ab)();
    expect(id).toMatch(UUID_V7);
    expect(id.slice(0, 13)).toBe('01234567-89ab');
  });

  it('property: ids from any mix of generators and clocks (frozen, repeating, backwards) strictly increase', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 2 }), fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_005 })), { minLength: 2, maxLength: 300 }), (calls) => {
        const clocks = [0, 1, 2].map(() => ({ value: 0 }));
        const generators = clocks.map((clock) => timeOrderedIdGenerator(() => clock.value));
        const ids = calls.map(([which, ms]) => {
          clocks[which]!.value = ms;
          return generators[which]!();
        });
        for (let i = 1; i < ids.length; i += 1) expect(ids[i]! > ids[i - 1]!).toBe(true);
        for (const id of ids) expect(id).toMatch(UUID_V7);
      }),
    );
  });

  it('stays ordered past 4096 ids in one millisecond', () => {
    const next = timeOrderedIdGenerator(() => 1_800_000_000_000);
    let previous = next();
    for (let i = 0; i < 5000; i += 1) {
      const id = next();
      expect(id > previous).toBe(true);
      previous = id;
    }
  });
});
