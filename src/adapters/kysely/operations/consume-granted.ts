import type { GrantedConsumeRequest, GrantedConsumeResult } from '../../../store/granted-consume.js';
import { planGranted, withLevels } from '../../../store/granted-consume.js';
import { atomicUnlessRefused, type Scope } from '../scope.js';
import { consumeAll, refusedByRead } from './consume.js';
import { readGrantFacts } from './grant-facts.js';
import { namingMissingParent } from './parents.js';
import type { QueryContext } from './query-context.js';

/** Reads the grants in the unit's transaction and plans the plain consume they give. */
async function plan(ctx: QueryContext, request: GrantedConsumeRequest) {
  return planGranted(request, await readGrantFacts(ctx, request.tenantId));
}

/**
 * `Store.consumeGranted` on every dialect: one transaction (a savepoint
 * inside the caller's) that reads the tenant's grants in one statement
 * ({@link readGrantFacts}), derives the limits
 * and runs `consume`'s guarded writes, so the limits are those of the
 * grants the writes commit with. PostgreSQL outside a transaction takes the
 * one-statement path of {@link ConsumeGrantedStatement} instead.
 */
export function consumeGranted(scope: Scope, request: GrantedConsumeRequest, oneStatement?: ConsumeGrantedStatement): Promise<GrantedConsumeResult> {
  const features = request.levels.map((level) => level.featureKey);
  return namingMissingParent(scope, request.tenantId, features, async () => {
    if (oneStatement !== undefined && scope.transaction === undefined) return retriedOnDeadlock(scope, () => oneStatement(scope, request));
    return atomicUnlessRefused<GrantedConsumeResult>(
      scope,
      async (ctx, refuse) => {
        const planned = await plan(ctx, request);
        if (planned.outcome !== 'plan') return planned;
        const result = await consumeAll(ctx, planned.request, (refused) => refuse(withLevels(refused, planned.levels)));
        return withLevels(result, planned.levels);
      },
      async (ctx) => {
        const planned = await plan(ctx, request);
        if (planned.outcome !== 'plan') return planned;
        const refused = await refusedByRead(ctx, planned.request);
        return refused === undefined ? undefined : withLevels(refused, planned.levels);
      },
    );
  });
}

/** How often a single statement chosen as a deadlock victim is sent in all. */
const DEADLOCK_ATTEMPTS = 10;

/**
 * Sends `statement` again when the server chose it as a deadlock victim:
 * the statement was its own transaction, so nothing of it happened. Its
 * counters are locked in the global order, so only a writer taking them in
 * another order (a provisioning change shifting usage) can deadlock with it.
 */
async function retriedOnDeadlock<T>(scope: Scope, statement: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await statement();
    } catch (error) {
      if (attempt >= DEADLOCK_ATTEMPTS || !scope.dialect.isDeadlock(error)) throw error;
    }
  }
}

/** A dialect's single-statement `consumeGranted` outside a transaction. */
export type ConsumeGrantedStatement = (scope: Scope, request: GrantedConsumeRequest) => Promise<GrantedConsumeResult>;
