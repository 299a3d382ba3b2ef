import { NotFoundError } from '../../core/errors/index.js';

/**
 * The host's user directory (`createTenantry({ users })`): which user ids
 * exist. tenantry never creates users; with this port it also refuses to
 * add a membership for one that does not exist.
 */
export interface UsersPort {
  /**
   * The subset of `userIds` that exist, in any order (one batched lookup:
   * a bulk add asks once). Ids not returned are unknown users.
   */
  exists(userIds: readonly string[]): Promise<Iterable<string>>;
}

/** {@link UsersPort} as the services use it. */
export class UserDirectory {
  readonly #port: UsersPort;

  constructor(port: UsersPort) {
    this.#port = port;
  }

  /**
   * Resolves when every id exists; throws `NotFoundError` (entity `user`)
   * naming none of them otherwise (a user id may be personal data).
   */
  async assertExist(userIds: readonly string[]): Promise<void> {
    (await this.check(userIds))();
  }

  /**
   * Asks the directory once, and resolves with the verdict to apply later:
   * a function that returns when every id exists and throws `NotFoundError`
   * (entity `user`) otherwise. Services ask before the write's transaction
   * opens (a slow directory never holds a tenant lock) and apply the verdict
   * after the actor's authorization inside it, so that a non-member cannot
   * use the answer to probe which users exist.
   */
  async check(userIds: readonly string[]): Promise<() => void> {
    const wanted = [...new Set(userIds)];
    if (wanted.length === 0) return () => undefined;
    const found = new Set(await this.#port.exists(wanted));
    const unknown = wanted.some((userId) => !found.has(userId));
    return () => {
      if (unknown) throw new NotFoundError('User not found.', { entity: 'user' });
    };
  }
}
