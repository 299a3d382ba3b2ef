import { lookup } from 'node:dns/promises';
import { UnsafeUrlError } from '../../core/errors/webhook-errors.js';
import { classifyAddress } from '../../core/webhooks/ip-address.js';
import { allowlistOrigins, checkWebhookUrl, type WebhookUrlPolicy } from '../../core/webhooks/url-policy.js';

/** One address a host name resolved to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * Resolves a host name to every address it has. The default is the
 * operating system's resolver (`dns.lookup` with `all: true`); tests inject
 * their own to play DNS rebinding.
 */
export type WebhookResolver = (host: string) => Promise<readonly ResolvedAddress[]>;

/** The default {@link WebhookResolver}: `dns.lookup(host, { all: true, verbatim: true })`. */
export const systemResolver: WebhookResolver = async (host) => {
  const answers = await lookup(host, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

/**
 * Where one delivery connects: the URL to request and the one vetted address
 * the connection is pinned to, so that a second DNS answer (rebinding)
 * cannot move it. `address` is internal: never show it to the tenant.
 */
export interface WebhookTarget {
  readonly url: URL;
  readonly host: string;
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * Checks `input` against the policy, resolves its host once, refuses the URL
 * when any resolved address is not public (unless the origin is
 * allowlisted), and returns the first address to pin. Throws
 * {@link UnsafeUrlError} before any connection is made.
 */
export async function resolveWebhookTarget(input: string, policy: WebhookUrlPolicy, resolver: WebhookResolver = systemResolver): Promise<WebhookTarget> {
  const checked = checkWebhookUrl(input, policy, allowlistOrigins(policy.allowlist));
  if (checked.literal) {
    return { url: checked.url, host: checked.host, address: checked.host, family: checked.host.includes(':') ? 6 : 4 };
  }
  let answers: readonly ResolvedAddress[];
  try {
    answers = await resolver(checked.host);
  } catch {
    throw new UnsafeUrlError('unresolvable');
  }
  const first = answers[0];
  if (first === undefined) throw new UnsafeUrlError('unresolvable');
  // Every answer, not just the one pinned: a host that also points inside is refused outright.
  if (!checked.allowlisted && answers.some((answer) => classifyAddress(answer.address) !== 'public')) {
    throw new UnsafeUrlError('address_not_allowed');
  }
  return { url: checked.url, host: checked.host, address: first.address, family: first.family };
}
