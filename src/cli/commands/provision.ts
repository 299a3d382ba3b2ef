import { CLI_ACTOR, optionalFlag, stringFlag, TENANT_FLAG, type Command } from '../command.js';
import { parseChoiceFlag, parseDateFlag } from '../parse-values.js';

/** `tenantry provision --tenant <id> --package <key> [--cycle-anchor <iso>]`: assigns a package, audited as the `system:cli` actor. */
export const provisionCommand: Command = {
  name: 'provision',
  summary: 'Assign a package to a tenant (audited as system:cli).',
  flags: {
    tenant: TENANT_FLAG,
    package: { type: 'string', value: '<package>', description: 'The package key from the config catalog.', required: true },
    'cycle-anchor': { type: 'string', value: '<iso-date>', description: 'Billing-cycle anchor to set with the assignment.' },
  },
  async run(context) {
    const tenantry = await context.tenantry();
    const cycleAnchor = parseDateFlag('cycle-anchor', optionalFlag(context, 'cycle-anchor'));
    const assignment = await tenantry.as(CLI_ACTOR).provisioning.assignPackage({
      tenantId: stringFlag(context, 'tenant'),
      packageKey: stringFlag(context, 'package'),
      ...(cycleAnchor === undefined ? {} : { cycleAnchor }),
    });
    if (context.json) context.io.out(`${JSON.stringify(assignment)}\n`);
    else context.io.out(`Assigned ${assignment.packageKey} to tenant ${assignment.tenantId}.\n`);
  },
};

/** `tenantry change-package --tenant --from --to [--usage carry|reset] [--cycle-anchor]`: one atomic, audited plan change. */
export const changePackageCommand: Command = {
  name: 'change-package',
  summary: 'Change a tenant from one package to another in one transaction.',
  flags: {
    tenant: TENANT_FLAG,
    from: { type: 'string', value: '<package>', description: 'The package the tenant has now.', required: true },
    to: { type: 'string', value: '<package>', description: 'The package it gets.', required: true },
    usage: { type: 'string', value: 'carry|reset', description: "What happens to the current window's usage (default carry)." },
    'cycle-anchor': { type: 'string', value: '<iso-date>', description: 'New billing-cycle anchor.' },
  },
  async run(context) {
    const tenantry = await context.tenantry();
    const cycleAnchor = parseDateFlag('cycle-anchor', optionalFlag(context, 'cycle-anchor'));
    const change = await tenantry.as(CLI_ACTOR).provisioning.changePackage({
      tenantId: stringFlag(context, 'tenant'),
      from: stringFlag(context, 'from'),
      to: stringFlag(context, 'to'),
      usage: parseChoiceFlag('usage', optionalFlag(context, 'usage'), ['carry', 'reset'] as const) ?? 'carry',
      ...(cycleAnchor === undefined ? {} : { cycleAnchor }),
    });
    if (context.json) context.io.out(`${JSON.stringify(change)}\n`);
    else context.io.out(`Changed tenant ${stringFlag(context, 'tenant')} from ${stringFlag(context, 'from')} to ${stringFlag(context, 'to')}.\n`);
  },
};
