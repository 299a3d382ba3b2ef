import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidCodeError, isTenantryError, UnsafeUrlError, ValidationError } from 'tenantry';
import { decodeCursor, encodeCursor } from '../../src/core/paging/page.js';
import { formatInvitationToken, parseInvitationToken, SELECTOR_LENGTH, VERIFIER_LENGTH } from '../../src/core/invitations/invitation-token.js';
import { normalizeRecoveryCode, parseTotpCode, RECOVERY_ALPHABET } from '../../src/core/two-factor/code-format.js';
import { checkWebhookUrl } from '../../src/core/webhooks/url-policy.js';
import { readIdempotencyKey } from '../../src/integrations/http/idempotency-key-header.js';
import { parseInvitationCsv } from '../../src/services/invitations/invitation-csv.js';
import { bootstrap, setup } from '../support/catalog.js';

/**
 * Every parser at the boundary, fed hostile input at high run counts: it
 * either returns a value that satisfies its own rule or throws the one typed
 * error its TSDoc names — never a crash, a `TypeError` from deeper down, or
 * an untyped error. Where the parser sits in front of storage, the rejected
 * input never reaches the store (a counting store proves zero calls).
 *
 * The inputs mix every UTF-16 code unit (lone surrogates included), long
 * strings, near-misses of the valid format and non-string values.
 */

const RUNS = 5_000;

/** Any string: code units from the whole UTF-16 range, sometimes long. */
const anyText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  {
    weight: 2,
    arbitrary: fc.string({ unit: fc.constantFrom('a', '0', '-', '_', '.', ':', '"', '\\', ' ', ',', '\n', '\u0000', '\ud800', 'é'), maxLength: 200 }),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 500, maxLength: 3000 }) },
);
/** Anything a JSON body or a header could carry, and more. */
const anyValue = fc.oneof({ weight: 4, arbitrary: anyText }, { weight: 1, arbitrary: fc.anything() });

/** Runs `parse` and returns the error it threw, or `undefined`. */
function thrown(parse: () => unknown): unknown {
  try {
    parse();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('Idempotency-Key header', () => {
  const CLIENT_KEY = /^[\x21-\x7e]{1,128}$/;

  it('returns a valid key or throws ValidationError for any header value', () => {
    fc.assert(
      fc.property(anyValue, (raw) => {
        const error = thrown(() => readIdempotencyKey(raw, 'Idempotency-Key'));
        if (error === undefined) {
          const key = readIdempotencyKey(raw, 'Idempotency-Key');
          expect(key === undefined || CLIENT_KEY.test(key)).toBe(true);
        } else {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('reads a bare key and its RFC 8941 quoted spelling as the same key', () => {
    const keyArb = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 128 });
    fc.assert(
      fc.property(keyArb, (key) => {
        const quoted = `"${key.replace(/[\\"]/g, '\\$&')}"`;
        if (!key.startsWith('"')) expect(readIdempotencyKey(key, 'Idempotency-Key')).toBe(key);
        expect(readIdempotencyKey(quoted, 'Idempotency-Key')).toBe(key);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('invitation tokens', () => {
  it('accepts exactly the formatted tokens and nothing else', () => {
    const b64url = (length: number) =>
      fc.string({
        unit: fc.constantFrom(...Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')),
        minLength: length,
        maxLength: length,
      });
    fc.assert(
      fc.property(anyValue, (raw) => {
        const parts = parseInvitationToken(raw);
        if (parts !== undefined) expect(formatInvitationToken(parts)).toBe(raw);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(b64url(SELECTOR_LENGTH), b64url(VERIFIER_LENGTH), (selector, verifier) => {
        const parts = parseInvitationToken(formatInvitationToken({ selector, verifier }));
        // Non-canonical base64url (stray bits in the last character) is refused, so one token has one spelling.
        if (parts !== undefined) expect(parts).toEqual({ selector, verifier });
      }),
      { numRuns: RUNS },
    );
  });

  it('never lets a malformed token reach storage', async () => {
    const { tenantry, store } = setup();
    await tenantry.as(bootstrap).tenants.create({ ownerId: 'owner' });
    const invitee = tenantry.forRequest({ userId: 'invitee' });
    await fc.assert(
      fc.asyncProperty(
        anyValue.filter((raw) => parseInvitationToken(raw) === undefined),
        async (token) => {
          store.reset();
          const error = await invitee.invitations.accept({ token: token as string }).then(
            () => undefined,
            (caught: unknown) => caught,
          );
          expect(isTenantryError(error)).toBe(true);
          expect(store.total()).toBe(0);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});

describe('invitation CSV', () => {
  it('returns rows or throws ValidationError for any text, and never drops a data line', () => {
    fc.assert(
      fc.property(anyText, fc.boolean(), (body, withHeader) => {
        const text = withHeader ? `email,role\n${body}` : body;
        const error = thrown(() => parseInvitationCsv(text));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(ValidationError);
          return;
        }
        const rows = parseInvitationCsv(text);
        const dataLines = text
          .replace(/^\uFEFF/, '')
          .split(/\r?\n/)
          .slice(1)
          .filter((line) => line !== '');
        expect(rows).toHaveLength(dataLines.length);
      }),
      { numRuns: RUNS },
    );
  });

  it('reads back every row written with RFC 4180 quoting', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'Z', '@', '.', ',', '"', ' ', 'é', '1'), maxLength: 20 });
    const quote = (value: string) => (/[",]/.test(value) || value === '' ? `"${value.replaceAll('"', '""')}"` : value);
    fc.assert(
      fc.property(fc.array(fc.tuple(field, field), { minLength: 1, maxLength: 20 }), fc.constantFrom('\n', '\r\n'), (rows, eol) => {
        const text = ['email,role', ...rows.map(([email, role]) => `${quote(email)},${quote(role)}`)].join(eol);
        expect(parseInvitationCsv(text)).toEqual(rows.map(([email, role]) => ({ email, role })));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('two-factor codes', () => {
  it('a TOTP code is exactly `digits` ASCII digits or InvalidCodeError', () => {
    fc.assert(
      fc.property(anyValue, fc.integer({ min: 6, max: 8 }), (raw, digits) => {
        const error = thrown(() => parseTotpCode(raw, digits));
        if (error === undefined) expect(raw).toMatch(new RegExp(`^[0-9]{${digits}}$`));
        else expect(error).toBeInstanceOf(InvalidCodeError);
      }),
      { numRuns: RUNS },
    );
  });

  it('a recovery code normalises to 12 alphabet characters or InvalidCodeError, idempotently', () => {
    fc.assert(
      fc.property(anyValue, (raw) => {
        const error = thrown(() => normalizeRecoveryCode(raw));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(InvalidCodeError);
          return;
        }
        const chars = normalizeRecoveryCode(raw);
        expect(Array.from(chars).every((c) => RECOVERY_ALPHABET.includes(c))).toBe(true);
        expect(chars).toHaveLength(12);
        expect(normalizeRecoveryCode(chars)).toBe(chars);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('webhook URLs', () => {
  const policy = { allowHttp: false } as const;

  it('any text is either an https URL on an allowed port or UnsafeUrlError', () => {
    const urlish = fc.oneof(
      anyText,
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      fc.tuple(fc.constantFrom('https://', 'http://', 'ftp://', 'https://user:pw@', 'HTTPS://'), anyText).map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(urlish, (input) => {
        const error = thrown(() => checkWebhookUrl(input, policy));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(UnsafeUrlError);
          // The refusal never echoes the input.
          expect((error as Error).message.includes(input) && input.length > 8).toBe(false);
          return;
        }
        const checked = checkWebhookUrl(input, policy);
        expect(checked.url.protocol).toBe('https:');
        expect(checked.url.username + checked.url.password).toBe('');
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a private IPv4 address in every spelling the URL parser accepts', () => {
    const privateV4 = fc.oneof(
      fc.tuple(fc.constant(10), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(127), fc.nat(255), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(192), fc.constant(168), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(169), fc.constant(254), fc.nat(255), fc.nat(255)),
      fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), fc.nat(255), fc.nat(255)),
    );
    const spell = ([a, b, c, d]: [number, number, number, number], how: number): string => {
      const n = ((a * 256 + b) * 256 + c) * 256 + d;
      switch (how) {
        case 0:
          return `${a}.${b}.${c}.${d}`;
        case 1:
          return String(n);
        case 2:
          return `0x${n.toString(16)}`;
        case 3:
          return `0${a.toString(8)}.0${b.toString(8)}.${c}.${d}`;
        case 4:
          return `${a}.${b * 65536 + c * 256 + d}`;
        case 5:
          return `[::ffff:${a}.${b}.${c}.${d}]`;
        default:
          return `${a}.${b}.${c}.${d}.`;
      }
    };
    fc.assert(
      fc.property(privateV4, fc.integer({ min: 0, max: 6 }), (octets, how) => {
        const error = thrown(() => checkWebhookUrl(`https://${spell(octets, how)}/hook`, policy));
        expect(error).toBeInstanceOf(UnsafeUrlError);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('cursors', () => {
  const isKey = (key: string) => /^[a-z0-9-]{1,64}$/.test(key);

  it('decodes a key that satisfies the key rule or throws ValidationError, for any text', () => {
    fc.assert(
      fc.property(anyText, fc.constantFrom('members', 'audit', 'tenants'), (cursor, kind) => {
        const error = thrown(() => decodeCursor(kind, cursor, isKey));
        if (error === undefined) expect(isKey(decodeCursor(kind, cursor, isKey))).toBe(true);
        else expect(error).toBeInstanceOf(ValidationError);
      }),
      { numRuns: RUNS },
    );
  });

  it('round-trips its own cursors and refuses them for another list', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9-]{1,64}$/), (key) => {
        expect(decodeCursor('members', encodeCursor('members', key), isKey)).toBe(key);
        expect(thrown(() => decodeCursor('audit', encodeCursor('members', key), isKey))).toBeInstanceOf(ValidationError);
      }),
      { numRuns: RUNS },
    );
  });

  it('a forged cursor never reaches storage', async () => {
    const { tenantry, store } = setup();
    const { tenant } = await tenantry.as(bootstrap).tenants.create({ ownerId: 'owner' });
    const owner = tenantry.forRequest({ userId: 'owner' });
    await owner.members.list({ tenantId: tenant.id }); // resolves and caches the membership
    await fc.assert(
      fc.asyncProperty(anyText, async (cursor) => {
        store.reset();
        const error = await owner.members.list({ tenantId: tenant.id, cursor }).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        if (error === undefined) return; // a cursor that happened to be valid
        expect(error).toBeInstanceOf(ValidationError);
        expect(store.counts.listMembers).toBe(0);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('tenant and user ids', () => {
  it('a malformed tenant id or user id is a typed error before any storage access', async () => {
    const { tenantry, store } = setup();
    await fc.assert(
      fc.asyncProperty(anyValue, fc.constantFrom('check', 'members.add', 'forRequest'), async (raw, via) => {
        store.reset();
        const call = async () => {
          if (via === 'check') return tenantry.forRequest({ userId: 'someone' }).check(raw as string, 'tenant.read');
          if (via === 'members.add') return tenantry.as(bootstrap).members.add({ tenantId: raw as string, userId: 'u', role: 'readonly' });
          return tenantry.forRequest({ userId: raw as string }).check('00000000-0000-4000-8000-000000000000', 'tenant.read');
        };
        const error = await call().then(
          () => undefined,
          (caught: unknown) => caught,
        );
        if (error === undefined || !(error instanceof ValidationError)) {
          // Well-formed ids reach storage and answer there (typed: 404 for an unknown tenant).
          if (error !== undefined) expect(isTenantryError(error)).toBe(true);
          return;
        }
        expect(store.total()).toBe(0);
      }),
      { numRuns: 2_000 },
    );
  });
});
