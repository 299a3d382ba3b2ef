import { z } from 'zod';
import { MAX_STORED_RESPONSE_BYTES } from '../../index.js';
import { headerNameSchema, isFunction } from './option-schemas.js';

/** The largest response body the replay helper stores unless told otherwise: 64 KiB. */
export const DEFAULT_REPLAY_MAX_BODY_BYTES = 64 * 1024;

/** How long a duplicate request waits for the first one's response unless told otherwise: 5 seconds. */
export const DEFAULT_REPLAY_WAIT_MS = 5000;

/**
 * The response headers stored and replayed unless told otherwise. Never
 * `set-cookie` (a session must not be handed out again) nor the framing and
 * per-response headers (`content-length`, `date`, `connection`, ...), which
 * the server writes for every response itself.
 */
export const DEFAULT_REPLAY_HEADERS = Object.freeze(['content-type', 'content-language', 'content-encoding', 'location', 'etag', 'cache-control']);

/** The header that marks a replayed response: `Idempotent-Replayed: true`. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** Headers that can never be stored: the server frames every response itself. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date', 'trailer', 'upgrade']);

/**
 * Options of the response-replay helper (`requireEntitlement({ onReplay:
 * 'respond', responses })`): the first response to a request with an
 * idempotency key is stored on the key's record and every retry is answered
 * with it, byte for byte, without running the handler.
 */
export interface ResponseReplayOptions {
  /**
   * The largest body stored, in bytes: default 64 KiB, at most 1 MiB. A
   * larger response is still sent to the first client, but not stored: its
   * retries are answered 409 `idempotent_replay`, never a truncated body.
   */
  readonly maxBodyBytes?: number;
  /**
   * The response headers stored and replayed (case-insensitive), in place
   * of {@link DEFAULT_REPLAY_HEADERS}. Framing headers (`content-length`,
   * `transfer-encoding`, `connection`, `date`, ...) are refused.
   */
  readonly headers?: readonly string[];
  /**
   * How long a retry that arrives while the first request is still running
   * waits for its response, in milliseconds: default 5000; `0` answers at
   * once. Past it, the retry is answered 409 `idempotency_in_progress`; the
   * handler never runs twice.
   */
  readonly waitMs?: number;
  /** Receives a failure to store a response (the first client has its answer already). Default: `console.error`. */
  readonly onError?: (error: unknown) => void;
}

/** {@link ResponseReplayOptions} after validation, with defaults applied. */
export interface ResolvedResponseReplayOptions {
  readonly maxBodyBytes: number;
  /** Lower case. */
  readonly headers: ReadonlySet<string>;
  readonly waitMs: number;
  readonly onError: (error: unknown) => void;
}

/** Validation of {@link ResponseReplayOptions}, part of the guard's options schema. */
export const responseReplayOptionsSchema = z
  .object({
    maxBodyBytes: z.number().int().min(0).max(MAX_STORED_RESPONSE_BYTES).optional(),
    headers: z
      .array(headerNameSchema.refine((name) => !FRAMING_HEADERS.has(name.toLowerCase()), { message: 'the server writes this header itself' }))
      .max(32)
      .optional(),
    waitMs: z.number().int().min(0).max(60_000).optional(),
    onError: z.custom(isFunction, { message: 'expected a function' }).optional(),
  })
  .strict();

function logStoreFailure(error: unknown): void {
  console.error('tenantry: storing the response of an idempotent request failed; its retries will be answered 409.', error);
}

/** Applies the defaults to already validated options. */
export function resolveResponseReplayOptions(options: ResponseReplayOptions | undefined): ResolvedResponseReplayOptions {
  return Object.freeze({
    maxBodyBytes: options?.maxBodyBytes ?? DEFAULT_REPLAY_MAX_BODY_BYTES,
    headers: new Set((options?.headers ?? DEFAULT_REPLAY_HEADERS).map((name) => name.toLowerCase())),
    waitMs: options?.waitMs ?? DEFAULT_REPLAY_WAIT_MS,
    onError: options?.onError ?? logStoreFailure,
  });
}
