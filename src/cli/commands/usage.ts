import type { PackageChangeSimulation } from '../../index.js';
import { CLI_ACTOR, optionalFlag, stringFlag, TENANT_FLAG, type Command } from '../command.js';

/** `tenantry usage --tenant <id> [--namespace <ns>] [--json]`: the tenant's usage report. */
export const usageCommand: Command = {
  name: 'usage',
  summary: "Print a tenant's usage per limit feature.",
  flags: {
    tenant: TENANT_FLAG,
    namespace: { type: 'string', value: '<namespace>', description: 'Report one namespace instead of the tenant pool.' },
  },
  async run(context) {
    const tenantry = await context.tenantry();
    const namespace = optionalFlag(context, 'namespace');
    const report = await tenantry.as(CLI_ACTOR).usage.report({ tenantId: stringFlag(context, 'tenant'), ...(namespace === undefined ? {} : { namespace }) });
    if (context.json) {
      context.io.out(`${JSON.stringify(report)}\n`);
      return;
    }
    const rows = report.features.map((feature) => [
      feature.featureKey,
      feature.enabled ? `${feature.used} / ${feature.limit}` : 'not enabled',
      feature.enabled ? `${feature.remaining} left` : '',
      feature.windowEnd === null ? 'gauge' : `window ends ${feature.windowEnd.toISOString()}`,
    ]);
    context.io.out(table(rows));
  },
};

/** `tenantry simulate --tenant <id> --package <key>[,<key>...]`: what the tenant would have on those packages, without writing. */
export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Show what a tenant would gain, lose or exceed on other packages (writes nothing).',
  flags: {
    tenant: TENANT_FLAG,
    package: { type: 'string', value: '<package>[,<package>...]', description: 'The proposed packages, comma-separated.', required: true },
  },
  async run(context) {
    const tenantry = await context.tenantry();
    const packageKeys = stringFlag(context, 'package')
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== '');
    const simulation = await tenantry.as(CLI_ACTOR).usage.simulate({ tenantId: stringFlag(context, 'tenant'), packageKeys });
    if (context.json) {
      context.io.out(`${JSON.stringify(simulation)}\n`);
      return;
    }
    const describe = (state: PackageChangeSimulation['features'][number]['current']) =>
      !state.enabled ? 'off' : state.kind === 'limit' ? String(state.limit) : 'on';
    const rows = simulation.features.map((feature) => [
      feature.featureKey,
      `${describe(feature.current)} -> ${describe(feature.proposed)}`,
      feature.over ? `OVER (used ${feature.used})` : '',
    ]);
    context.io.out(table(rows));
    if (simulation.over.length > 0) context.io.out(`Over the proposed limits: ${simulation.over.join(', ')}\n`);
  },
};

/** Left-aligned columns separated by two spaces. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows.reduce<number[]>((acc, row) => row.map((cell, index) => Math.max(acc[index] ?? 0, cell.length)), []);
  return (
    rows
      .map((row) =>
        row
          .map((cell, index) => cell.padEnd(widths[index] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
