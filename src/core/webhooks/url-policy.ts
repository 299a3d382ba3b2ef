import { UnsafeUrlError } from '../errors/webhook-errors.js';
import { classifyAddress } from './ip-address.js';

/**
 * Which webhook URLs may be called. Parsed once by `createTenantry`; every
 * field has a safe default.
 */
export interface WebhookUrlPolicy {
  /** Allow `http:` URLs (local development). Default is `false`: `https:` only. */
  readonly allowHttp?: boolean;
  /** Ports a URL may name (its default port counts). Default is `[443, 8443]`, plus `[80, 8080]` when `allowHttp`. */
  readonly allowedPorts?: readonly number[];
  /**
   * Origins trusted as internal receivers, e.g. `'http://127.0.0.1:8787'`.
   * A URL whose origin is listed skips the scheme, port, host-name and
   * address rules (never the no-credentials rule); it is still resolved once
   * and pinned. Keep it empty in production unless you run a receiver inside
   * your own network. Default is none.
   */
  readonly allowlist?: readonly string[];
}

/** A URL that passed the static rules: what the resolver and the pinning need. */
export interface CheckedWebhookUrl {
  /** The URL as the WHATWG parser normalised it. */
  readonly url: URL;
  /** The host name to resolve, without brackets or trailing dots. */
  readonly host: string;
  /** True when the host is an IP literal (no resolution needed). */
  readonly literal: boolean;
  /** True when the URL's origin is in the allowlist: its addresses are not classified. */
  readonly allowlisted: boolean;
}

/** Host names refused before any resolution: they name the machine itself or an internal zone. */
const REFUSED_NAMES = /(?:^|\.)(?:localhost|localdomain|local|internal|intranet|lan|home\.arpa|corp|private)$/;
const REFUSED_EXACT = new Set(['metadata', 'metadata.google.internal', 'instance-data', 'instance-data.ec2.internal']);

function defaultPorts(allowHttp: boolean): readonly number[] {
  return allowHttp ? [443, 8443, 80, 8080] : [443, 8443];
}

function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** The canonical origins of an allowlist, so that `http://127.0.0.1:80/` and `http://127.0.0.1` match. */
export function allowlistOrigins(allowlist: readonly string[] | undefined): ReadonlySet<string> {
  return new Set((allowlist ?? []).map((entry) => new URL(entry).origin));
}

/**
 * Applies the static rules of the SSRF policy to `input`: absolute URL,
 * `https:` (or `http:` by option), no credentials, an allowed port, no
 * refused host name, and, for an IP literal in any spelling the WHATWG
 * parser accepts (decimal, octal, hex, short IPv4 forms, IPv6 with embedded
 * IPv4), a public address. Throws {@link UnsafeUrlError} with the rule that
 * refused it. Host names still need resolving and checking (see
 * `resolveWebhookTarget`).
 */
export function checkWebhookUrl(
  input: string,
  policy: WebhookUrlPolicy,
  allowlisted: ReadonlySet<string> = allowlistOrigins(policy.allowlist),
): CheckedWebhookUrl {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UnsafeUrlError('malformed');
  }
  if (url.username !== '' || url.password !== '') throw new UnsafeUrlError('credentials_in_url');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UnsafeUrlError('scheme_not_allowed');
  const bracketed = url.hostname.startsWith('[');
  const host = bracketed ? url.hostname.slice(1, -1) : url.hostname.replace(/\.+$/, '');
  const literal = bracketed || classifyAddress(host) !== 'invalid';
  if (allowlisted.has(url.origin)) return { url, host, literal, allowlisted: true };
  const allowHttp = policy.allowHttp ?? false;
  if (url.protocol === 'http:' && !allowHttp) throw new UnsafeUrlError('scheme_not_allowed');
  if (!(policy.allowedPorts ?? defaultPorts(allowHttp)).includes(portOf(url))) throw new UnsafeUrlError('port_not_allowed');
  if (host === '') throw new UnsafeUrlError('malformed');
  if (literal) {
    if (classifyAddress(host) !== 'public') throw new UnsafeUrlError('address_not_allowed');
  } else {
    const name = host.toLowerCase();
    // A single label never resolves on the public internet; it can only reach a search domain.
    if (REFUSED_EXACT.has(name) || REFUSED_NAMES.test(name) || !name.includes('.')) throw new UnsafeUrlError('host_not_allowed');
  }
  return { url, host, literal, allowlisted: false };
}
