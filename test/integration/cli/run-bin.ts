import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const bin = fileURLToPath(new URL('../../../src/cli/bin.ts', import.meta.url));

/** What one run of the executable printed and how it exited. */
export interface BinRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real `tenantry` executable (its source, through tsx) in a child
 * process with `args`, from the repository root, with `env` added to a clean
 * environment (no inherited `DATABASE_URL`).
 */
export function runBin(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', bin, ...args], { cwd: root, env: { ...inherited, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

/** The config module of the tests, relative to the repository root. */
export const CONFIG = 'test/integration/cli/fixtures/tenantry.config.ts';
