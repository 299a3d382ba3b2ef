import type { Actor } from '../../core/actors/actor.js';
import { isUnsafeUrlError, NotFoundError, TooManyAttemptsError } from '../../core/errors/index.js';
import { WEBHOOK_PAYLOAD_VERSION, WEBHOOK_TEST_EVENT, type WebhookTestEvent } from '../../core/webhooks/event-catalog.js';
import type { Store } from '../../store/store.js';
import type { Auditor } from '../audit/auditor.js';
import type { RateLimiter } from '../rate-limits/rate-limiter.js';
import { resolveWebhookTarget } from './resolve-target.js';
import type { SecretCipher } from './secret-cipher.js';
import { sendWebhookRequest, type SendContext } from './send-request.js';
import { requestErrorClass, signedHeaders } from './signed-request.js';

/** What a test ping came to. Never the address the host resolved to. */
export interface WebhookTestResult {
  /** The `webhook-id` of the `webhook.test` event sent. */
  readonly eventId: string;
  /** True for a 2xx answer. */
  readonly ok: boolean;
  /** The receiver's status, `null` when no answer came (see `errorClass`). */
  readonly status: number | null;
  /** Milliseconds from sending to the end of the (capped) response body. */
  readonly durationMs: number;
  /** The response body, truncated to `delivery.maxResponseBytes`; `null` when empty or no answer. */
  readonly body: string | null;
  /** `timeout` or `network` when no answer came, else `null`. */
  readonly errorClass: 'timeout' | 'network' | null;
}

/** The rate limit of test pings per endpoint. */
export interface WebhookTestLimit {
  /** Pings per window. Default is 5. */
  readonly limit?: number;
  /** Window length. Default is 60 000 ms. */
  readonly windowMs?: number;
}

/** Wiring of {@link WebhookPinger}. */
export interface WebhookPingerDependencies {
  readonly store: Store;
  readonly keyring: SecretCipher;
  readonly limiter: RateLimiter;
  readonly auditor: Auditor;
  readonly send: SendContext;
  readonly rateLimit: Required<WebhookTestLimit>;
  readonly now: () => Date;
  readonly generateId: () => string;
}

/**
 * `webhooks.test`: sends one signed `webhook.test` event to an endpoint now
 * and reports the answer (SEC-005). It goes the way a delivery goes: the
 * URL checked and resolved again at ping time (a host that has since
 * started resolving inside is refused with `UnsafeUrlError`, before any
 * connection), the connection pinned to the vetted address, redirects only
 * by option and re-checked per hop. Limited per endpoint with the
 * store-backed rate limiter (`TooManyAttemptsError`), and audited
 * (`webhook_endpoint.test`, with the outcome, never the address). Nothing is
 * written to the outbox or the delivery log.
 */
export class WebhookPinger {
  readonly #deps: WebhookPingerDependencies;

  constructor(deps: WebhookPingerDependencies) {
    this.#deps = deps;
  }

  async test(actor: Actor, input: { readonly tenantId: string; readonly endpointId: string }): Promise<WebhookTestResult> {
    const { store, limiter, rateLimit } = this.#deps;
    const endpoint = await store.findWebhookEndpoint(input.tenantId, input.endpointId);
    if (endpoint === undefined) throw new NotFoundError();
    const hit = await limiter.hit({ key: `webhook-test:${endpoint.id}`, limit: rateLimit.limit, windowMs: rateLimit.windowMs });
    if (!hit.allowed) throw new TooManyAttemptsError(Math.ceil(hit.resetInMs / 1000), 'Too many webhook test pings for this endpoint; retry later.');
    let target;
    try {
      target = await resolveWebhookTarget(endpoint.url, this.#deps.send.urlPolicy, this.#deps.send.resolver);
    } catch (error) {
      if (isUnsafeUrlError(error)) await this.#audit(actor, input, { outcome: 'refused', reason: error.reason });
      throw error;
    }
    const at = this.#deps.now();
    const event: WebhookTestEvent = {
      id: `evt_${this.#deps.generateId()}`,
      type: WEBHOOK_TEST_EVENT,
      version: WEBHOOK_PAYLOAD_VERSION,
      occurredAt: at.toISOString(),
      tenantId: endpoint.tenantId,
      data: { endpointId: endpoint.id },
    };
    const body = JSON.stringify(event);
    const headers = signedHeaders(this.#deps.keyring, endpoint, { id: event.id, body }, at);
    const started = performance.now();
    let result: WebhookTestResult;
    try {
      const response = await sendWebhookRequest(target, { headers, body }, this.#deps.send);
      result = {
        eventId: event.id,
        ok: response.status >= 200 && response.status < 300,
        status: response.status,
        durationMs: Math.round(performance.now() - started),
        body: response.body === '' ? null : response.body,
        errorClass: null,
      };
    } catch (error) {
      // A redirect hop the policy refused: audited and thrown like a refused endpoint URL.
      if (isUnsafeUrlError(error)) {
        await this.#audit(actor, input, { outcome: 'refused', reason: error.reason });
        throw error;
      }
      result = {
        eventId: event.id,
        ok: false,
        status: null,
        durationMs: Math.round(performance.now() - started),
        body: null,
        errorClass: requestErrorClass(error),
      };
    }
    await this.#audit(actor, input, { outcome: result.ok ? 'ok' : 'failed', status: result.status, errorClass: result.errorClass });
    return Object.freeze(result);
  }

  /** One audit entry per ping, in its own transaction (a ping changes nothing else). */
  async #audit(actor: Actor, input: { readonly tenantId: string; readonly endpointId: string }, facts: Readonly<Record<string, string | number | null>>) {
    await this.#deps.store.transaction(
      (tx) =>
        this.#deps.auditor.record(tx, {
          actor,
          tenantId: input.tenantId,
          action: 'webhook_endpoint.test',
          subjectUserId: null,
          metadata: { endpointId: input.endpointId, ...facts },
        }),
      { tenantId: input.tenantId },
    );
  }
}
