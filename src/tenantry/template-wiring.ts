import { systemActor, type Actor } from '../core/actors/actor.js';
import type { PackageCatalog } from '../core/entitlements/define-packages.js';
import { ConfigurationError, ValidationError } from '../core/errors/index.js';
import type { RoleMap } from '../core/roles/define-roles.js';
import type { TenantTemplate, TenantTemplates } from '../core/templates/define-templates.js';
import type { CreatedTenant } from '../services/membership/member-view.js';
import type { CreateTenantInput } from '../services/membership/membership-inputs.js';
import type { Scope } from './scope.js';

/** The scopes of one shared transaction (`tenantry.transaction()`), as the creator needs them. */
interface TransactionScopesLike {
  forRequest(actor: { readonly userId: string }): Scope;
  as(actor: ReturnType<typeof systemActor>): Scope;
}

/** Runs `work` in one transaction of the instance (`tenantry.transaction()`). */
export type RunInTransaction = <T>(work: (t: TransactionScopesLike) => Promise<T>) => Promise<T>;

/** Creates a tenant from a template; `undefined` on an instance without templates. */
export type TemplateCreator = (actor: Actor, input: CreateTenantInput, template: string) => Promise<CreatedTenant>;

/** Start-up check: every package, limit feature and role a template names exists on the instance. */
function checkTemplate(name: string, template: TenantTemplate, roles: RoleMap, packages: PackageCatalog | undefined): void {
  const where = `Invalid createTenantry() options: templates.${name}`;
  const needsEntitlements = template.package !== undefined || (template.namespaces?.length ?? 0) > 0;
  if (needsEntitlements && packages === undefined) throw new ConfigurationError(`${where}: packages and namespaces need the entitlements option.`);
  if (template.package !== undefined && packages?.has(template.package) !== true)
    throw new ConfigurationError(`${where}.package: "${template.package}" is not a declared package.`);
  for (const { featureKey } of template.namespaces ?? []) {
    if (packages?.features.isLimit(featureKey) !== true) throw new ConfigurationError(`${where}.namespaces: "${featureKey}" is not a declared limit feature.`);
  }
  const declared = new Set<string>(roles.roleNames());
  const own = new Set<string>();
  for (const { name: roleName, capabilities } of template.roles ?? []) {
    if (declared.has(roleName) || own.has(roleName)) throw new ConfigurationError(`${where}.roles: "${roleName}" is a declared role or repeated.`);
    own.add(roleName);
    for (const capability of capabilities) {
      if (!roles.capabilities.has(capability)) throw new ConfigurationError(`${where}.roles: "${String(capability)}" is not a declared capability.`);
    }
  }
  for (const { role } of template.members ?? []) {
    if (!declared.has(role) && !own.has(role))
      throw new ConfigurationError(`${where}.members: "${role}" is neither a declared role nor one of the template's roles.`);
  }
}

/**
 * The template step of `tenants.create({ template })`: in one shared
 * transaction, creates the tenant as the caller (audited `tenant.create`),
 * then, as the system actor `template.<name>` (so the log says where the
 * rest came from), assigns the package, sets the namespace limits, creates
 * the template's roles and adds the members, each audited by its own
 * operation. Any failing step rolls
 * the whole creation back: no tenant, no assignment, no member.
 */
export function templateCreator(
  templates: TenantTemplates | undefined,
  catalogs: { readonly roles: RoleMap; readonly packages: PackageCatalog | undefined },
  run: RunInTransaction,
): TemplateCreator | undefined {
  if (templates === undefined) return undefined;
  for (const name of templates.names()) {
    const template = templates.get(name);
    if (template !== undefined) checkTemplate(name, template, catalogs.roles, catalogs.packages);
  }
  return async (actor, input, name) => {
    const template = typeof name === 'string' ? templates.get(name) : undefined;
    if (template === undefined)
      throw new ValidationError('Invalid tenant creation: template: not a declared template.', [{ path: ['template'], message: 'Not a declared template.' }]);
    return run(async (t) => {
      const creator = actor.type === 'system' ? t.as(actor) : t.forRequest({ userId: actor.userId });
      const created = await creator.tenants.create(input);
      const tenantId = created.tenant.id;
      const system = t.as(systemActor(`template.${name}`));
      if (template.package !== undefined) await system.provisioning.assignPackage({ tenantId, packageKey: template.package });
      for (const { namespace, featureKey, limit } of template.namespaces ?? []) {
        await system.provisioning.setNamespaceLimit({ tenantId, namespace, featureKey, limit });
      }
      for (const { name: roleName, capabilities, description } of template.roles ?? []) {
        await system.roles.create({ tenantId, name: roleName, capabilities, ...(description === undefined ? {} : { description }) });
      }
      for (const { userId, role } of template.members ?? []) await system.members.add({ tenantId, userId, role });
      return created;
    });
  };
}
