import type { WebhookEndpointRecord } from '../../store/webhook-records.js';
import type { SecretCipher } from './secret-cipher.js';
import { signWebhook } from './signing.js';

const USER_AGENT = 'tenantry-webhooks/0.2';

/**
 * The headers of one signed request to `endpoint` at `at`: Standard
 * Webhooks v1, signed with the current secret and, during a rotation's
 * grace period, the previous one too (two signatures). Shared by deliveries
 * and test pings, so a receiver cannot tell them apart by their signing.
 */
export function signedHeaders(
  keyring: SecretCipher,
  endpoint: WebhookEndpointRecord,
  message: { readonly id: string; readonly body: string },
  at: Date,
): Readonly<Record<string, string>> {
  const timestamp = Math.floor(at.getTime() / 1000);
  const secrets = [keyring.decrypt(endpoint.secret, endpoint.id)];
  if (endpoint.previousSecret !== null && (endpoint.previousSecretExpiresAt?.getTime() ?? 0) > at.getTime()) {
    secrets.push(keyring.decrypt(endpoint.previousSecret, `${endpoint.id}:previous`));
  }
  return {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': message.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook({ secrets, id: message.id, timestamp, body: message.body }),
  };
}

/** What a request that got no answer failed of: the time limit, or anything else on the way (`network`). */
export function requestErrorClass(error: unknown): 'timeout' | 'network' {
  const name = (error as { name?: unknown } | null)?.name;
  const code = (error as { code?: unknown } | null)?.code;
  return name === 'TimeoutError' || name === 'AbortError' || (typeof code === 'string' && code.includes('TIMEOUT')) ? 'timeout' : 'network';
}
