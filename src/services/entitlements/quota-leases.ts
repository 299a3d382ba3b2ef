import { counterCeiling, type CounterChange, type CounterTarget, type LeaseRecord, type Store } from '../../store/index.js';
import type { Effects } from '../effects/effects.js';

/** The lease policy of one feature (validated by the options schema). */
export interface LeasePolicy {
  /** Units taken per lease (a larger consumption takes a lease of its own amount). */
  readonly size: number;
  /** How long a lease row lives; any instance may reclaim it afterwards. */
  readonly maxHoldMs: number;
  /** How often the holder looks at its leases (returns those past their serving time); also the hold of a lease taken from a low pool. */
  readonly checkpointMs: number;
}

/** Wiring of {@link QuotaLeases}. */
export interface QuotaLeaseDependencies {
  readonly store: Store;
  /** Lease policies by feature key. */
  readonly policies: ReadonlyMap<string, LeasePolicy>;
  /** This instance's id in the lease rows. */
  readonly holderId: string;
  readonly now: () => Date;
  readonly generateId: () => string;
  readonly effects: Effects;
  /** Whether a timer calls {@link QuotaLeases.tick} every `checkpointMs` (default `true`; tests drive it themselves). */
  readonly autoTick?: boolean;
}

/** A consumption served from a lease: the usage of each level before it (this instance's view). */
export interface LeaseServed {
  readonly used: readonly number[];
  /** The counter changes of the lease this call acquired (for usage alerts), or `undefined` when it was served from one already held. */
  readonly acquired: readonly CounterChange[] | undefined;
}

/** A lease this instance holds. */
interface HeldLease {
  readonly record: LeaseRecord;
  /** Each counter's value before the lease was taken. */
  readonly base: readonly number[];
  /** Units served from the lease so far. */
  consumed: number;
  /** The checkpoint recorded in the row: units are served only up to it, so a crash never leaves a served unit uncounted. */
  mark: number;
  /** How far each checkpoint claims ahead of what was served (a quarter of the lease). */
  readonly step: number;
  /** The holder serves from the lease until then (epoch ms), well before the row expires. */
  readonly servingUntil: number;
  /** Set once the lease is being returned or was lost: nothing more is served from it. */
  done: boolean;
}

/** How often one consumption tries to get a lease before going to the store directly. */
const REFILL_ATTEMPTS = 3;

/**
 * Exact quota leasing for hot counters. A lease is one guarded consume of
 * `size` units through every level of the consumption plus its row, in one
 * store transaction (`acquireLease`): the units are counted as used from
 * that moment, so the counters never overshoot whatever this instance does
 * next, crash included. Consumptions are then served from the lease in
 * memory, with no await between the check and the count.
 *
 * The checkpoint is written ahead: before serving past it, the holder
 * records in the row that it may serve up to a quarter of the lease more,
 * and serves only up to what the row says. The holder stops serving at half
 * of `maxHoldMs` (the other half is the margin for clock skew between
 * instances) and returns exactly the unused remainder then, on
 * {@link QuotaLeases.close}, or after `checkpointMs` when the pool ran low
 * at acquisition. A lease whose holder crashed is reclaimed after
 * `maxHoldMs` by any instance whose lease acquisition is refused:
 * `granted - checkpoint` comes back, so every unit the holder served stays
 * counted (never an overshoot), and at most the units it had claimed ahead
 * (a quarter of the lease) stay counted unused until the window resets.
 */
export class QuotaLeases {
  readonly #deps: QuotaLeaseDependencies;
  readonly #held = new Map<string, HeldLease>();
  /** One refill at a time per lease key; the others wait for it, then try the lease again. */
  readonly #refills = new Map<string, Promise<boolean>>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(deps: QuotaLeaseDependencies) {
    this.#deps = deps;
    const intervals = [...deps.policies.values()].map((policy) => policy.checkpointMs);
    if (intervals.length > 0 && deps.autoTick !== false) {
      this.#timer = setInterval(
        () => {
          void this.tick();
        },
        Math.min(...intervals),
      );
      // The timer must never keep the host's process alive.
      this.#timer.unref();
    }
  }

  /** The lease policy of `featureKey`, if it is leased. */
  policyOf(featureKey: string): LeasePolicy | undefined {
    return this.#closed ? undefined : this.#deps.policies.get(featureKey);
  }

  /**
   * Serves `amount` of `featureKey` from a lease over `targets` (the levels'
   * counters with their current limits), acquiring one when needed.
   * Resolves `undefined` when no lease can serve it (the pool has less free
   * capacity than a lease, or the instance is closing): the caller then
   * consumes from the store directly, which gives the exact answer.
   */
  async consume(tenantId: string, featureKey: string, targets: readonly CounterTarget[], amount: number): Promise<LeaseServed | undefined> {
    const policy = this.policyOf(featureKey);
    if (policy === undefined) return undefined;
    const key = leaseKey(tenantId, targets);
    for (let attempt = 0; attempt < REFILL_ATTEMPTS; attempt += 1) {
      const served = this.#serve(key, amount);
      if (served !== undefined) return { used: served, acquired: undefined };
      let refill = this.#refills.get(key);
      let own = false;
      if (refill === undefined) {
        own = true;
        refill = this.#refill(key, tenantId, featureKey, targets, amount, policy).finally(() => this.#refills.delete(key));
        this.#refills.set(key, refill);
      }
      if (!(await refill)) return undefined;
      if (own) {
        const lease = this.#held.get(key);
        const used = this.#serve(key, amount);
        if (used !== undefined && lease !== undefined) return { used, acquired: changesOf(lease) };
      }
    }
    return undefined;
  }

  /**
   * Checkpoints every lease whose count moved, and returns those past their
   * serving time. Runs every `checkpointMs`; exposed so tests (and hosts
   * with their own scheduler) can drive it.
   */
  async tick(): Promise<void> {
    const nowMs = this.#deps.now().getTime();
    const work: Promise<void>[] = [];
    for (const [key, lease] of this.#held) {
      if (lease.done) continue;
      if (nowMs >= lease.servingUntil) work.push(this.#return(key, lease));
    }
    await Promise.all(work);
  }

  /** Units held in leases by this instance and not yet served. */
  outstanding(): number {
    let units = 0;
    for (const lease of this.#held.values()) if (!lease.done) units += lease.record.granted - lease.consumed;
    return units;
  }

  /** Stops serving from leases and returns every one held (exactly the unused remainder); resolves once all are returned. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await Promise.allSettled([...this.#refills.values()]);
    await Promise.all([...this.#held].map(([key, lease]) => this.#return(key, lease)));
  }

  /** Read through a method: `close()` may have run during an await of the caller. */
  #isClosed(): boolean {
    return this.#closed;
  }

  /** Counts `amount` against the held lease of `key` if it has room; the usage before, per level. Synchronous: the check and the count are one step. */
  #serve(key: string, amount: number): number[] | undefined {
    const lease = this.#held.get(key);
    if (lease === undefined || lease.done || this.#closed) return undefined;
    if (this.#deps.now().getTime() >= lease.servingUntil || lease.mark - lease.consumed < amount) return undefined;
    const before = lease.consumed;
    lease.consumed += amount;
    return lease.base.map((value) => value + before);
  }

  /**
   * Makes room for `amount` on the lease of `key`: moves the checkpoint
   * ahead when the lease itself has room, else returns it and acquires a
   * new one; resolves whether a lease with room is held.
   */
  async #refill(key: string, tenantId: string, featureKey: string, targets: readonly CounterTarget[], amount: number, policy: LeasePolicy): Promise<boolean> {
    const previous = this.#held.get(key);
    if (
      previous !== undefined &&
      !previous.done &&
      this.#deps.now().getTime() < previous.servingUntil &&
      previous.record.granted - previous.consumed >= amount
    ) {
      if (await this.#claimAhead(key, previous, amount)) return true;
    }
    if (previous !== undefined) await this.#return(key, previous);
    if (this.#closed) return false;
    const size = Math.max(policy.size, amount);
    let result = await this.#acquire(tenantId, featureKey, targets, size, policy);
    if (result === undefined) {
      // Refused: leases of crashed holders may be what fills the pool.
      const reclaimed = await this.#deps.store.reclaimLeases({ tenantId, featureKey, now: this.#deps.now() });
      if (reclaimed.length === 0) return false;
      result = await this.#acquire(tenantId, featureKey, targets, size, policy);
      if (result === undefined) return false;
    }
    if (this.#isClosed()) {
      await this.#deps.store.returnLease({ tenantId, leaseId: result.record.id, holderId: this.#deps.holderId, consumed: 0 });
      return false;
    }
    this.#held.set(key, result);
    return this.#claimAhead(key, result, amount);
  }

  /** Records a checkpoint that lets `lease` serve `amount` more (and a step beyond); resolves `false` when the lease is gone. */
  async #claimAhead(key: string, lease: HeldLease, amount: number): Promise<boolean> {
    const mark = Math.min(lease.record.granted, Math.max(lease.mark, lease.consumed + amount + lease.step));
    const { tenantId, id } = lease.record;
    let recorded: boolean;
    try {
      recorded = await this.#deps.store.checkpointLease({ tenantId, leaseId: id, holderId: this.#deps.holderId, consumed: mark });
    } catch (error) {
      // Serving past the recorded checkpoint is not allowed; the consumption goes to the store directly.
      this.#deps.effects.report('lease.checkpoint', error);
      return false;
    }
    if (!recorded) {
      // Reclaimed (the holder was too slow) or deleted with the tenant.
      this.#forget(key, lease);
      return false;
    }
    lease.mark = Math.max(lease.mark, mark);
    return true;
  }

  async #acquire(tenantId: string, featureKey: string, targets: readonly CounterTarget[], size: number, policy: LeasePolicy): Promise<HeldLease | undefined> {
    const now = this.#deps.now();
    const nowMs = now.getTime();
    const result = await this.#deps.store.acquireLease({
      id: this.#deps.generateId(),
      tenantId,
      featureKey,
      holderId: this.#deps.holderId,
      granted: size,
      counters: targets,
      now,
      expiresAt: new Date(nowMs + policy.maxHoldMs),
    });
    if (result.outcome !== 'acquired') return undefined;
    // Low pool: less free capacity than another lease at some level. Hold
    // the lease one checkpoint interval only, so the units others need come
    // back soon (an instance refused meanwhile goes to the store directly).
    const low = targets.some((target, i) => counterCeiling(target.limit) - (result.counters[i]?.after ?? 0) < size);
    const hold = low ? policy.checkpointMs : policy.maxHoldMs / 2;
    return {
      record: result.lease,
      base: result.counters.map((change) => change.before),
      consumed: 0,
      mark: 0,
      step: Math.max(1, Math.ceil(size / 4)),
      servingUntil: nowMs + hold,
      done: false,
    };
  }

  async #return(key: string, lease: HeldLease): Promise<void> {
    if (lease.done) return;
    lease.done = true;
    const { tenantId, id } = lease.record;
    try {
      await this.#deps.store.returnLease({ tenantId, leaseId: id, holderId: this.#deps.holderId, consumed: lease.consumed });
    } catch (error) {
      // Nothing is lost for the invariant: the row expires and is reclaimed (granted - checkpoint, which covers every unit served).
      this.#deps.effects.report('lease.return', error);
    } finally {
      this.#forget(key, lease);
    }
  }

  /** Drops `lease` (gone from storage, or returned). */
  #forget(key: string, lease: HeldLease): void {
    lease.done = true;
    if (this.#held.get(key) === lease) this.#held.delete(key);
  }
}

/** One lease per tenant and set of counters with their limits: a change of the grants gives new targets, so a new lease. */
function leaseKey(tenantId: string, targets: readonly CounterTarget[]): string {
  return JSON.stringify([tenantId, targets.map((t) => [t.featureKey, t.namespace, t.windowStart.getTime(), t.limit])]);
}

function changesOf(lease: HeldLease): readonly CounterChange[] {
  return lease.base.map((before) => Object.freeze({ before, after: before + lease.record.granted }));
}
