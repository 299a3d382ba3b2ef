import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTenantry, isConfigurationError, type WebhookTransport } from 'tenantry';
import { memoryStore } from 'tenantry/memory';
import { capabilities, roles } from '../../support/catalog.js';

const transport: WebhookTransport = () => Promise.resolve({ status: 204, retryAfter: undefined, body: '' });
const keyring = { current: 'k1', keys: { k1: randomBytes(32).toString('base64') } };

function attempt(webhooks: object, extra: object = {}): unknown {
  try {
    createTenantry({ capabilities, roles, store: memoryStore(), webhooks: { manage: 'tenant.manage', transport, ...webhooks } as never, ...extra });
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('webhooks options: redirects, test limit, keyring', () => {
  it.each([
    ['more than 5 redirect hops', { keyring, redirects: { follow: 6 } }],
    ['a negative hop count', { keyring, redirects: { follow: -1 } }],
    ['an unknown redirects option', { keyring, redirects: { follow: 1, max: 2 } }],
    ['a zero test limit', { keyring, test: { limit: 0 } }],
    ['an unknown test option', { keyring, test: { perMinute: 5 } }],
    ['no keyring and no twoFactor keys', {}],
  ])('rejects %s with a ConfigurationError', (_label, webhooks) => {
    expect(isConfigurationError(attempt(webhooks))).toBe(true);
  });

  it.each([
    ['follow 0 to 5 with a keyring', { keyring, redirects: { follow: 5 }, test: { limit: 1, windowMs: 1000 } }, {}],
    ['no keyring of its own when twoFactor.keys is set', {}, { twoFactor: { keys: { current: 'k1', k1: randomBytes(32) } } }],
  ])('accepts %s', (_label, webhooks, extra) => {
    expect(attempt(webhooks, extra)).toBeUndefined();
  });
});
