import { describe, it } from 'vitest';
import { runStoreConformance } from 'tenantry/testing';
import { DATABASE_NAMES, describeDatabases } from '../support/databases.js';
import { describeRoutedDatabases, ROUTED_DATABASES, type RoutedDatabaseName } from '../support/routed-databases.js';

await describeDatabases(DATABASE_NAMES, (database) => {
  runStoreConformance({
    name: 'Store conformance',
    createStore: () => database.store(),
    describe,
    it,
  });
});

// The same suite on a routed store over two databases (one per region).
await describeRoutedDatabases(Object.keys(ROUTED_DATABASES) as RoutedDatabaseName[], (database) => {
  runStoreConformance({
    name: 'Store conformance',
    createStore: () => database.store(),
    describe,
    it,
  });
});
