import { createMongoAbility, type MongoAbility } from '@casl/ability';
import { newEnforcer, newModelFromString, StringAdapter, type Enforcer } from 'casbin';
import { capabilities, roles, type Workload } from './workload.js';

/**
 * The peers and baselines, built from the same workload as tenantry's
 * variants: a nested `Map<user, Map<tenant, mask>>` (the practical limit of
 * an in-process check), CASL 7 with one ability per (user, tenant), and
 * casbin 5 with the RBAC-with-domains model.
 */
export interface Peers {
  /** userId → tenantId → capability bitmask. */
  readonly masks: Map<string, Map<string, number>>;
  /** userId → tenantId → CASL ability; a missing pair answers with the empty ability. */
  readonly abilities: Map<string, Map<string, MongoAbility>>;
  readonly noAbility: MongoAbility;
  readonly enforcer: Enforcer;
  /** capability name → bit index, for the nested-Map baseline. */
  readonly bit: Map<string, number>;
}

const CASBIN_MODEL = `
[request_definition]
r = sub, dom, act

[policy_definition]
p = sub, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && r.act == p.act
`;

export async function buildPeers(work: Workload): Promise<Peers> {
  const names = capabilities.all();
  const bit = new Map(names.map((name, index) => [name, index]));
  const roleMask = new Map(roles.roleNames().map((role) => [role, [...roles.capabilitiesOf(role)].reduce((mask, c) => mask | (1 << bit.get(c)!), 0)]));
  const roleAbility = (role: string) => createMongoAbility([{ action: [...roles.capabilitiesOf(role as never)], subject: 'all' }]);
  const masks = new Map<string, Map<string, number>>();
  const abilities = new Map<string, Map<string, MongoAbility>>();
  const policy: string[] = [];
  for (const role of roles.roleNames()) for (const capability of roles.capabilitiesOf(role)) policy.push(`p, ${role}, ${capability}`);
  for (const m of work.memberships) {
    const userId = work.userIds[m.user]!;
    const tenantId = work.tenantIds[m.tenant]!;
    let byTenant = masks.get(userId);
    if (byTenant === undefined) masks.set(userId, (byTenant = new Map<string, number>()));
    byTenant.set(tenantId, roleMask.get(m.role)!);
    let abilityByTenant = abilities.get(userId);
    if (abilityByTenant === undefined) abilities.set(userId, (abilityByTenant = new Map<string, MongoAbility>()));
    // One ability per (user, tenant), as a CASL app scoping rules by tenant would cache them.
    abilityByTenant.set(tenantId, roleAbility(m.role));
    policy.push(`g, ${userId}, ${m.role}, ${tenantId}`);
  }
  const enforcer = await newEnforcer(newModelFromString(CASBIN_MODEL), new StringAdapter(policy.join('\n')));
  return { masks, abilities, noAbility: createMongoAbility([]), enforcer, bit };
}
