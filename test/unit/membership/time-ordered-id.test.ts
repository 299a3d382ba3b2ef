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

  it('property: ids from one generator strictly increase whatever its clock does (frozen, repeating, backwards)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_005 }), { minLength: 2, maxLength: 300 }), (times) => {
        const clock = { value: 0 };
        const next = timeOrderedIdGenerator(() => clock.value);
        const ids = times.map((ms) => {
          clock.value = ms;
          return next();
        });
        for (let i = 1; i < ids.length; i += 1) expect(ids[i]! > ids[i - 1]!).toBe(true);
        for (const id of ids) expect(id).toMatch(UUID_V7);
      }),
    );
  });

  it('keeps no state between generators: a new generator does not depend on what others handed out', () => {
    const busy = timeOrderedIdGenerator(() => 1_800_000_000_000);
    for (let i = 0; i < 100; i += 1) busy();
    // A fresh generator at the same millisecond starts its sequence at zero,
    // whatever ran before it (in this test, another test, another instance).
    const fresh = timeOrderedIdGenerator(() => 1_800_000_000_000)();
    expect(fresh.slice(14, 18)).toBe('7000');
    expect(busy().slice(14, 18)).toBe(`7${(100).toString(16).padStart(3, '0')}`);
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
