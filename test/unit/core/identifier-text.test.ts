import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TENANT_ID_LENGTH, MAX_USER_ID_LENGTH, tenantIdSchema, userIdSchema } from '../../../src/core/ids/identifiers.js';
import { identifierTextSchema, isSafeIdentifierText } from '../../../src/core/validation/identifier-text.js';
import { idempotencyKeySchema, namespaceSchema } from '../../../src/services/entitlements/entitlement-inputs.js';

/** Every C0 and C1 control character, and DEL. */
const CONTROLS = [...Array.from({ length: 0x20 }, (_, i) => i), ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i)].map((c) => String.fromCharCode(c));

/** A single UTF-16 code unit, surrogates included: strings of these are often ill-formed. */
const codeUnitArb = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const codeUnitStringArb = fc.array(codeUnitArb, { maxLength: 12 }).map((units) => units.join(''));

/** The reference definition, code unit by code unit, written independently of the implementation's regular expression. */
function reference(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const unit = value.charCodeAt(i);
    if (unit <= 0x1f || (unit >= 0x7f && unit <= 0x9f)) return false;
    if (unit >= 0xdc00 && unit <= 0xdfff) return false; // a low surrogate not consumed by a high one
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i += 1;
    }
  }
  return true;
}

describe('isSafeIdentifierText', () => {
  it('rejects every C0 and C1 control character and DEL, wherever it is', () => {
    for (const control of CONTROLS) {
      for (const value of [control, `a${control}`, `${control}a`, `a${control}b`]) expect(isSafeIdentifierText(value)).toBe(false);
    }
  });

  it('rejects unpaired surrogates, high or low, and accepts surrogate pairs', () => {
    for (const value of ['eve\ud800', 'eve\udc00', '\udbff', '\udfffx', 'a\udc00\ud800b', '\ud83d\ud83d']) expect(isSafeIdentifierText(value)).toBe(false);
    for (const value of ['eve\ufffd', 'emoji-😀', '\u{10ffff}', '\u{1F469}\u200d\u{1F4BB}', '\ud7ff\ue000']) expect(isSafeIdentifierText(value)).toBe(true);
  });

  it('accepts the characters next to the forbidden ranges', () => {
    for (const value of [' ', '~', '\u00a0', '\u00ff', '\ud7ff', '\ue000', '\ufffe', '\uffff']) expect(isSafeIdentifierText(value)).toBe(true);
  });

  it('agrees with a code-unit reference of well-formedness and the control-character ranges on arbitrary code-unit strings', () => {
    fc.assert(
      fc.property(fc.oneof(codeUnitStringArb, fc.string({ unit: 'binary', maxLength: 12 })), (value) => {
        expect(isSafeIdentifierText(value)).toBe(reference(value));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('identifierTextSchema', () => {
  it('accepts 1 to maxLength code points: a surrogate pair counts as one, as in PostgreSQL varchar(n)', () => {
    const schema = identifierTextSchema(4);
    expect(schema.safeParse('').success).toBe(false);
    expect(schema.safeParse('abcd').success).toBe(true);
    expect(schema.safeParse('abcde').success).toBe(false);
    expect(schema.safeParse('😀😀😀😀').success).toBe(true);
    expect(schema.safeParse('😀😀😀a').success).toBe(true);
    expect(schema.safeParse('😀😀😀😀a').success).toBe(false);
    expect(schema.safeParse('😀😀😀😀😀').success).toBe(false);
    expect(schema.safeParse('x'.repeat(9)).success).toBe(false);
  });

  it('never runs a later check on an over-long or unsafe value', () => {
    const seen: string[] = [];
    const schema = identifierTextSchema(8).refine((value) => {
      seen.push(value);
      return true;
    });
    for (const value of ['x'.repeat(100_000), 'a\u0000b', 'eve\ud800', '']) expect(schema.safeParse(value).success).toBe(false);
    expect(seen).toEqual([]);
    expect(schema.safeParse('ok').success).toBe(true);
    expect(seen).toEqual(['ok']);
  });
});

describe('the boundary schemas share the rule', () => {
  /** A host pattern that allows anything at all. */
  const ANYTHING = /^[\s\S]*$/;

  it('tenant ids: control characters and lone surrogates are refused whatever the host pattern allows', () => {
    const schema = tenantIdSchema(ANYTHING);
    for (const value of ['a\u0000b', 'tenant\n', 'x\u0085', 'eve\ud800', 'eve\udc00']) expect(schema.safeParse(value).success).toBe(false);
    expect(schema.safeParse('eve\ufffd').success).toBe(true);
    expect(schema.safeParse('t'.repeat(MAX_TENANT_ID_LENGTH)).success).toBe(true);
    expect(schema.safeParse('t'.repeat(MAX_TENANT_ID_LENGTH + 1)).success).toBe(false);
  });

  it('tenant ids: the host pattern never sees an over-long or unsafe id', () => {
    const seen: string[] = [];
    const spy = new (class extends RegExp {
      override test(value: string): boolean {
        seen.push(value);
        return super.test(value);
      }
    })(ANYTHING.source);
    const schema = tenantIdSchema(spy);
    for (const value of ['x'.repeat(1_000_000), 'a\u0000', 'eve\ud800']) expect(schema.safeParse(value).success).toBe(false);
    expect(seen).toEqual([]);
  });

  it('user ids: C1 controls and lone surrogates are refused, U+FFFD and astral characters accepted', () => {
    for (const value of ['eve\ud800', 'eve\udc00', 'eve\u0080', 'eve\u009f', 'eve\u0000', 'eve\u007f'])
      expect(userIdSchema.safeParse(value).success).toBe(false);
    for (const value of ['eve\ufffd', 'eve😀', 'Ève', 'e\u0301ve', 'eve\u00a0']) expect(userIdSchema.safeParse(value).success).toBe(true);
    expect(userIdSchema.safeParse('😀'.repeat(MAX_USER_ID_LENGTH)).success).toBe(true);
    expect(userIdSchema.safeParse('😀'.repeat(MAX_USER_ID_LENGTH + 1)).success).toBe(false);
  });

  it('namespaces and idempotency keys refuse what the rule refuses', () => {
    for (const value of ['ns\u0000', 'ns\ud800', '']) {
      expect(namespaceSchema.safeParse(value).success).toBe(false);
      expect(idempotencyKeySchema.safeParse(value).success).toBe(false);
    }
    expect(namespaceSchema.safeParse('project-1').success).toBe(true);
    expect(idempotencyKeySchema.safeParse('req_01HXYZ').success).toBe(true);
  });
});
