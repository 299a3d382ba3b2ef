/** Where a command writes: results to `out`, progress and errors to `err`. Injected so tests capture both. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** The environment the command reads `DATABASE_URL` from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The directory the config module is looked up in. */
  readonly cwd: string;
}

/** The process's own streams, environment and working directory. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}
