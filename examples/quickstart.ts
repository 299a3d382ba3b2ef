/**
 * tenantry quickstart: one tenant, one member per role, and the resulting
 * role x capability matrix (200 allowed, 403 member without the capability,
 * 404 not a member). Run with `npm run demo`.
 */
import { createTenantry, systemActor, type DecisionStatus } from 'tenantry';
import { capabilities, roles } from './catalog.js';
import { createExampleStore } from './shared/default-store.js';

const { store, close } = await createExampleStore();
const tenantry = createTenantry({ capabilities, roles, store, manageMembersCapability: 'membership.manage' });

// The owner creates the tenant; trusted bootstrap code adds the others.
const { tenant } = await tenantry.tenants.create({ ownerId: 'olivia' });
const people = { owner: 'olivia', manager: 'max', operator: 'oscar', readonly: 'rita' } as const;
const seed = systemActor('quickstart');
for (const role of roles.roleNames()) {
  if (roles.isOwner(role)) continue;
  await tenantry.members.add({ actor: seed, tenantId: tenant.id, userId: people[role], role });
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
await close();
