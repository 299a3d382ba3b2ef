#!/usr/bin/env node
/**
 * The `tenantry` executable: migrations, provisioning, usage, audit export
 * and retention from the command line (docs/cli.md).
 */
import { processIo } from './cli-io.js';
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
