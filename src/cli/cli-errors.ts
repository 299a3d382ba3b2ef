/**
 * Exit codes of the `tenantry` command (docs/cli.md). Scripts and deploy
 * pipelines branch on them, so they are part of the public contract.
 */
export const EXIT_CODES = Object.freeze({
  /** The command did what it was asked. */
  ok: 0,
  /** tenantry refused the operation (unknown tenant, invalid input, a limit): the `code` says which. */
  refused: 1,
  /** The command line is wrong: unknown command or flag, a missing or malformed value. */
  usage: 2,
  /** The configuration is wrong: no or an invalid config module, a bad database URL, a missing driver. */
  config: 3,
  /** The database could not be reached or failed. */
  storage: 4,
});

/** A name of {@link EXIT_CODES}. */
export type ExitReason = keyof typeof EXIT_CODES;

/**
 * An error the command line reports as one line with a code, never a stack:
 * a wrong flag (`usage`) or a wrong configuration (`config`).
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly reason: 'usage' | 'config',
    /** Stable machine-readable code, e.g. `missing_option`. */
    readonly code: string,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}
