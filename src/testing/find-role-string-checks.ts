import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Options of {@link findRoleStringChecks}. */
export interface RoleStringCheckOptions {
  /** Directory to scan, recursively. */
  readonly root: string;
  /** Role names to look for, e.g. `roles.roleNames()`. */
  readonly roles: readonly string[];
  /** File extensions scanned. Default is `['.ts', '.tsx', '.js', '.jsx', '.mts', '.cts', '.mjs', '.cjs']`. */
  readonly extensions?: readonly string[];
  /**
   * Paths (relative to `root`, with `/`) that may mention roles, typically the
   * file that calls `defineRoles`. Default is none. `node_modules` and `dist`
   * are always skipped.
   */
  readonly allow?: readonly string[];
}

/** One suspicious comparison. */
export interface RoleStringCheck {
  /** Path relative to `root`, with `/`. */
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
  readonly role: string;
  /** The trimmed source line. */
  readonly text: string;
}

const DEFAULT_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mts', '.cts', '.mjs', '.cjs'];
const COMMENT_LINE = /^\s*(\/\/|\/\*|\*)/;
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', '.git']);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Patterns that compare a value with a role literal: `x === 'owner'`,
 * `'owner' !== x`, `case 'owner':`, and `['owner', ...].includes(x)`.
 */
function patternsFor(role: string): RegExp[] {
  const literal = `(['"\`])${escape(role)}\\1`;
  return [
    new RegExp(`[!=]==?\\s*${literal}`),
    new RegExp(`${literal}\\s*[!=]==?`),
    new RegExp(`\\bcase\\s+${literal}\\s*:`),
    new RegExp(`\\[[^\\]]*${literal}[^\\]]*\\]\\s*\\.includes\\(`),
  ];
}

async function* walk(directory: string): AsyncGenerator<string> {
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) yield* walk(join(directory, entry.name));
    } else if (entry.isFile()) {
      yield join(directory, entry.name);
    }
  }
}

/**
 * Finds role-string comparisons in a source tree, for a guard test: host code
 * should ask the role map (`roles.grants(role, capability)`, `scope.check()`)
 * what a role may do, never compare role names, or a new role silently falls
 * through every such `if`.
 *
 * @example
 * ```ts
 * it('compares no role strings outside the role map', async () => {
 *   const found = await findRoleStringChecks({ root: 'src', roles: roles.roleNames(), allow: ['auth/roles.ts'] });
 *   expect(found).toEqual([]);
 * });
 * ```
 */
export async function findRoleStringChecks(options: RoleStringCheckOptions): Promise<RoleStringCheck[]> {
  const extensions = options.extensions ?? DEFAULT_EXTENSIONS;
  const allowed = new Set(options.allow ?? []);
  const patterns = options.roles.map((role) => ({ role, patterns: patternsFor(role) }));
  const found: RoleStringCheck[] = [];
  for await (const path of walk(options.root)) {
    const file = relative(options.root, path).split('\\').join('/');
    if (allowed.has(file) || !extensions.some((extension) => file.endsWith(extension))) continue;
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines.forEach((text, index) => {
      // Comments may mention roles (docs, examples); only code compares them.
      if (COMMENT_LINE.test(text)) return;
      for (const { role, patterns: rolePatterns } of patterns) {
        if (rolePatterns.some((pattern) => pattern.test(text))) {
          found.push({ file, line: index + 1, role, text: text.trim() });
        }
      }
    });
  }
  return found.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}
