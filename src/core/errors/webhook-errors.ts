import { hasCode, TenantryError, type TenantryErrorOptions } from './tenantry-error.js';

/**
 * Why a webhook URL was refused. Stable codes; the message never names the
 * resolved address, so the error can be shown to the tenant who entered the URL.
 *
 * - `malformed`: not an absolute URL.
 * - `scheme_not_allowed`: not `https:` (or `http:` when the policy allows it).
 * - `credentials_in_url`: the URL carries a user name or password.
 * - `port_not_allowed`: the port is outside the policy's allowed ports.
 * - `host_not_allowed`: the host is a name the policy refuses outright (`localhost`, `*.internal`, metadata names, ...).
 * - `address_not_allowed`: the host is, or resolves to, a loopback, private, link-local, CGNAT, multicast, reserved, unique-local, NAT64, mapped or metadata address.
 * - `unresolvable`: the host name did not resolve to any address.
 * - `redirect_refused`: the receiver answered with a redirect, which delivery never follows.
 */
export const UNSAFE_URL_REASONS = [
  'malformed',
  'scheme_not_allowed',
  'credentials_in_url',
  'port_not_allowed',
  'host_not_allowed',
  'address_not_allowed',
  'unresolvable',
  'redirect_refused',
] as const;

/** See {@link UNSAFE_URL_REASONS}. */
export type UnsafeUrlReason = (typeof UNSAFE_URL_REASONS)[number];

/**
 * A webhook URL is not safe to call (SSRF protection). Nothing was written
 * and no connection was made. Status 400, code `unsafe_url`; `reason` says
 * which rule refused it. The message and the error never carry the resolved
 * address.
 */
export class UnsafeUrlError extends TenantryError {
  readonly code = 'unsafe_url' as const;

  /** Which rule refused the URL. */
  readonly reason: UnsafeUrlReason;

  constructor(reason: UnsafeUrlReason, message = `The webhook URL is not allowed (${reason}).`, options?: TenantryErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** True when `value` is an {@link UnsafeUrlError} from any copy of tenantry. */
export const isUnsafeUrlError = hasCode<UnsafeUrlError>('unsafe_url');

/**
 * Why `verifyWebhook` refused a request.
 *
 * - `missing_headers`: `webhook-id`, `webhook-timestamp` or `webhook-signature` is absent or empty.
 * - `invalid_timestamp`: `webhook-timestamp` is not an integer number of seconds.
 * - `timestamp_out_of_tolerance`: the timestamp is further from now than the tolerance (replay protection).
 * - `no_supported_signature`: no `v1,` signature in the header (only other versions, or malformed entries).
 * - `signature_mismatch`: no `v1` signature matches any of the secrets.
 * - `invalid_secret`: a secret is not `whsec_` + base64 (a receiver misconfiguration).
 */
export const WEBHOOK_VERIFICATION_REASONS = [
  'missing_headers',
  'invalid_timestamp',
  'timestamp_out_of_tolerance',
  'no_supported_signature',
  'signature_mismatch',
  'invalid_secret',
] as const;

/** See {@link WEBHOOK_VERIFICATION_REASONS}. */
export type WebhookVerificationReason = (typeof WEBHOOK_VERIFICATION_REASONS)[number];

/**
 * A received webhook failed Standard Webhooks verification: answer it with
 * 401 and do not process it. Status 401, code `webhook_verification_failed`;
 * `reason` says which check failed. Never carries the secret or a signature.
 */
export class WebhookVerificationError extends TenantryError {
  readonly code = 'webhook_verification_failed' as const;

  /** Which check failed. */
  readonly reason: WebhookVerificationReason;

  constructor(reason: WebhookVerificationReason, message = `The webhook could not be verified (${reason}).`, options?: TenantryErrorOptions) {
    super(message, options);
    this.reason = reason;
  }
}

/** True when `value` is a {@link WebhookVerificationError} from any copy of tenantry. */
export const isWebhookVerificationError = hasCode<WebhookVerificationError>('webhook_verification_failed');
