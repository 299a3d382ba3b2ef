import type { IdempotentResponseRecord } from '../../src/store/idempotent-response-operations.js';
import { patched, pause } from './store-mutants.js';

const EPOCH = new Date(0);

/** The body through a UTF-8 string and back: what a text column does to bytes that are not UTF-8. */
function throughText(response: IdempotentResponseRecord): IdempotentResponseRecord {
  return response.body === null ? response : { ...response, body: new TextEncoder().encode(new TextDecoder().decode(response.body)) };
}

/** Mutants of the stored-response cases (`idempotent-response-cases.ts`). */
export const RESPONSE_MUTANTS = {
  'a response saved on an idempotency record reads back byte for byte, headers in order; pending before, first save wins': patched((ops) => ({
    saveIdempotentResponse: (save) => ops.saveIdempotentResponse({ ...save, response: throughText(save.response) }),
  })),
  'an idempotent response is saved onto, and read from, only the live record of its key and fingerprint': patched((ops) => ({
    // Expiry ignored: a record past its TTL still takes the response.
    saveIdempotentResponse: (save) => ops.saveIdempotentResponse({ ...save, now: EPOCH }),
  })),
  'an idempotent response over the cap is kept as a null body, and a 1 MiB body round-trips': patched((ops) => ({
    // A 64 KiB column: longer bodies come back cut.
    saveIdempotentResponse: (save) =>
      ops.saveIdempotentResponse({ ...save, response: { ...save.response, body: save.response.body?.slice(0, 64 * 1024) ?? new Uint8Array() } }),
  })),
  'an idempotent response expires with its record, goes when the key is taken over, and is pruned with it': patched((ops) => ({
    readIdempotentResponse: (lookup) => ops.readIdempotentResponse({ ...lookup, now: EPOCH }),
  })),
  'deleting a tenant deletes its stored idempotent responses': patched((ops) => {
    // Responses in a table of their own that tenant deletion forgets.
    const kept = new Map<string, IdempotentResponseRecord>();
    return {
      async saveIdempotentResponse(save) {
        const result = await ops.saveIdempotentResponse(save);
        if (result === 'saved') kept.set(`${save.tenantId}\u0000${save.key}`, save.response);
        return result;
      },
      async readIdempotentResponse(lookup) {
        const read = await ops.readIdempotentResponse(lookup);
        const response = kept.get(`${lookup.tenantId}\u0000${lookup.key}`);
        return read.state === 'none' && response !== undefined ? { state: 'stored', response } : read;
      },
    };
  }),
  'of 16 concurrent saves of one idempotent response exactly one is saved': patched((ops) => ({
    // Read, then write: every save that read "pending" believes it won.
    async saveIdempotentResponse(save) {
      const before = await ops.readIdempotentResponse(save);
      await pause();
      const result = await ops.saveIdempotentResponse(save);
      return before.state === 'pending' ? 'saved' : result;
    },
  })),
} as const;
