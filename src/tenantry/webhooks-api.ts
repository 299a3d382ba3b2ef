import type { Actor } from '../core/actors/actor.js';
import { ConfigurationError } from '../core/errors/index.js';
import type { WebhookTestResult } from '../services/webhooks/endpoint-ping.js';
import type {
  ParsedWebhookInput,
  WebhookInputKind,
  CreateWebhookInput,
  ListDeliveriesInput,
  RedeliverInput,
  RotateWebhookSecretInput,
  UpdateWebhookInput,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhookEndpointWithSecret,
} from '../services/webhooks/endpoint-service.js';
import type { WebhookServices } from './webhooks-wiring.js';

/** What the API needs of the scope: the capability check. */
interface Authorizing {
  readonly actor: Actor;
  authorize(tenantId: string, capability: never): Promise<unknown>;
}

/**
 * A tenant's webhook endpoints, for the scope's actor. Every call needs the
 * `webhooks.manage` capability in the tenant (`NotFoundError` for a
 * non-member, `ForbiddenError` for a member without it). Secrets appear
 * only in what `create` and `rotateSecret` return.
 */
export class WebhooksApi {
  readonly #scope: Authorizing;
  readonly #services: WebhookServices | undefined;

  /** @internal */
  constructor(scope: Authorizing, services: WebhookServices | undefined) {
    this.#scope = scope;
    this.#services = services;
  }

  /** Creates an endpoint (URL checked against the SSRF policy: `UnsafeUrlError`); returns its secret once. */
  create(input: CreateWebhookInput): Promise<WebhookEndpointWithSecret> {
    return this.#run('create', input, (s, parsed) => s.endpoints.create(parsed));
  }

  /** The tenant's endpoints, oldest first. */
  list(input: { readonly tenantId: string }): Promise<readonly WebhookEndpoint[]> {
    return this.#run('list', input, (s, parsed) => s.endpoints.list(parsed.tenantId));
  }

  /** Changes URL, events, description or `enabled`. */
  update(input: UpdateWebhookInput): Promise<WebhookEndpoint> {
    return this.#run('update', input, (s, parsed) => s.endpoints.update(parsed));
  }

  /** Disables an endpoint: nothing is delivered to it until re-enabled with `update({ enabled: true })`. */
  disable(input: WebhookEndpointInput): Promise<WebhookEndpoint> {
    return this.#run('endpoint', input, (s, parsed) => s.endpoints.update({ ...parsed, enabled: false }));
  }

  /** Deletes an endpoint with its deliveries and log. */
  delete(input: WebhookEndpointInput): Promise<void> {
    return this.#run('endpoint', input, (s, parsed) => s.endpoints.delete(parsed));
  }

  /** A new secret, returned once; the old one keeps signing alongside for `graceMs` (default 24 h). */
  rotateSecret(input: RotateWebhookSecretInput): Promise<WebhookEndpointWithSecret> {
    return this.#run('rotate', input, (s, parsed) => s.endpoints.rotateSecret(parsed));
  }

  /** The delivery log, newest first (of one endpoint when `endpointId` is given). */
  deliveries(input: ListDeliveriesInput): Promise<readonly WebhookDelivery[]> {
    return this.#run('list', input, (s, parsed) => s.endpoints.deliveries(parsed));
  }

  /** Makes a delivery due again now. */
  redeliver(input: RedeliverInput): Promise<void> {
    return this.#run('redeliver', input, (s, parsed) => s.endpoints.redeliver(parsed));
  }

  /**
   * Sends a signed `webhook.test` event to the endpoint now and reports the
   * answer (status, duration, truncated body; never the resolved address).
   * The URL is checked and resolved again first: `UnsafeUrlError` when it is
   * no longer safe, with no connection made. `TooManyAttemptsError` past the
   * per-endpoint rate limit (default 5 per minute). Audited.
   */
  test(input: WebhookEndpointInput): Promise<WebhookTestResult> {
    return this.#run('endpoint', input, (s, parsed) => s.pinger.test(this.#scope.actor, parsed));
  }

  async #run<K extends WebhookInputKind, T>(
    kind: K,
    input: unknown,
    work: (services: WebhookServices, parsed: ParsedWebhookInput<K>) => Promise<T>,
  ): Promise<T> {
    const services = this.#services;
    if (services === undefined) throw new ConfigurationError('Webhooks are not configured: pass createTenantry({ webhooks: { manage, keyring, transport } }).');
    const parsed = services.endpoints.parse(kind, input);
    await this.#scope.authorize(parsed.tenantId, services.manage as never);
    return work(services, parsed);
  }
}
