import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requestPath } from '../../../src/integrations/http/request-path.js';

const ORIGIN = 'https://api.example';

/** Targets built from the characters that matter to URL parsers, behind the prefixes that change a target's form. */
const targets = fc
  .tuple(
    fc.constantFrom('', '/', '//', '/\\', '\\\\', 'http://', 'HTTPS://', 'http://evil.example', 'h+t.t-p://u:p@evil.example:1', '*', 'mailto:', '/\t/'),
    fc.string({ unit: fc.constantFrom('/', '\\', '\t', '\n', '\r', ':', '?', '#', '@', '.', '%', ' ', 'a', 'b', 'h', 't', 'p', 's', 'é', '\u0000') }),
    fc.string({ unit: 'binary' }),
  )
  .map(([prefix, tricky, anything]) => prefix + tricky + anything);

describe('requestPath (the problem instance)', () => {
  it('is always a path-only reference that resolves on our own origin, without query or fragment', () => {
    fc.assert(
      fc.property(fc.oneof(targets, fc.string({ unit: 'binary' })), (target) => {
        const path = requestPath(target);
        expect(path.startsWith('/')).toBe(true);
        // A second slash (or what a URL parser reads as one, or drops) would make a protocol-relative reference.
        expect(['/', '\\', '\t', '\n', '\r']).not.toContain(path[1]);
        expect(path).not.toMatch(/[?#]/);
        expect(URL.canParse(path)).toBe(false);
        expect(new URL(path, ORIGIN).origin).toBe(ORIGIN);
      }),
      { numRuns: 2_000 },
    );
  });

  it('keeps an origin-form path as sent, cutting only the query string and fragment', () => {
    const segment = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '.', '_', '~', '%', '2', 'F', ':', '@', '!', '$', '\\', 'é'), minLength: 1 });
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1 }), fc.constantFrom('', '?token=secret', '#frag', '?a=/b#c'), (segments, suffix) => {
        // A segment starting with a backslash right after the first slash is the one case that is rewritten.
        fc.pre(!segments[0]!.startsWith('\\'));
        const path = `/${segments.join('/')}`;
        expect(requestPath(path + suffix)).toBe(path);
      }),
    );
  });

  it('gives an absolute-form target the path of its origin form', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('http', 'HTTPS', 'ws', 'x-custom+v1.0'),
        fc.constantFrom('evil.example', 'user:pw@evil.example:8443', '[::1]:80', ''),
        fc.constantFrom('', '/', '/tenants/t/billing', '//evil2.example/x', '/a?b=/c'),
        (scheme, authority, originForm) => {
          expect(requestPath(`${scheme}://${authority}${originForm}`)).toBe(requestPath(originForm));
        },
      ),
    );
  });

  it.each([
    ['http://evil.example/x?y', '/x'],
    ['http://evil.example', '/'],
    ['//evil.example/x', '/evil.example/x'],
    ['/\\evil.example/x', '/evil.example/x'],
    ['/\t/evil.example', '/evil.example'],
    ['*', '/*'],
    ['/tenants/abc/billing?token=secret', '/tenants/abc/billing'],
    ['/a//b', '/a//b'],
  ])('renders %j as %j', (target, expected) => {
    expect(requestPath(target)).toBe(expected);
  });
});
