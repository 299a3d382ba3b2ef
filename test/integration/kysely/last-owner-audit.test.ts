import { it } from 'vitest';
import { kyselyStore } from '../../../src/kysely.js';
import { describeSqlDatabases } from '../../support/databases.js';
import { raceOwners, tenantries, type OwnerRaceFigures } from './support/owner-race.js';

/**
 * Owners demoting and removing each other concurrently through the public
 * API on real databases: every tenant keeps an owner, and the audit log
 * (written in each change's own transaction) has one `role_change` or
 * `remove` entry per applied change, one `last_owner_blocked` entry per
 * last-owner refusal, one `denied` entry per `ForbiddenError` (an owner
 * demoted before its own operation ran), nothing for `NotFoundError`. Fixed seeds (override
 * with TENANTRY_STRESS_SEED); figures are attached as annotations.
 */
const SEED = Number(process.env.TENANTRY_STRESS_SEED ?? 20240301);
const RUNS = 3;
const TENANTS = 8;

const describeRun = (run: number, f: OwnerRaceFigures) =>
  `run ${run + 1} (seed ${SEED + run}): ${f.tenants} tenants, ${f.operations} operations: ${f.applied} applied, ${f.blocked} last_owner_blocked, ${f.refused} refused (not_found/forbidden); owners left per tenant ${f.ownersLeft}`;

await describeSqlDatabases(['postgres', 'mysql'], (database) => {
  it('keeps an owner in every tenant and audits every change and refusal, 16 pooled connections', async ({ annotate }) => {
    const store = kyselyStore(database.connect({ maxConnections: 16 }));
    const instances = tenantries([store]);
    for (let run = 0; run < RUNS; run += 1) await annotate(describeRun(run, await raceOwners(instances, [store], TENANTS, SEED + run)), 'figures');
  }, 60_000);
});

await describeSqlDatabases(['sqlite-file'], (database) => {
  it('keeps an owner in every tenant and audits every change and refusal, 8 connections on one file', async ({ annotate }) => {
    const stores = Array.from({ length: 8 }, () => kyselyStore(database.connect()));
    const instances = tenantries(stores);
    for (let run = 0; run < RUNS; run += 1) await annotate(describeRun(run, await raceOwners(instances, stores, TENANTS, SEED + run)), 'figures');
  }, 60_000);
});
