import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TenantryOptions } from '../index.js';
import { CliError } from './cli-errors.js';

/**
 * What a `tenantry.config` module exports (as `default` or `config`): the
 * options of `createTenantry` without the store, which the command line
 * opens from the database URL. The same catalog objects the app uses, so
 * the CLI provisions exactly the packages the app enforces.
 *
 * @example
 * ```ts
 * // tenantry.config.js
 * import { capabilities, roles } from './src/authz/catalog.js';
 * import { packages } from './src/billing/plans.js';
 * export default { capabilities, roles, entitlements: { packages } };
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the host's own catalog types are not known here.
export type CliConfig = Omit<TenantryOptions<any, any, any, any, any>, 'store'>;

/** File names looked up in the working directory, in this order, when no `--config` is given. */
export const CONFIG_FILE_NAMES = ['tenantry.config.mjs', 'tenantry.config.js', 'tenantry.config.cjs', 'tenantry.config.mts', 'tenantry.config.ts'] as const;

/**
 * Imports the config module: `path` (relative to `cwd`) or the first of
 * {@link CONFIG_FILE_NAMES} found in `cwd`. A TypeScript module needs a
 * loader in the Node process (`node --import tsx`, or Node's own type
 * stripping where available); without one, the error says so.
 */
export async function loadConfig(path: string | undefined, cwd: string): Promise<CliConfig> {
  const file =
    path === undefined
      ? CONFIG_FILE_NAMES.map((name) => join(cwd, name)).find((candidate) => existsSync(candidate))
      : isAbsolute(path)
        ? path
        : join(cwd, path);
  if (file === undefined) {
    throw new CliError('config', 'config_not_found', `No config module: pass --config <file> or create ${CONFIG_FILE_NAMES[1]} exporting the catalog.`);
  }
  if (!existsSync(file)) throw new CliError('config', 'config_not_found', `The config module ${file} does not exist.`);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const hint = code === 'ERR_UNKNOWN_FILE_EXTENSION' ? ' Run the CLI with a TypeScript loader (node --import tsx) or compile the config to .js.' : '';
    throw new CliError('config', 'config_unloadable', `The config module ${file} could not be loaded.${hint}`, { cause: error });
  }
  const config: unknown = module.default ?? module.config;
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
  if (!isObject(config) || !isObject(config.capabilities) || !isObject(config.roles)) {
    throw new CliError('config', 'config_invalid', `The config module ${file} must export (as default or "config") an object with capabilities and roles.`);
  }
  return config as CliConfig;
}
