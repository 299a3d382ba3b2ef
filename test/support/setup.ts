import { afterEach, beforeEach, vi } from 'vitest';

/**
 * A library must not print. Any console output during a test fails it, so a
 * stray debug line or an unexpected warning cannot slip into a release.
 */
const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
let printed: string[] = [];

beforeEach(() => {
  printed = [];
  for (const method of methods) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      printed.push(`console.${method}: ${args.map(String).join(' ')}`);
    });
  }
});

afterEach(() => {
  vi.restoreAllMocks();
  if (printed.length > 0) {
    throw new Error(`Unexpected console output during the test:\n${printed.join('\n')}`);
  }
});
