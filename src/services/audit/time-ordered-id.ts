const hex = (value: number, width: number) => value.toString(16).padStart(width, '0');

/**
 * Returns a generator of UUIDv7 ids (RFC 9562): 48 bits of Unix milliseconds,
 * then randomness. Ids from one generator are strictly increasing, even
 * within one millisecond (a 12-bit sequence in `rand_a` is bumped, borrowing
 * the next millisecond when it overflows, and a clock that goes backwards is
 * ignored), so sorting audit entries by id sorts them by creation, which the
 * audit log's keyset pagination relies on.
 */
export function timeOrderedIdGenerator(now: () => number = Date.now): () => string {
  // Per generator, not per process: each tenantry instance has one, shared by
  // all its services (memberships, provisioning) so their entries sort in
  // creation order, and no test or instance depends on another's history.
  const state = { lastMs: -1, sequence: 0 };
  return () => {
    let ms = now();
    if (ms <= state.lastMs) {
      ms = state.lastMs;
      state.sequence += 1;
      if (state.sequence > 0xfff) {
        ms += 1;
        state.sequence = 0;
      }
    } else {
      state.sequence = 0;
    }
    state.lastMs = ms;
    const random = globalThis.crypto.getRandomValues(new Uint8Array(8));
    const time = hex(ms, 12);
    const tail = [...random.subarray(1)].map((byte) => hex(byte, 2)).join('');
    const variant = hex(((random[0] ?? 0) & 0x3f) | 0x80, 2);
    return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex(state.sequence, 3)}-${variant}${tail.slice(0, 2)}-${tail.slice(2, 14)}`;
  };
}
