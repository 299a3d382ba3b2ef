import { z } from 'zod';
import { ValidationError } from '../../core/errors/index.js';
import type { IdempotentResponseRecord, IdempotentResponseSaveResult, IdempotentResponseState, Store } from '../../store/index.js';
import type { ActorContext } from '../shared/actor-context.js';
import { parseTenantInput } from '../shared/parse-tenant-input.js';
import type { TenantIdRule } from '../shared/tenant-id-rule.js';
import { consumptionFingerprint } from './consumption.js';
import { entitlementSchemas, type ConsumeInput } from './entitlement-inputs.js';
import { scopeIdempotencyKey } from './idempotency-scope.js';

/** The largest body a stored response may hold: 1 MiB (the HTTP helper's cap is at most this). */
export const MAX_STORED_RESPONSE_BYTES = 1024 * 1024;

/**
 * The consumption a stored response belongs to: the same fields the request
 * was consumed with (`usage.consume`), its key included. They name the
 * idempotency record exactly as the consumption did (scope, feature,
 * fingerprint), so a response is only ever stored on, and read from, the
 * record of that request.
 */
export type ResponseReplayInput<L extends string = string> = ConsumeInput<L> & { readonly idempotencyKey: string };

/** Input of `usage.saveResponse`: the consumption and the first response to it. */
export type SaveResponseInput<L extends string = string> = ResponseReplayInput<L> & { readonly response: IdempotentResponseRecord };

/** Wiring of {@link ResponseReplays}. */
export interface ResponseReplayDependencies {
  readonly store: Store;
  readonly tenantIds: TenantIdRule;
  readonly now: () => Date;
}

const headerSchema = z.tuple([z.string().min(1).max(256), z.string().max(8192)]);

const responseSchema = z
  .object({
    status: z.number().int().min(100).max(599),
    headers: z.array(headerSchema).max(64),
    body: z.union([z.null(), z.instanceof(Uint8Array).refine((body) => body.byteLength <= MAX_STORED_RESPONSE_BYTES, 'At most 1 MiB.')]),
  })
  .strict();

/**
 * Stored responses of idempotent consumptions (the HTTP response-replay
 * helper's storage). The record is the consumption's own, so the response
 * expires, is pruned and is deleted with it; an actor reaches only the
 * records of its own scope, as with `consume`.
 */
export class ResponseReplays {
  readonly #deps: ResponseReplayDependencies;

  constructor(deps: ResponseReplayDependencies) {
    this.#deps = deps;
  }

  /** Saves the first response to a consumption; the first save wins (`already_saved` after). */
  async save(ctx: ActorContext, input: SaveResponseInput): Promise<IdempotentResponseSaveResult> {
    const { response, ...consumption } = input;
    const record = await this.#record(ctx, consumption);
    const parsed = responseSchema.safeParse(response);
    if (!parsed.success) {
      throw new ValidationError(
        'Invalid stored response.',
        parsed.error.issues.map((issue) => ({ path: ['response', ...issue.path.map(String)], message: issue.message })),
      );
    }
    return this.#deps.store.saveIdempotentResponse({ ...record, response, now: this.#deps.now() });
  }

  /** The response stored for a consumption: `stored`, `pending` while its first request runs, `none` without a live record. */
  async read(ctx: ActorContext, input: ResponseReplayInput): Promise<IdempotentResponseState> {
    // The fingerprint too: a record taken over by another request (after expiry) holds that request's response, not this one's.
    const { tenantId, key, fingerprint } = await this.#record(ctx, input);
    return this.#deps.store.readIdempotentResponse({ tenantId, key, fingerprint, now: this.#deps.now() });
  }

  async #record(ctx: ActorContext, input: ResponseReplayInput): Promise<{ tenantId: string; key: string; fingerprint: string }> {
    const parsed = parseTenantInput(this.#deps.tenantIds, entitlementSchemas.consume, input, 'stored response');
    if (parsed.idempotencyKey === undefined) {
      throw new ValidationError('A stored response needs the idempotency key it was consumed under.', [{ path: ['idempotencyKey'], message: 'Required.' }]);
    }
    await ctx.standing(parsed.tenantId);
    return {
      tenantId: parsed.tenantId,
      key: scopeIdempotencyKey(ctx.actor, parsed.idempotencyScope, parsed.featureKey, parsed.idempotencyKey).stored,
      fingerprint: consumptionFingerprint(parsed.featureKey, parsed.namespace, parsed.amount, parsed.fingerprint),
    };
  }
}
