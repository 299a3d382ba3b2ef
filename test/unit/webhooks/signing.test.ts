import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, isWebhookVerificationError, signWebhook, verifyWebhook, type WebhookVerificationReason } from 'tenantry';

// The Standard Webhooks reference vector (libraries/javascript/src/webhook.test.ts, "sign function works").
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const MSG_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const PAYLOAD = '{"test": 2432232314}';
const EXPECTED = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const AT = new Date(TIMESTAMP * 1000);

function headersFor(signature: string, timestamp = TIMESTAMP, id = MSG_ID): Record<string, string> {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

function reasonOf(run: () => unknown): WebhookVerificationReason | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (isWebhookVerificationError(error)) return error.reason;
    throw error;
  }
}

describe('Standard Webhooks v1 signing', () => {
  it('signs the reference vector exactly', () => {
    expect(signWebhook({ secrets: [SECRET], id: MSG_ID, timestamp: TIMESTAMP, body: PAYLOAD })).toBe(EXPECTED);
    // The prefix is optional on the secret, and bytes sign like the same string.
    expect(signWebhook({ secrets: [SECRET.slice(6)], id: MSG_ID, timestamp: TIMESTAMP, body: new TextEncoder().encode(PAYLOAD) })).toBe(EXPECTED);
  });

  it('verifies the reference vector with and without the whsec_ prefix', () => {
    expect(verifyWebhook({ secret: SECRET, headers: headersFor(EXPECTED), body: PAYLOAD, now: AT })).toEqual({ id: MSG_ID, timestamp: TIMESTAMP });
    expect(verifyWebhook({ secret: SECRET.slice(6), headers: headersFor(EXPECTED), body: PAYLOAD, now: AT }).id).toBe(MSG_ID);
  });

  it('signs with every secret during a rotation, space-separated, and either secret verifies', () => {
    const fresh = generateWebhookSecret();
    const header = signWebhook({ secrets: [fresh, SECRET], id: MSG_ID, timestamp: TIMESTAMP, body: PAYLOAD });
    const [first, second] = header.split(' ');
    expect(second).toBe(EXPECTED);
    expect(first).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(reasonOf(() => verifyWebhook({ secret: fresh, headers: headersFor(header), body: PAYLOAD, now: AT }))).toBe('accepted');
    expect(reasonOf(() => verifyWebhook({ secret: SECRET, headers: headersFor(header), body: PAYLOAD, now: AT }))).toBe('accepted');
    expect(reasonOf(() => verifyWebhook({ secrets: [generateWebhookSecret(), SECRET], headers: headersFor(EXPECTED), body: PAYLOAD, now: AT }))).toBe(
      'accepted',
    );
  });

  it('accepts a list with other versions and bad entries around the valid v1 one (reference "multi sig")', () => {
    const list = ['v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=', 'v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=', EXPECTED, 'v1,!!'].join(' ');
    expect(reasonOf(() => verifyWebhook({ secret: SECRET, headers: headersFor(list), body: PAYLOAD, now: AT }))).toBe('accepted');
  });

  it.each([
    [-300, 'accepted'],
    [300, 'accepted'],
    [-301, 'timestamp_out_of_tolerance'],
    [301, 'timestamp_out_of_tolerance'],
    [0, 'accepted'],
  ] as const)('a timestamp %i s from now is %s (tolerance 300 s)', (offset, expected) => {
    const now = new Date((TIMESTAMP + offset) * 1000);
    expect(reasonOf(() => verifyWebhook({ secret: SECRET, headers: headersFor(EXPECTED), body: PAYLOAD, now }))).toBe(expected);
  });

  it('honours a custom tolerance', () => {
    const now = new Date((TIMESTAMP + 11) * 1000);
    expect(reasonOf(() => verifyWebhook({ secret: SECRET, headers: headersFor(EXPECTED), body: PAYLOAD, now, toleranceSec: 10 }))).toBe(
      'timestamp_out_of_tolerance',
    );
    expect(reasonOf(() => verifyWebhook({ secret: SECRET, headers: headersFor(EXPECTED), body: PAYLOAD, now, toleranceSec: 11 }))).toBe('accepted');
  });

  it.each([
    ['missing id', { 'webhook-timestamp': String(TIMESTAMP), 'webhook-signature': EXPECTED }, 'missing_headers'],
    ['missing timestamp', { 'webhook-id': MSG_ID, 'webhook-signature': EXPECTED }, 'missing_headers'],
    ['missing signature', { 'webhook-id': MSG_ID, 'webhook-timestamp': String(TIMESTAMP) }, 'missing_headers'],
    ['empty signature', headersFor(''), 'missing_headers'],
    ['non-numeric timestamp', { ...headersFor(EXPECTED), 'webhook-timestamp': 'hello' }, 'invalid_timestamp'],
    ['fractional timestamp', { ...headersFor(EXPECTED), 'webhook-timestamp': `${TIMESTAMP}.5` }, 'invalid_timestamp'],
    ['invalid signature', headersFor('v1,dawfeoifkpqwoekfpqoekf'), 'no_supported_signature'],
    ['partial signature', headersFor(EXPECTED.slice(0, 8)), 'no_supported_signature'],
    ['only the version', headersFor('v1,'), 'no_supported_signature'],
    ['other version only', headersFor(EXPECTED.replace('v1,', 'v2,')), 'no_supported_signature'],
    ['v1a (asymmetric) only', headersFor(EXPECTED.replace('v1,', 'v1a,')), 'no_supported_signature'],
    ['wrong signature', headersFor('v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc='), 'signature_mismatch'],
    ['other id', headersFor(EXPECTED, TIMESTAMP, 'msg_other'), 'signature_mismatch'],
  ] as const)('refuses %s', (_name, headers, reason) => {
    expect(reasonOf(() => verifyWebhook({ secret: SECRET, headers, body: PAYLOAD, now: AT }))).toBe(reason);
  });

  it('refuses a tampered body and a wrong secret', () => {
    expect(reasonOf(() => verifyWebhook({ secret: SECRET, headers: headersFor(EXPECTED), body: '{"test": 2432232315}', now: AT }))).toBe('signature_mismatch');
    expect(reasonOf(() => verifyWebhook({ secret: generateWebhookSecret(), headers: headersFor(EXPECTED), body: PAYLOAD, now: AT }))).toBe(
      'signature_mismatch',
    );
  });

  it('refuses a misconfigured secret before reading the request', () => {
    expect(reasonOf(() => verifyWebhook({ secret: 'whsec_', headers: headersFor(EXPECTED), body: PAYLOAD, now: AT }))).toBe('invalid_secret');
    expect(reasonOf(() => verifyWebhook({ secret: 'whsec_not base64!', headers: headersFor(EXPECTED), body: PAYLOAD, now: AT }))).toBe('invalid_secret');
    expect(reasonOf(() => verifyWebhook({ headers: headersFor(EXPECTED), body: PAYLOAD, now: AT }))).toBe('invalid_secret');
  });

  it('reads fetch Headers and Node header records case-insensitively', () => {
    const fetchHeaders = new Headers(headersFor(EXPECTED));
    expect(verifyWebhook({ secret: SECRET, headers: fetchHeaders, body: PAYLOAD, now: AT }).id).toBe(MSG_ID);
    const upper = { 'Webhook-Id': MSG_ID, 'WEBHOOK-TIMESTAMP': String(TIMESTAMP), 'Webhook-Signature': [EXPECTED] };
    expect(verifyWebhook({ secret: SECRET, headers: upper, body: PAYLOAD, now: AT }).id).toBe(MSG_ID);
  });

  it('generates whsec_ secrets of 32 random bytes that HMAC like the spec says', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
    const manual = createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
      .update(`a.1.b`)
      .digest('base64');
    expect(signWebhook({ secrets: [secret], id: 'a', timestamp: 1, body: 'b' })).toBe(`v1,${manual}`);
  });

  it('never puts the secret or a signature in the error', () => {
    try {
      verifyWebhook({ secret: SECRET, headers: headersFor('v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc='), body: PAYLOAD, now: AT });
      expect.unreachable();
    } catch (error) {
      const text = JSON.stringify(error) + String(error);
      expect(text).not.toContain(SECRET.slice(6));
      expect(text).not.toContain('Ceo5qEr07');
      expect(isWebhookVerificationError(error) && error.status).toBe(401);
    }
  });
});
