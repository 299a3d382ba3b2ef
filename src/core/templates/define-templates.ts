import { z } from 'zod';
import { parseConfig } from '../validation/parse-input.js';

/** A namespace limit a template sets on the new tenant (`provisioning.setNamespaceLimit`). */
export interface TemplateNamespace<L extends string = string> {
  readonly namespace: string;
  readonly featureKey: L;
  readonly limit: number | 'unlimited';
}

/** A member a template adds to the new tenant besides its owner (`members.add`). */
export interface TemplateMember<R extends string = string> {
  readonly userId: string;
  readonly role: R;
}

/** A tenant-defined role a template creates with the tenant (see `scope.roles.create`). */
export interface TemplateRole {
  /** A lower-case identifier, not a declared role's name. */
  readonly name: string;
  /** Capabilities of the registry. */
  readonly capabilities: readonly string[];
  readonly description?: string;
}

/**
 * What a new tenant starts with. Every part is optional; applied in this
 * order, in the tenant's creating transaction.
 *
 * @typeParam R - role names. @typeParam L - limit-feature keys. @typeParam P - package keys.
 */
export interface TenantTemplate<R extends string = string, L extends string = string, P extends string = string> {
  /** The package assigned to the tenant (needs `entitlements`). */
  readonly package?: P;
  /** Namespace limits set on the tenant (needs `entitlements`; limit features only). */
  readonly namespaces?: readonly TemplateNamespace<L>[];
  /** Members added besides the owner. */
  /** Tenant-defined roles created with the tenant, before the members (who may hold them). */
  readonly roles?: readonly TemplateRole[];
  /** Members added with the tenant: a declared role, or one of the template's own roles. */
  readonly members?: readonly TemplateMember<R | (string & {})>[];
}

/** The templates of an instance, from {@link defineTemplates}. @typeParam N - template names. */
export interface TenantTemplates<N extends string = string> {
  /** Every template name, in declaration order. */
  names(): readonly N[];
  /** True when `name` is a declared template; narrows it to `N`. */
  has(name: string): name is N;
  /** The template named `name`, or `undefined`. */
  get(name: string): TenantTemplate | undefined;
}

/**
 * Declare your templates here to type `tenants.create({ template })` with
 * their names (declaration merging, like a router's route registry):
 *
 * ```ts fragment
 * declare module 'tenantry' {
 *   interface TemplateRegistry {
 *     templates: typeof templates;
 *   }
 * }
 * ```
 *
 * Without it, any string is accepted by the types and unknown names are
 * refused at run time.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the host through declaration merging
export interface TemplateRegistry {}

/** The template names of the registered templates (see {@link TemplateRegistry}), or `string`. */
export type TemplateName = TemplateRegistry extends { readonly templates: TenantTemplates<infer N> } ? N : string;

const TEMPLATE_NAME = /^[a-z][a-z0-9_-]{0,39}$/;

const templateSchema = z
  .object({
    package: z.string().min(1).optional(),
    namespaces: z
      .array(
        z
          .object({
            namespace: z.string().min(1).max(255),
            featureKey: z.string().min(1),
            limit: z.union([z.number().int().min(0), z.literal('unlimited')]),
          })
          .strict(),
      )
      .max(100)
      .optional(),
    roles: z
      .array(
        z.object({ name: z.string().min(1).max(64), capabilities: z.array(z.string().min(1)).max(500), description: z.string().max(1024).optional() }).strict(),
      )
      .max(50)
      .optional(),
    members: z
      .array(z.object({ userId: z.string().min(1).max(255), role: z.string().min(1) }).strict())
      .max(100)
      .optional(),
  })
  .strict();

const templatesSchema = z
  .record(z.string().regex(TEMPLATE_NAME, { message: 'Template names are lower-case identifiers of at most 40 characters.' }), templateSchema)
  .refine((value) => Object.keys(value).length > 0, { message: 'Declare at least one template.' });

/**
 * Declares tenant templates: what `tenants.create({ ownerId, template })`
 * gives a new tenant (package, namespace limits, members) in the same
 * transaction as the tenant itself. Pass the result as
 * `createTenantry({ templates })`, which checks every package, feature and
 * role against the instance's catalogs at start-up.
 *
 * Throws `ConfigurationError` for a malformed template or name.
 *
 * @example
 * ```ts fragment
 * const templates = defineTemplates({
 *   team: { package: 'pro', namespaces: [{ namespace: 'default', featureKey: 'projects', limit: 10 }] },
 * });
 * ```
 */
export function defineTemplates<const T extends Readonly<Record<string, TenantTemplate>>>(templates: T): TenantTemplates<keyof T & string> {
  parseConfig(templatesSchema, templates, 'defineTemplates() templates');
  const entries = new Map<string, TenantTemplate>(
    Object.entries(templates).map(([name, template]) => [
      name,
      Object.freeze({
        ...(template.package === undefined ? {} : { package: template.package }),
        namespaces: Object.freeze((template.namespaces ?? []).map((entry) => Object.freeze({ ...entry }))),
        roles: Object.freeze((template.roles ?? []).map((entry) => Object.freeze({ ...entry, capabilities: Object.freeze([...entry.capabilities]) }))),
        members: Object.freeze((template.members ?? []).map((entry) => Object.freeze({ ...entry }))),
      }),
    ]),
  );
  const names = Object.freeze([...entries.keys()]) as readonly (keyof T & string)[];
  const has = (name: string): name is keyof T & string => entries.has(name);
  return Object.freeze({ names: () => names, has, get: (name: string) => entries.get(name) });
}
