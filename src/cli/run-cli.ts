import { inspect, parseArgs } from 'node:util';
import { createTenantry, isTenantryError } from '../index.js';
import { kyselyStore } from '../kysely.js';
import { CliError, EXIT_CODES, type ExitReason } from './cli-errors.js';
import type { CliIo } from './cli-io.js';
import type { CliTenantry, Command, CommandContext, FlagSpec } from './command.js';
import { auditExportCommand } from './commands/audit-export.js';
import { migrateCommand } from './commands/migrate.js';
import { pruneCommand } from './commands/prune.js';
import { changePackageCommand, provisionCommand } from './commands/provision.js';
import { statusCommand } from './commands/status.js';
import { simulateCommand, usageCommand } from './commands/usage.js';
import { openDatabase, type OpenedDatabase } from './database-url.js';
import { loadConfig } from './load-config.js';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  migrateCommand,
  statusCommand,
  provisionCommand,
  changePackageCommand,
  usageCommand,
  simulateCommand,
  auditExportCommand,
  pruneCommand,
];

/** Flags every command takes. */
const GLOBAL_FLAGS: Readonly<Record<string, FlagSpec>> = {
  'database-url': { type: 'string', value: '<url>', description: 'postgres://..., mysql://... or sqlite:<path>; default $DATABASE_URL.' },
  config: { type: 'string', value: '<file>', description: 'The config module exporting the catalog; default ./tenantry.config.{mjs,js,cjs,mts,ts}.' },
  'table-prefix': { type: 'string', value: '<prefix>', description: "Prefix of tenantry's tables (default tenantry_)." },
  json: { type: 'boolean', description: 'Machine-readable output on stdout.' },
  verbose: { type: 'boolean', description: 'Print the stack and cause of an error.' },
  help: { type: 'boolean', description: 'Show help.' },
};

/**
 * Runs the `tenantry` command line with `argv` (without `node` and the
 * script) and resolves with the exit code (see {@link EXIT_CODES}). Never
 * throws: every failure is one line on `io.err`, `tenantry: <message>
 * (<code>)`, with the stack only under `--verbose`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let verbose = argv.includes('--verbose');
  let database: OpenedDatabase | undefined;
  try {
    const { command, rest } = findCommand(argv);
    if (command === undefined) {
      io.out(helpText());
      return argv.length === 0 || argv.includes('--help')
        ? EXIT_CODES.ok
        : fail(io, new CliError('usage', 'unknown_command', `Unknown command "${argv[0] ?? ''}".`), false);
    }
    const specs = { ...GLOBAL_FLAGS, ...command.flags };
    const { values, positionals } = parseFlags(rest, specs);
    verbose = values.verbose === true;
    if (values.help === true) {
      io.out(commandHelp(command));
      return EXIT_CODES.ok;
    }
    if (positionals.length > 0)
      throw new CliError('usage', 'unexpected_argument', `Unexpected argument "${positionals[0] ?? ''}"; flags take the form --name value.`);
    for (const [name, spec] of Object.entries(command.flags)) {
      if (spec.required === true && values[name] === undefined) throw new CliError('usage', 'missing_option', `--${name} is required.`);
    }
    const url = (values['database-url'] as string | undefined) ?? io.env.DATABASE_URL;
    const tablePrefix = values['table-prefix'] as string | undefined;
    let tenantry: CliTenantry | undefined;
    const context: CommandContext = {
      io,
      flags: values,
      json: values.json === true,
      tablePrefix,
      async database() {
        if (database !== undefined) return database;
        if (url === undefined || url === '') throw new CliError('config', 'missing_database_url', 'No database: pass --database-url or set DATABASE_URL.');
        database = await openDatabase(url);
        return database;
      },
      async tenantry() {
        if (tenantry !== undefined) return tenantry;
        const config = await loadConfig(values.config as string | undefined, io.cwd);
        const { db } = await context.database();
        tenantry = createTenantry({ ...config, store: kyselyStore(db, tablePrefix === undefined ? {} : { tablePrefix }) });
        return tenantry;
      },
    };
    await command.run(context);
    return EXIT_CODES.ok;
  } catch (error) {
    return fail(io, error, verbose);
  } finally {
    await database?.db.destroy().catch(() => undefined);
  }
}

/** The command named by the first one or two words of `argv`, and the rest. */
function findCommand(argv: readonly string[]): { readonly command: Command | undefined; readonly rest: readonly string[] } {
  const two = `${argv[0] ?? ''} ${argv[1] ?? ''}`;
  const byTwo = COMMANDS.find((command) => command.name === two);
  if (byTwo !== undefined) return { command: byTwo, rest: argv.slice(2) };
  return { command: COMMANDS.find((command) => command.name === argv[0]), rest: argv.slice(1) };
}

function parseFlags(args: readonly string[], specs: Readonly<Record<string, FlagSpec>>) {
  try {
    return parseArgs({
      args: [...args],
      options: Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, { type: spec.type }])),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    // parseArgs names the flag; its message is safe to show.
    throw new CliError('usage', 'invalid_option', (error as Error).message.split('\n')[0] ?? 'Invalid flags.');
  }
}

/** The exit reason and one-line message of an error. */
function classify(error: unknown): { readonly reason: ExitReason; readonly code: string; readonly message: string } {
  if (error instanceof CliError) return { reason: error.reason, code: error.code, message: error.message };
  if (isTenantryError(error)) {
    return { reason: error.code === 'storage_unavailable' ? 'storage' : 'refused', code: error.code, message: error.message };
  }
  if (error instanceof RangeError) return { reason: 'usage', code: 'invalid_option', message: error.message };
  const code = (error as { code?: unknown } | null)?.code;
  // Driver errors (ECONNREFUSED, an unknown database, a failed migration): the message of a
  // driver can carry a host name but never the URL's password, which the drivers do not echo.
  return { reason: 'storage', code: typeof code === 'string' ? code : 'storage_error', message: error instanceof Error ? error.message : String(error) };
}

function fail(io: CliIo, error: unknown, verbose: boolean): number {
  const { reason, code, message } = classify(error);
  io.err(`tenantry: ${message.split('\n')[0] ?? ''} (${code})\n`);
  if (verbose && error instanceof Error) {
    io.err(`${error.stack ?? ''}\n`);
    if (error.cause !== undefined) io.err(`cause: ${inspect(error.cause)}\n`);
  }
  return EXIT_CODES[reason];
}

function flagLines(specs: Readonly<Record<string, FlagSpec>>): string[] {
  return Object.entries(specs).map(
    ([name, spec]) =>
      `  --${name}${spec.value === undefined ? '' : ` ${spec.value}`}`.padEnd(44) + spec.description + (spec.required === true ? ' (required)' : ''),
  );
}

function helpText(): string {
  return [
    'Usage: tenantry <command> [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(16)}${command.summary}`),
    '',
    'Flags of every command:',
    ...flagLines(GLOBAL_FLAGS),
    '',
    'Exit codes: 0 ok, 1 refused by tenantry, 2 usage error, 3 configuration error, 4 database error.',
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return [`Usage: tenantry ${command.name} [flags]`, '', command.summary, '', ...flagLines(command.flags), '', ...flagLines(GLOBAL_FLAGS), ''].join('\n');
}
