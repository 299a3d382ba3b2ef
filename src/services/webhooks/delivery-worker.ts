import { randomUUID } from 'node:crypto';
import { circuitBreaker, ConsecutiveBreaker, handleAll, isBrokenCircuitError, type CircuitBreakerPolicy } from 'cockatiel';
import { LRUCache } from 'lru-cache';
import { isUnsafeUrlError } from '../../core/errors/index.js';
import type { WebhookTransport, WebhookResponse } from '../../core/webhooks/transport.js';
import type { WebhookUrlPolicy } from '../../core/webhooks/url-policy.js';
import type { Store } from '../../store/store.js';
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from '../../store/webhook-records.js';
import type { Effects } from '../effects/effects.js';
import type { SecretCipher } from './secret-cipher.js';
import type { WebhookOutbox } from './outbox.js';
import { resolveWebhookTarget, type WebhookResolver } from './resolve-target.js';
import { nextAttemptAt, retryAfterMs } from './retry-schedule.js';
import { sendWebhookRequest, type SendContext } from './send-request.js';
import { requestErrorClass, signedHeaders } from './signed-request.js';

/** Told when an endpoint is disabled automatically. Ids only. */
export interface WebhookEndpointDisabledEvent {
  readonly tenantId: string;
  readonly endpointId: string;
  readonly reason: 'failing' | 'gone';
}

/** Delivery tuning; every field has a default. */
export interface DeliveryOptions {
  /** Per-request time limit. Default is 10 000 ms. */
  readonly timeoutMs?: number;
  /** Most response-body bytes read (and stored, truncated). Default is 1024. */
  readonly maxResponseBytes?: number;
  /** Consecutive failures that open an endpoint's circuit. Default is 5. */
  readonly breakerThreshold?: number;
  /** How long an open circuit waits before a half-open probe. Default is 60 000 ms. */
  readonly halfOpenAfterMs?: number;
  /** A delivery still failing this long after it was created is given up (`failed`). Default is 32 h (the retry schedule plus slack). */
  readonly giveUpAfterMs?: number;
  /** An endpoint failing without a success for this long is disabled. Default is 5 days. */
  readonly disableAfterMs?: number;
}

/** Wiring of {@link WebhookDeliverer}. */
export interface WebhookDelivererDependencies {
  readonly store: Store;
  readonly keyring: SecretCipher;
  readonly transport: WebhookTransport;
  readonly resolver: WebhookResolver | undefined;
  readonly urlPolicy: WebhookUrlPolicy;
  readonly outbox: WebhookOutbox;
  readonly effects: Effects;
  readonly now: () => Date;
  readonly options: DeliveryOptions;
  /** Redirect hops followed, each re-checked (`redirects.follow`); `0` follows none. */
  readonly followRedirects: number;
  readonly onEndpointDisabled: ((event: WebhookEndpointDisabledEvent) => void | Promise<void>) | undefined;
}

/** Options of {@link WebhookDeliverer.start}. */
export interface DeliveryWorkerOptions {
  /** Deliveries sent at the same time. Default is 4. */
  readonly concurrency?: number;
  /** Pause between polls when nothing was due. Default is 1000 ms. */
  readonly pollMs?: number;
}

/** A running worker. */
export interface DeliveryWorker {
  /** Stops polling and resolves once the deliveries in flight have completed. */
  stop(): Promise<void>;
}

/** What one attempt came to. */
interface Outcome {
  readonly status: 'succeeded' | 'pending' | 'failed';
  readonly responseStatus: number | null;
  readonly responseBody: string | null;
  readonly errorClass: string | null;
  readonly retryAfter?: number | undefined;
  readonly gone?: boolean;
}

/** Marks a retryable answer inside the breaker, so that it counts as a failure. */
class RetryableAnswer extends Error {
  constructor(readonly response: WebhookResponse) {
    super('retryable answer');
  }
}

/**
 * Claims due deliveries and sends them: SSRF-checked and pinned, signed
 * with the endpoint's current secret (and the previous one during a
 * rotation's grace period), retried on the documented schedule, with one
 * cockatiel circuit breaker per endpoint. Several workers, in one process
 * or many, may run against one store: claims never overlap, and a crashed
 * worker's claim expires so another one delivers (receivers may see a
 * duplicate `webhook-id`, never a lost event).
 */
export class WebhookDeliverer {
  readonly #deps: WebhookDelivererDependencies;
  readonly #breakers = new LRUCache<string, CircuitBreakerPolicy>({ max: 10_000 });

  constructor(deps: WebhookDelivererDependencies) {
    this.#deps = deps;
  }

  get #timeoutMs(): number {
    return this.#deps.options.timeoutMs ?? 10_000;
  }

  get #sendContext(): SendContext {
    const { transport, resolver, urlPolicy, options, followRedirects } = this.#deps;
    return { transport, resolver, urlPolicy, timeoutMs: this.#timeoutMs, maxResponseBytes: options.maxResponseBytes ?? 1024, followRedirects };
  }

  /** Claims up to `limit` due deliveries and sends them concurrently; resolves how many were claimed. */
  async deliverDue(limit: number): Promise<number> {
    const now = this.#deps.now();
    const claimToken = randomUUID();
    // The lease outlives the request (timeout) with slack; past it another worker may take over.
    const claimedUntil = new Date(now.getTime() + this.#timeoutMs * 2 + 30_000);
    const claimed = await this.#deps.store.claimWebhookDeliveries({ now, limit, claimToken, claimedUntil });
    await Promise.all(claimed.map((delivery) => this.#deliver(delivery, claimToken)));
    return claimed.length;
  }

  /** Starts polling. Errors of a poll (the store down) go to `onError` and the worker keeps polling. */
  start(options: DeliveryWorkerOptions = {}): DeliveryWorker {
    const concurrency = options.concurrency ?? 4;
    const pollMs = options.pollMs ?? 1000;
    // An object, so that the loop re-reads it after every await (stop() flips it from outside).
    const state = { stopped: false };
    const running = (): boolean => !state.stopped;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wake: (() => void) | undefined;
    const loop = async (): Promise<void> => {
      while (running()) {
        let claimed = 0;
        try {
          claimed = await this.deliverDue(concurrency);
        } catch (error) {
          this.#deps.effects.run('webhooks.worker', () => Promise.reject(error instanceof Error ? error : new Error(String(error))));
        }
        if (claimed < concurrency && running()) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            timer = setTimeout(resolve, pollMs);
          });
        }
      }
    };
    const looping = loop();
    return {
      stop: async () => {
        state.stopped = true;
        clearTimeout(timer);
        wake?.();
        await looping;
      },
    };
  }

  async #deliver(delivery: WebhookDeliveryRecord, claimToken: string): Promise<void> {
    const startedAt = this.#deps.now();
    const started = performance.now();
    const endpoint = await this.#deps.store.findWebhookEndpoint(delivery.tenantId, delivery.endpointId);
    const outcome =
      endpoint === undefined || endpoint.status === 'disabled' ? this.#refused('endpoint_disabled') : await this.#attempt(delivery, endpoint, startedAt);
    const now = this.#deps.now();
    let status = outcome.status;
    const attempts = delivery.attempts + 1;
    if (status === 'pending' && now.getTime() - delivery.createdAt.getTime() > (this.#deps.options.giveUpAfterMs ?? 32 * 3_600_000)) status = 'failed';
    await this.#deps.store.completeWebhookDelivery({
      deliveryId: delivery.id,
      claimToken,
      status,
      nextAttemptAt: status === 'pending' ? nextAttemptAt(attempts, now, outcome.retryAfter) : now,
      updatedAt: now,
      attempt: {
        deliveryId: delivery.id,
        attempt: attempts,
        startedAt,
        durationMs: Math.round(performance.now() - started),
        responseStatus: outcome.responseStatus,
        responseBody: outcome.responseBody,
        errorClass: outcome.errorClass,
      },
    });
    if (endpoint !== undefined && endpoint.status === 'enabled') await this.#track(endpoint, outcome, now);
  }

  #refused(errorClass: string): Outcome {
    return { status: 'failed', responseStatus: null, responseBody: null, errorClass };
  }

  async #attempt(delivery: WebhookDeliveryRecord, endpoint: WebhookEndpointRecord, at: Date): Promise<Outcome> {
    let target;
    try {
      target = await resolveWebhookTarget(endpoint.url, this.#deps.urlPolicy, this.#deps.resolver);
    } catch (error) {
      // Refused before any connection; DNS may change, so it is retried like an outage.
      if (isUnsafeUrlError(error)) return { status: 'pending', responseStatus: null, responseBody: null, errorClass: `unsafe_url:${error.reason}` };
      throw error;
    }
    const headers = signedHeaders(this.#deps.keyring, endpoint, { id: delivery.eventId, body: delivery.payload }, at);
    const breaker = this.#breakerOf(endpoint.id);
    try {
      const response = await breaker.execute(async () => {
        const answer = await sendWebhookRequest(target, { headers, body: delivery.payload }, this.#sendContext);
        if (answer.status === 429 || answer.status === 408 || answer.status >= 500) throw new RetryableAnswer(answer);
        return answer;
      });
      const body = response.body === '' ? null : response.body;
      if (response.status >= 200 && response.status < 300)
        return { status: 'succeeded', responseStatus: response.status, responseBody: body, errorClass: null };
      if (response.status >= 300 && response.status < 400)
        return { status: 'failed', responseStatus: response.status, responseBody: body, errorClass: 'redirect_refused' };
      return { status: 'failed', responseStatus: response.status, responseBody: body, errorClass: null, gone: response.status === 410 };
    } catch (error) {
      if (error instanceof RetryableAnswer) {
        const { response } = error;
        return {
          status: 'pending',
          responseStatus: response.status,
          responseBody: response.body === '' ? null : response.body,
          errorClass: null,
          retryAfter: retryAfterMs(response.retryAfter, this.#deps.now()),
        };
      }
      // A redirect to a URL the policy refuses: nothing was sent there; retried like a refused endpoint URL.
      if (isUnsafeUrlError(error)) return { status: 'pending', responseStatus: null, responseBody: null, errorClass: `unsafe_url:${error.reason}` };
      if (isBrokenCircuitError(error))
        return {
          status: 'pending',
          responseStatus: null,
          responseBody: null,
          errorClass: 'circuit_open',
          retryAfter: this.#deps.options.halfOpenAfterMs ?? 60_000,
        };
      return { status: 'pending', responseStatus: null, responseBody: null, errorClass: requestErrorClass(error) };
    }
  }

  #breakerOf(endpointId: string): CircuitBreakerPolicy {
    let breaker = this.#breakers.get(endpointId);
    if (breaker === undefined) {
      breaker = circuitBreaker(handleAll, {
        halfOpenAfter: this.#deps.options.halfOpenAfterMs ?? 60_000,
        breaker: new ConsecutiveBreaker(this.#deps.options.breakerThreshold ?? 5),
      });
      this.#breakers.set(endpointId, breaker);
    }
    return breaker;
  }

  /** Keeps the endpoint's failing-since mark, and disables it when it failed for too long or answered 410. */
  async #track(endpoint: WebhookEndpointRecord, outcome: Outcome, now: Date): Promise<void> {
    const { store } = this.#deps;
    if (outcome.status === 'succeeded') {
      if (endpoint.failingSince !== null)
        await store.updateWebhookEndpoint({ tenantId: endpoint.tenantId, id: endpoint.id, updatedAt: now, failingSince: null });
      return;
    }
    const failingSince = endpoint.failingSince ?? now;
    const expired = now.getTime() - failingSince.getTime() >= (this.#deps.options.disableAfterMs ?? 5 * 86_400_000);
    if (!expired && outcome.gone !== true) {
      if (endpoint.failingSince === null) await store.updateWebhookEndpoint({ tenantId: endpoint.tenantId, id: endpoint.id, updatedAt: now, failingSince });
      return;
    }
    const reason = outcome.gone === true ? 'gone' : 'failing';
    await store.transaction(
      async (tx) => {
        await tx.updateWebhookEndpoint({ tenantId: endpoint.tenantId, id: endpoint.id, updatedAt: now, status: 'disabled', failingSince });
        await this.#deps.outbox.emit(tx, endpoint.tenantId, 'webhook.endpoint_disabled', { endpointId: endpoint.id, reason: 'failing' });
      },
      { tenantId: endpoint.tenantId },
    );
    const hook = this.#deps.onEndpointDisabled;
    if (hook !== undefined) this.#deps.effects.run('webhooks.onEndpointDisabled', () => hook({ tenantId: endpoint.tenantId, endpointId: endpoint.id, reason }));
  }
}
