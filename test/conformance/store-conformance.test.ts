import { describe, it } from 'vitest';
import { runStoreConformance } from 'tenantry/testing';
import { DATABASE_NAMES, describeDatabases } from '../support/databases.js';

await describeDatabases(DATABASE_NAMES, (database) => {
  runStoreConformance({
    name: 'Store conformance',
    createStore: () => database.store(),
    describe,
    it,
  });
});
