import { systemActor, type Tenantry } from '../index.js';
import type { CliIo } from './cli-io.js';
import type { OpenedDatabase } from './database-url.js';

/** The actor every CLI write is made and audited as (`system:cli`). */
export const CLI_ACTOR = systemActor('cli');

/** The tenantry the commands use: the host's catalog, its names typed as strings. */
export type CliTenantry = Tenantry<string, string, string, string, string>;

/** A flag of a command, as `node:util`'s `parseArgs` takes it. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** What the flag means, for `--help`. */
  readonly description: string;
  /** A value name for `--help`, e.g. `<iso-date>`. */
  readonly value?: string;
  readonly required?: boolean;
}

/** What a command runs with. Everything is opened on first use and closed by the runner. */
export interface CommandContext {
  readonly io: CliIo;
  /** The flags' values (strings and booleans), validated against the command's specs. */
  readonly flags: Readonly<Record<string, string | boolean | undefined>>;
  /** Whether `--json` was given: machine-readable output on stdout. */
  readonly json: boolean;
  /** The database named by `--database-url` or `DATABASE_URL`. */
  database(): Promise<OpenedDatabase>;
  /** A tenantry over that database with the config module's catalog (its names are plain strings here: the CLI reads them from flags). */
  tenantry(): Promise<CliTenantry>;
  /** The table prefix (`--table-prefix`), when one was given. */
  readonly tablePrefix: string | undefined;
}

/** One `tenantry <name>` command. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  run(context: CommandContext): Promise<void>;
}

/** `--tenant <tenant-id>`, required by every command that acts on one tenant. */
export const TENANT_FLAG: FlagSpec = Object.freeze({ type: 'string', value: '<tenant-id>', description: 'The tenant.', required: true });

/** The string value of a required flag (the runner has checked it is present). */
export function stringFlag(context: CommandContext, name: string): string {
  return context.flags[name] as string;
}

/** The value of an optional string flag. */
export function optionalFlag(context: CommandContext, name: string): string | undefined {
  const value = context.flags[name];
  return typeof value === 'string' ? value : undefined;
}
