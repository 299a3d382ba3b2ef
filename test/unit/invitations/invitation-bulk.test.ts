import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ForbiddenError, ValidationError } from 'tenantry';
import { parseInvitationCsv } from '../../../src/services/invitations/invitation-csv.js';
import { invitationWorld } from './invitation-catalog.js';

describe('invitation CSV', () => {
  it('parses the header, bare and quoted fields, CRLF and a BOM; reports malformed rows instead of skipping them', () => {
    const text = '\uFEFFemail,role\r\nina@example.com,member\n"o""neil@example.com",admin\n\nbad\n"open,member\na,b,c\n';
    expect(parseInvitationCsv(text)).toEqual([
      { email: 'ina@example.com', role: 'member' },
      { email: 'o"neil@example.com', role: 'admin' },
      'malformed',
      'malformed',
      'malformed',
    ]);
  });

  it('refuses a missing or different header for the whole call', () => {
    for (const text of ['', 'ina@example.com,member', 'Email,Role\na@b.co,member', 'role,email\n']) {
      expect(() => parseInvitationCsv(text)).toThrow(ValidationError);
    }
  });

  it('round-trips any two fields written RFC 4180 style', () => {
    const field = fc.string({ maxLength: 20 }).filter((value) => !/[\r\n]/.test(value));
    const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
    fc.assert(
      fc.property(fc.array(fc.tuple(field, field), { maxLength: 10 }), (rows) => {
        const text = ['email,role', ...rows.map(([email, role]) => `${quote(email)},${quote(role)}`)].join('\n');
        expect(parseInvitationCsv(text)).toEqual(rows.map(([email, role]) => ({ email, role })));
      }),
    );
  });
});

describe('invitations.createMany', () => {
  it('gives one result per row, in order: created (with a token), existing, invalid with a reason; all valid rows in one transaction', async () => {
    const world = await invitationWorld();
    await world.owner.invitations.create({ tenantId: world.tenantId, email: 'old@example.com', role: 'member' });
    world.store.reset();
    const result = await world.admin.invitations.createMany({
      tenantId: world.tenantId,
      rows: 'email,role\nina@example.com,member\nOLD@example.com,member\nnot-an-email,member\nx@example.com,superuser\nINA@EXAMPLE.COM,member\nboss@example.com,owner\nbroken',
    });
    expect(result.rows.map((r) => [r.row, r.outcome, 'reason' in r ? r.reason : undefined])).toEqual([
      [1, 'created', undefined],
      // The local part keeps its case: OLD@ is another address than old@.
      [2, 'created', undefined],
      [3, 'invalid', 'invalid_email'],
      [4, 'invalid', 'unknown_role'],
      [5, 'created', undefined],
      [6, 'invalid', 'role_not_allowed'],
      [7, 'invalid', 'malformed_row'],
    ]);
    expect(result).toMatchObject({ created: 3, existing: 0, invalid: 4 });
    expect(world.store.counts.transaction).toBe(1);
    const again = await world.owner.invitations.createMany({ tenantId: world.tenantId, rows: [{ email: 'old@example.com', role: 'member' }], mode: 'each' });
    expect(again.rows[0]).toMatchObject({ row: 1, outcome: 'existing' });
  });

  it('dedupes normalised addresses within a batch, caps the rows per call, and refuses a non-manager as a whole', async () => {
    const world = await invitationWorld({ invitations: { maxBulkRows: 3 } });
    const dup = await world.owner.invitations.createMany({
      tenantId: world.tenantId,
      rows: [
        { email: 'a@Example.com', role: 'member' },
        { email: ' a@example.COM', role: 'member' },
      ],
    });
    expect(dup.rows.map((r) => r.outcome)).toEqual(['created', 'invalid']);
    const four = Array.from({ length: 4 }, (_, i) => ({ email: `u${String(i)}@example.com`, role: 'member' }));
    await expect(world.owner.invitations.createMany({ tenantId: world.tenantId, rows: four })).rejects.toBeInstanceOf(ValidationError);
    const mia = world.tenantry.forRequest({ userId: 'mia' });
    await expect(mia.invitations.createMany({ tenantId: world.tenantId, rows: four.slice(0, 1) })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(mia.invitations.createMany({ tenantId: world.tenantId, rows: four.slice(0, 1), mode: 'each' })).rejects.toBeInstanceOf(ForbiddenError);
  });
});
