// Verifies that every tsup entry is built in ESM and CJS with declarations,
// is listed in package.json `exports`, and loads in both module systems.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const tsupConfig = readFileSync(new URL('../tsup.config.ts', import.meta.url), 'utf8');
const entries = [...tsupConfig.matchAll(/^\s+'?([\w/-]+)'?: 'src\/[\w/-]+\.ts',$/gm)].map((match) => match[1]);
const require = createRequire(import.meta.url);
const problems = [];

if (entries.length === 0) problems.push('no entries found in tsup.config.ts');
for (const entry of entries) {
  const subpath = entry === 'index' ? '.' : `./${entry}`;
  const exported = pkg.exports[subpath];
  if (exported === undefined) {
    problems.push(`${subpath} is built but not in package.json exports`);
    continue;
  }
  for (const file of [`${entry}.js`, `${entry}.cjs`, `${entry}.d.ts`, `${entry}.d.cts`]) {
    if (!existsSync(`${root}dist/${file}`)) problems.push(`dist/${file} is missing`);
  }
  if (exported.import?.default !== `./dist/${entry}.js` || exported.require?.default !== `./dist/${entry}.cjs`) {
    problems.push(`exports["${subpath}"] does not point at dist/${entry}.js and dist/${entry}.cjs`);
  }
  try {
    const esm = await import(pathToFileURL(`${root}dist/${entry}.js`).href);
    const cjs = require(`${root}dist/${entry}.cjs`);
    if (Object.keys(esm).length === 0 || Object.keys(cjs).length === 0) problems.push(`${subpath} exports nothing`);
  } catch (error) {
    problems.push(`${subpath} does not load: ${error instanceof Error ? error.message : String(error)}`);
  }
}
for (const subpath of Object.keys(pkg.exports)) {
  if (subpath === './package.json') continue;
  const entry = subpath === '.' ? 'index' : subpath.slice(2);
  if (!entries.includes(entry)) problems.push(`exports["${subpath}"] has no tsup entry`);
}

// The `tenantry` executable: built, with its hashbang, and it answers --help.
for (const [name, file] of Object.entries(pkg.bin ?? {})) {
  const path = `${root}${file.replace(/^\.\//, '')}`;
  if (!existsSync(path)) {
    problems.push(`bin "${name}" (${file}) is missing`);
    continue;
  }
  if (!readFileSync(path, 'utf8').startsWith('#!/usr/bin/env node')) problems.push(`bin "${name}" has no #!/usr/bin/env node line`);
  const help = spawnSync(process.execPath, [path, '--help'], { encoding: 'utf8' });
  if (help.status !== 0 || !help.stdout.includes('Usage: tenantry')) problems.push(`bin "${name}" --help failed: ${help.stderr}`);
}

// `tenantry/client` runs in browsers: its ESM build and every chunk it loads import nothing but each other.
const browserSafe = ['client'];
for (const entry of browserSafe) {
  const seen = new Set();
  const pending = [`${entry}.js`];
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file) || !existsSync(`${root}dist/${file}`)) continue;
    seen.add(file);
    const code = readFileSync(`${root}dist/${file}`, 'utf8');
    for (const match of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)) {
      const specifier = match[1];
      if (specifier.startsWith('./')) pending.push(specifier.slice(2));
      else problems.push(`${entry} must stay dependency-free, but dist/${file} imports ${specifier}`);
    }
    if (/\brequire\(|\bprocess\.|\bBuffer\./.test(code)) problems.push(`${entry} must stay browser-safe, but dist/${file} uses a Node global`);
  }
  if (seen.size < 2) problems.push(`${entry}: expected its ESM build and at least one chunk, found ${seen.size} file(s)`);
}

if (problems.length > 0) {
  console.error(`package check failed:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(
  `package check: ${entries.length} entries built as ESM + CJS with types and exported: ${entries.join(', ')}; bin: ${Object.keys(pkg.bin ?? {}).join(', ')}`,
);
