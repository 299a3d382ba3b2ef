import type { WebhookResponse, WebhookTransport } from '../../core/webhooks/transport.js';
import type { WebhookUrlPolicy } from '../../core/webhooks/url-policy.js';
import { resolveWebhookTarget, type WebhookResolver, type WebhookTarget } from './resolve-target.js';

/** The redirect statuses a `Location` is followed for (by option). */
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Most redirect hops `redirects.follow` may allow. */
export const MAX_REDIRECTS = 5;

/** How one signed request is sent: the SSRF policy, the pinned transport and the limits. */
export interface SendContext {
  readonly transport: WebhookTransport;
  readonly resolver: WebhookResolver | undefined;
  readonly urlPolicy: WebhookUrlPolicy;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  /** Redirect hops followed; `0` (the default everywhere) returns a 3xx as it is. */
  readonly followRedirects: number;
}

/** True when `response` is a redirect with somewhere to go. */
function redirectOf(response: WebhookResponse): string | undefined {
  return REDIRECTS.has(response.status) && response.location !== undefined && response.location !== '' ? response.location : undefined;
}

/**
 * Sends one signed POST to `first` (already resolved and vetted) and, when
 * `followRedirects` allows, to each `Location` it is redirected to. Every
 * hop is a new URL: it goes through {@link resolveWebhookTarget} again
 * (static rules, resolution, every address checked, the allowlist by its
 * own origin) and is pinned to its own vetted address, so a redirect can no
 * more reach an internal address than the endpoint URL itself. The same
 * method, headers and body are re-sent (a delivery is nothing without its
 * body). A hop refused by the policy throws `UnsafeUrlError` before
 * connecting; past the last allowed hop the 3xx is returned as it is.
 */
export async function sendWebhookRequest(
  first: WebhookTarget,
  message: { readonly headers: Readonly<Record<string, string>>; readonly body: string },
  context: SendContext,
): Promise<WebhookResponse> {
  let target = first;
  for (let hop = 0; ; hop += 1) {
    const response = await context.transport({
      url: target.url,
      address: target.address,
      family: target.family,
      headers: message.headers,
      body: message.body,
      timeoutMs: context.timeoutMs,
      maxResponseBytes: context.maxResponseBytes,
    });
    const location = redirectOf(response);
    if (location === undefined || hop >= context.followRedirects) return response;
    let next: URL;
    try {
      next = new URL(location, target.url);
    } catch {
      return response;
    }
    target = await resolveWebhookTarget(next.href, context.urlPolicy, context.resolver);
  }
}
