/** `scheme://authority` at the start of an absolute-form request target (RFC 9112 section 3.2.2). */
const SCHEME_AND_AUTHORITY = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/;

/**
 * The slashes (and what URL parsers read as slashes, or drop) that open a
 * path. Two of them make a protocol-relative reference (`//evil.example/x`):
 * the WHATWG URL parser treats `\` like `/` and removes tabs and line breaks
 * anywhere, so `/\evil.example` and `/<TAB>/evil.example` resolve off-origin too.
 */
const LEADING_SLASHES = /^[/\\\t\n\r]+/;

/**
 * The path of a request target, for the problem `instance`. The result is
 * always a path-only relative reference that resolves on the server's own
 * origin: it starts with exactly one `/`, followed by anything but another
 * slash.
 *
 * - The query string and fragment are cut off: they may carry tokens or
 *   other secrets that do not belong in a response body (or in the logs
 *   that collect them).
 * - An absolute-form target (`GET http://evil.example/x HTTP/1.1`, which
 *   Node, Express and Fastify accept and route by its path) loses its scheme
 *   and authority, so the client cannot make the body name another origin.
 * - A run of leading slashes collapses into one, so `//evil.example/x` is
 *   rendered `/evil.example/x`, never a protocol-relative reference.
 * - Anything else that does not start with a slash (the asterisk-form `*`)
 *   gets one.
 *
 * The rest of the path is kept as the client sent it (no decoding, no dot
 * segment removal): it is what the router matched.
 */
export function requestPath(target: string): string {
  const end = target.search(/[?#]/);
  const withoutQuery = end === -1 ? target : target.slice(0, end);
  return '/' + withoutQuery.replace(SCHEME_AND_AUTHORITY, '').replace(LEADING_SLASHES, '');
}
