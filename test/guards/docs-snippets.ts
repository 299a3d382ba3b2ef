import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How a ```ts block of the docs is checked, from its info string:
 *
 * - ```` ```ts ````: a complete program; it must type-check and run to
 *   completion without a server (memory store or embedded SQLite).
 * - ```` ```ts compile-only ````: a complete program that needs something the
 *   test cannot give it (a PostgreSQL server, a listening HTTP server); it
 *   must type-check.
 * - ```` ```ts fragment ````: an excerpt that is not a program; not checked.
 */
export type SnippetMode = 'run' | 'compile-only' | 'fragment';

/** One ```ts block of a Markdown file. */
export interface Snippet {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly mode: SnippetMode;
  readonly code: string;
}

const FENCE = /^```(ts|typescript)(?:\s+(.*))?$/;

function modeOf(info: string | undefined, file: string, line: number): SnippetMode {
  const words = (info ?? '')
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '');
  if (words.length === 0) return 'run';
  if (words.length === 1 && (words[0] === 'compile-only' || words[0] === 'fragment')) return words[0];
  throw new Error(`${file}:${line}: unknown snippet mode "${words.join(' ')}" (use \`ts\`, \`ts compile-only\` or \`ts fragment\`)`);
}

/** Every ```ts block of `file` (a path relative to `root`). */
export function snippetsOf(root: string, file: string): Snippet[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const match = FENCE.exec(lines[index] ?? '');
    if (match === null) continue;
    const start = index;
    const body: string[] = [];
    for (index += 1; index < lines.length && lines[index] !== '```'; index += 1) body.push(lines[index] ?? '');
    if (index >= lines.length) throw new Error(`${file}:${start + 1}: unclosed code block`);
    snippets.push({ file, line: start + 1, mode: modeOf(match[2], file, start + 1), code: `${body.join('\n')}\n` });
  }
  return snippets;
}

/** The Markdown files whose snippets are checked: the README and every page of `docs/`. */
export function documentationFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}
