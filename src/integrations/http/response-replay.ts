import type { ServerResponse } from 'node:http';
import { IdempotencyInProgressError, IdempotentReplayError } from '../../core/errors/index.js';
import type { IdempotentResponseRecord } from '../../index.js';
import type { ResolvedEntitlementGuardOptions } from './entitlement-guard-options.js';
import type { GuardedConsumption } from './entitlement-guard-flow.js';
import { captureResponse } from './response-capture.js';
import { IDEMPOTENT_REPLAYED_HEADER, type ResolvedResponseReplayOptions } from './response-replay-options.js';

/** The longest pause between two reads of a pending response. */
const MAX_POLL_MS = 100;

const pause = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * What the response-replay helper does with a request the guard let
 * through: `undefined` when it is not its business (no idempotency key, or
 * another `onReplay`); `{ replay }` with the stored response to send
 * instead of running the handler; `{ capture }` to call on the raw response
 * before the handler runs, so the first response is stored.
 */
export type ResponseReplayStep = { readonly replay: IdempotentResponseRecord } | { readonly capture: (raw: ServerResponse) => void } | undefined;

/**
 * The response-replay helper's decision for a guarded request. A replay
 * reads the stored response; while the first request is still running
 * (`pending`) it reads again, with growing pauses, for up to `waitMs`, then
 * rejects with `IdempotencyInProgressError` (409). A response that was too
 * large to store, or a record gone in the meantime (expired, pruned), is
 * `IdempotentReplayError` (409): the handler never runs twice.
 */
export async function responseReplayStep(
  guard: Pick<ResolvedEntitlementGuardOptions<unknown>, 'responses'>,
  consumed: GuardedConsumption,
): Promise<ResponseReplayStep> {
  const options = guard.responses;
  const { input, decision, context } = consumed;
  const key = input.idempotencyKey;
  if (options === undefined || key === undefined) return undefined;
  const keyed = { ...input, idempotencyKey: key };
  if (!decision.replayed) {
    return {
      capture: (raw) => {
        captureResponse(raw, options, (response) => {
          // The client has its answer; a failure to store it only costs the retries their replay (they get 409).
          context.scope.usage.saveResponse({ ...keyed, response }).catch(options.onError);
        });
      },
    };
  }
  return { replay: await storedResponse(options, () => context.scope.usage.storedResponse(keyed)) };
}

async function storedResponse(
  options: ResolvedResponseReplayOptions,
  read: () => ReturnType<GuardedConsumption['context']['scope']['usage']['storedResponse']>,
): Promise<IdempotentResponseRecord> {
  const deadline = Date.now() + options.waitMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, MAX_POLL_MS)) {
    const state = await read();
    if (state.state === 'stored') {
      if (state.response.body === null)
        throw new IdempotentReplayError('This request was already processed under its idempotency key; its response was too large to store.');
      return state.response;
    }
    if (state.state === 'none') throw new IdempotentReplayError();
    const left = deadline - Date.now();
    if (left <= 0) throw new IdempotencyInProgressError();
    await pause(Math.min(delay, left));
  }
}

/**
 * The headers of a replay: the stored ones as they were sent (a repeated
 * header keeps its values in order), `Idempotent-Replayed: true` and the
 * body's `Content-Length`.
 */
export function replayHeaders(response: IdempotentResponseRecord): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) {
    const previous = headers[name];
    headers[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  headers[IDEMPOTENT_REPLAYED_HEADER.toLowerCase()] = 'true';
  // Framed as the first answer was: with its length (Node would otherwise chunk a body sent after writeHead), except where HTTP forbids a body.
  if (response.status >= 200 && response.status !== 204 && response.status !== 304) headers['content-length'] = String(response.body?.byteLength ?? 0);
  return headers;
}

/** The stored body as a `Buffer` over the same bytes (empty for a stored empty body). */
export function replayBody(response: IdempotentResponseRecord): Buffer {
  const body = response.body ?? new Uint8Array();
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}
