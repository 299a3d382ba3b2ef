import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { documentationFiles, snippetsOf, type Snippet } from './docs-snippets.js';

/**
 * Every ```ts block in README.md and docs/ is a program that compiles, and
 * runs when it needs no server (see `SnippetMode`), so the docs cannot drift
 * from the API. Snippets are written to `.docs-check/` (git-ignored) at the
 * repository root, where the `tenantry` path mapping of tsconfig.json and the
 * vitest alias both resolve to the sources.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const outDir = join(root, '.docs-check');
const snippets = documentationFiles(root).flatMap((file) => snippetsOf(root, file));
const checked = snippets.filter((snippet) => snippet.mode !== 'fragment');

function fileNameOf(snippet: Snippet): string {
  return join(outDir, `${snippet.file.replace(/[/.]/g, '_')}_L${snippet.line}.ts`);
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
// `export {}` makes each snippet a module, so top-level await and local names never clash between files.
for (const snippet of checked) writeFileSync(fileNameOf(snippet), `${snippet.code}\nexport {};\n`);
afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

function typeErrors(): Map<string, string[]> {
  const configPath = join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram(
    checked.map((snippet) => fileNameOf(snippet)),
    { ...parsed.options, noEmit: true, noUnusedLocals: false },
  );
  const errors = new Map<string, string[]>();
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file?.fileName ?? '(global)';
    const where =
      diagnostic.file !== undefined && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0;
    const list = errors.get(file) ?? [];
    list.push(`line ${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
    errors.set(file, list);
  }
  return errors;
}

describe('documentation snippets', () => {
  it('finds the snippets of the README and docs/', () => {
    expect(checked.length).toBeGreaterThan(0);
  });

  it('every checked snippet type-checks against the sources', { timeout: 120_000 }, () => {
    const errors = typeErrors();
    const report = checked.flatMap((snippet) => (errors.get(fileNameOf(snippet)) ?? []).map((error) => `${snippet.file}:${snippet.line} ${error}`));
    const unattributed = [...errors.entries()]
      .filter(([file]) => !checked.some((snippet) => fileNameOf(snippet) === file))
      .flatMap(([file, list]) => list.map((error) => `${file} ${error}`));
    expect([...report, ...unattributed]).toEqual([]);
  });

  for (const snippet of checked.filter((candidate) => candidate.mode === 'run')) {
    it(`${snippet.file}:${snippet.line} runs to completion`, { timeout: 60_000 }, async () => {
      // Snippets print what they show; the output itself is not what is tested here.
      vi.spyOn(console, 'log').mockImplementation(() => undefined);
      await import(pathToFileURL(fileNameOf(snippet)).href);
    });
  }
});
