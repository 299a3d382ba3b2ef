import type { StoreDialect, StoreQueries } from '../dialects/store-dialect.js';
import type { TableNames } from '../tables.js';

/** What every query function needs: where to run, how the dialect differs, and the table names. */
export interface QueryContext {
  /** The host's Kysely instance, or one bound to the connection of the current transaction. */
  readonly q: StoreQueries;
  readonly dialect: StoreDialect;
  readonly tables: TableNames;
}
