/**
 * tenantry quickstart, on the embedded SQLite default:
 * 1. one tenant, one member per role, and the role x capability matrix
 *    (200 allowed, 403 member without the capability, 404 not a member);
 * 2. a plan with limits: consumption up to the limit, a refused consumption,
 *    an idempotent retry, a "what if" simulation of a plan change, and the
 *    upgrade itself (one step, the billing-cycle anchor kept).
 * Run with `npm run demo`.
 */
import { createTenantry, isLimitExceededError, systemActor, type DecisionStatus, type EffectiveEntitlement } from 'tenantry';
import { capabilities, roles } from './catalog.js';
import { packages } from './plans.js';
import { createExampleStore } from './shared/default-store.js';

const { store, close } = await createExampleStore();
// Alerts arrive while a consumption settles; print them after the line that reports it.
const alerts: string[] = [];
const printAlerts = () => {
  for (const line of alerts.splice(0)) console.log(line);
};
const tenantry = createTenantry({
  capabilities,
  roles,
  store,
  manageMembers: 'membership.manage',
  entitlements: {
    packages,
    onAlert: (alert) => {
      alerts.push(`  alert: ${alert.featureKey} reached ${alert.threshold}% (${alert.used}/${alert.limit})`);
    },
  },
});
await tenantry.ready();

// The owner creates the tenant; trusted bootstrap code adds the others.
const olivia = tenantry.forRequest({ userId: 'olivia' });
const { tenant } = await olivia.tenants.create();
const people = { owner: 'olivia', manager: 'max', operator: 'oscar', readonly: 'rita' } as const;
const seed = tenantry.as(systemActor('quickstart'));
for (const role of roles.roleNames()) {
  if (roles.isOwner(role)) continue;
  await seed.members.add({ tenantId: tenant.id, userId: people[role], role });
}

const columns = [...roles.roleNames().map((role) => ({ label: role, userId: people[role] })), { label: 'non-member', userId: 'nina' }];
const scopes = columns.map(({ userId }) => tenantry.forRequest({ userId }));
const paint = (status: DecisionStatus) => {
  const colour = status === 200 ? 32 : status === 403 ? 33 : 90;
  return process.stdout.isTTY ? `\u001b[${colour}m${status}\u001b[0m` : String(status);
};

const width = Math.max(...capabilities.all().map((c) => c.length)) + 2;
console.log(`tenant ${tenant.id}\n`);
console.log('capability'.padEnd(width) + columns.map((c) => c.label.padStart(12)).join(''));
for (const capability of capabilities.all()) {
  const statuses = await Promise.all(scopes.map(async (scope) => (await scope.check(tenant.id, capability)).status));
  console.log(capability.padEnd(width) + statuses.map((s) => ' '.repeat(9) + paint(s)).join(''));
}

const operatorView = await scopes[2]!.actionState(tenant.id, 'project.delete');
console.log(`\noscar (operator) sees "Delete project" as: ${JSON.stringify(operatorView)}`);
console.log(`nina (non-member) gets: ${JSON.stringify(await scopes[4]!.check(tenant.id, 'tenant.read'))}`);

// Entitlements: billing (trusted server code) puts the tenant on the free plan (1,000 API requests a day).
const billing = tenantry.as(systemActor('billing'));
await billing.provisioning.assignPackage({ tenantId: tenant.id, packageKey: 'free' });
console.log('\nplan: free');
for (const amount of [600, 300, 100]) {
  const decision = await olivia.usage.consume({ tenantId: tenant.id, featureKey: 'api.requests', amount });
  console.log(`consume ${String(amount).padStart(4)} api.requests -> used ${decision.used}/${String(decision.limit)}, remaining ${String(decision.remaining)}`);
  printAlerts();
}
try {
  await olivia.usage.consume({ tenantId: tenant.id, featureKey: 'api.requests', amount: 1 });
} catch (error) {
  if (!isLimitExceededError(error)) throw error;
  console.log(`consume    1 api.requests -> refused: ${error.code} (limit ${error.limit}, used ${error.used}, requested ${error.requested})`);
}
const job = { tenantId: tenant.id, featureKey: 'ai.tokens', amount: 250, idempotencyKey: 'job-42' } as const;
const first = await olivia.usage.consume(job);
const retry = await olivia.usage.consume(job);
console.log(`ai.tokens 250 with key job-42 twice -> used ${first.used}, then ${retry.used} (replayed: ${retry.replayed}, usage as of ${retry.usageAsOf})`);
console.log(`  normalized key: ${String(first.idempotencyKey)}`);

const simulation = await olivia.usage.simulate({ tenantId: tenant.id, packageKeys: ['pro'] });
console.log('\nwhat if this tenant moved to pro? (nothing is written)');
const limitOf = (entitlement: EffectiveEntitlement) =>
  entitlement.kind === 'boolean' ? (entitlement.enabled ? 'on' : 'off') : entitlement.enabled ? String(entitlement.limit) : 'off';
for (const row of simulation.features) {
  console.log(`  ${row.featureKey.padEnd(18)} ${limitOf(row.current).padStart(8)} -> ${limitOf(row.proposed).padEnd(8)} ${row.change}`);
}

// The upgrade: one transaction (never both plans summed, never a gap), audited once; the cycle anchor is kept.
const tokensBefore = (await olivia.usage.report({ tenantId: tenant.id })).features.find((usage) => usage.featureKey === 'ai.tokens');
const upgrade = await billing.provisioning.changePackage({ tenantId: tenant.id, from: 'free', to: 'pro', usage: 'carry' });
const tokensAfter = (await olivia.usage.report({ tenantId: tenant.id })).features.find((usage) => usage.featureKey === 'ai.tokens');
console.log(`
upgrade free -> pro, cycle anchored at ${upgrade.cycleAnchor.toISOString()}`);
console.log(`  ai.tokens window ${tokensBefore?.windowStart.toISOString()} .. ${tokensBefore?.windowEnd?.toISOString()} before`);
console.log(`  ai.tokens window ${tokensAfter?.windowStart.toISOString()} .. ${tokensAfter?.windowEnd?.toISOString()} after (kept)`);
console.log(`  ai.tokens used ${tokensAfter?.used}/${String(tokensAfter?.limit)} (usage carried)`);
const [entry] = (await billing.audit.list({ tenantId: tenant.id, limit: 1 })).items;
console.log(`  audited once: ${entry?.action} ${JSON.stringify(entry?.metadata)}`);

// Retention without a cron: prune what is due when the demo ends (a real app runs it from a timer it owns).
console.log(`
pruned: ${JSON.stringify(await store.prune({ now: new Date() }))}`);
await tenantry.close();
await close();
