/** One HTTP request of a delivery, with the connection pinned to a vetted address. */
export interface WebhookRequest {
  /** The endpoint URL (host name kept for `Host`, SNI and certificate checks). */
  readonly url: URL;
  /** The only address the connection may use (already checked by the SSRF policy). */
  readonly address: string;
  readonly family: 4 | 6;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Whole-request time limit in milliseconds (connect, headers and body). */
  readonly timeoutMs: number;
  /** Most response-body bytes read; the rest is discarded unread. */
  readonly maxResponseBytes: number;
}

/** What the receiver answered. */
export interface WebhookResponse {
  readonly status: number;
  /** `Retry-After` as sent, if any. */
  readonly retryAfter: string | undefined;
  /** `Location` as sent, if any (a redirect's target; followed only by option, each hop re-checked). */
  readonly location?: string | undefined;
  /** The response body, cut to `maxResponseBytes`, decoded as UTF-8. */
  readonly body: string;
}

/**
 * Sends one delivery request. The shipped implementation (`pinnedTransport()`)
 * uses undici with a connection lookup that only ever answers the vetted
 * address and never follows redirects. Rejects on network errors and timeouts.
 */
export type WebhookTransport = (request: WebhookRequest) => Promise<WebhookResponse>;
