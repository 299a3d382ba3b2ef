import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('shows examples/readme-quickstart.ts verbatim, so the quickstart always compiles', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const snippet = readFileSync(new URL('../../examples/readme-quickstart.ts', import.meta.url), 'utf8');
    expect(readme).toContain('```ts\n' + snippet + '```');
  });

  it('shows the two set-up commands', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm test');
  });
});
