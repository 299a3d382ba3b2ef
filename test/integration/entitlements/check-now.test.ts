import { expect, it } from 'vitest';
import { DATABASE_NAMES, describeDatabases } from '../../support/databases.js';
import { entitlementWorld } from '../../support/entitlements.js';

/** check() means "now": `used`/`remaining` are current usage, `usedAfter`/`remainingAfter` what the amount would leave (issue 11). */
await describeDatabases(DATABASE_NAMES, (database) => {
  it('a fresh tenant with 3 seats: check says used 0, as the report does, and usedAfter 1', async () => {
    const { owner, tenantId } = await entitlementWorld({ store: database.store(), plan: 'free' });
    const check = await owner.usage.check({ tenantId, featureKey: 'seats' });
    const report = (await owner.usage.report({ tenantId })).features.find((usage) => usage.featureKey === 'seats');
    expect(report).toMatchObject({ used: 0, limit: 3, remaining: 3 });
    expect(check).toMatchObject({ allowed: true, used: 0, remaining: 3, usedAfter: 1, remainingAfter: 2, usageAsOf: 'now', idempotencyKey: null });
    // The same fields on a refusal and on an applied consumption.
    expect(await owner.usage.check({ tenantId, featureKey: 'seats', amount: 4 })).toMatchObject({
      allowed: false,
      used: 0,
      remaining: 3,
      usedAfter: 4,
      remainingAfter: 0,
    });
    expect(await owner.usage.consume({ tenantId, featureKey: 'seats', amount: 2 })).toMatchObject({ used: 2, remaining: 1, usedAfter: 2, remainingAfter: 1 });
    expect(await owner.usage.check({ tenantId, featureKey: 'sso' })).toMatchObject({
      allowed: false,
      used: 0,
      usedAfter: 0,
      usageAsOf: 'now',
      idempotencyKey: null,
    });
  });
});
