import { describe, expect, expectTypeOf, it } from 'vitest';
import { systemActor, type CapabilityOf, type DenialEvent } from 'tenantry';
import {
  actionState,
  can,
  check,
  InvalidSnapshotError,
  isInvalidSnapshotError,
  parseSnapshot,
  UnknownCapabilityError,
  type ClientSnapshot,
} from 'tenantry/client';
import { capabilities, setup, tenantWith, type Capability } from '../../support/catalog.js';

async function world() {
  const denials: DenialEvent[] = [];
  const { tenantry, store } = setup({ onDenied: (event) => denials.push(event), formatDisabledReason: ({ role }) => `Ask an owner (${role}).` });
  const tenantId = await tenantWith(tenantry, 'olivia', { mia: 'manager', ravi: 'readonly' });
  store.reset();
  return { tenantry, store, tenantId, denials };
}

describe('scope.snapshot()', () => {
  it('is a small versioned JSON object: role, the catalog in bit order, the granted bitset and the requested action states', async () => {
    const { tenantry, tenantId } = await world();
    const snapshot = await tenantry.forRequest({ userId: 'ravi' }).snapshot(tenantId, { actions: ['billing.manage', 'project.read'] });
    // readonly: tenant.read (bit 0) and project.read (bit 5).
    expect(snapshot).toEqual({
      v: 1,
      tenantId,
      role: 'readonly',
      capabilities: capabilities.all(),
      granted: [0b100001],
      stepUp: [0],
      actions: {
        'billing.manage': { visible: true, disabled: true, reason: 'Ask an owner (readonly).' },
        'project.read': { visible: true, disabled: false, reason: null },
      },
    });
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it('costs one lookup, shared with the checks of the same scope, and fires no denial for a capability the role lacks', async () => {
    const { tenantry, tenantId, store, denials } = await world();
    const scope = tenantry.forRequest({ userId: 'ravi' });
    await scope.snapshot(tenantId, { actions: ['billing.manage'] });
    expect(await scope.can(tenantId, 'project.read')).toBe(true);
    expect(store.total()).toBe(1);
    expect(denials).toEqual([]);
  });

  it('answers a non-member, an unknown tenant and a malformed id with the same NotFoundError and one membership denial', async () => {
    const { tenantry, tenantId, denials } = await world();
    for (const id of [tenantId, '00000000-0000-4000-8000-000000000000', 'not a tenant id']) {
      await expect(tenantry.forRequest({ userId: 'stranger' }).snapshot(id)).rejects.toMatchObject({ code: 'not_found', status: 404 });
    }
    expect(denials.map((event) => [event.capability, event.status])).toEqual([
      [null, 404],
      [null, 404],
      [null, 404],
    ]);
  });

  it('refuses an undeclared action before touching storage, and malformed options as a ValidationError', async () => {
    const { tenantry, tenantId, store } = await world();
    const scope = tenantry.forRequest({ userId: 'ravi' });
    await expect(scope.snapshot(tenantId, { actions: ['billing.steal' as Capability] })).rejects.toBeInstanceOf(UnknownCapabilityError);
    await expect(scope.snapshot(tenantId, { actions: 'billing.read' } as never)).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(scope.snapshot(tenantId, { actions: [], extra: true } as never)).rejects.toMatchObject({ code: 'validation_failed' });
    expect(store.total()).toBe(0);
  });

  it('gives a system actor every capability and no role', async () => {
    const { tenantry, tenantId } = await world();
    const snapshot = await tenantry.as(systemActor('ops')).snapshot(tenantId);
    expect(snapshot.role).toBeNull();
    expect(capabilities.all().every((capability) => can(snapshot, capability))).toBe(true);
  });
});

describe('tenantry/client', () => {
  it('decides from the bits: can, check and actionState (default tooltip for actions the server did not render)', async () => {
    const { tenantry, tenantId } = await world();
    const snapshot = parseSnapshot<Capability>(JSON.stringify(await tenantry.forRequest({ userId: 'mia' }).snapshot(tenantId)));
    expect(can(snapshot, 'billing.read')).toBe(true);
    expect(can(snapshot, 'billing.manage')).toBe(false);
    expect(check(snapshot, 'billing.manage')).toEqual({ allowed: false, status: 403, reason: 'missing_capability', capability: 'billing.manage', tenantId });
    expect(actionState(snapshot, 'billing.manage')).toEqual({
      visible: true,
      disabled: true,
      reason: 'Your role (manager) does not allow this action (requires "billing.manage").',
    });
    expect(() => can(snapshot, 'billing.steal' as Capability)).toThrow(UnknownCapabilityError);
  });

  it('types capabilities from the server catalog', () => {
    type Snapshot = ClientSnapshot<CapabilityOf<typeof capabilities>>;
    expectTypeOf<Parameters<typeof can<Capability>>[1]>().toEqualTypeOf<Capability>();
    const typed = (snapshot: Snapshot) => {
      // @ts-expect-error an undeclared capability is a compile error
      can(snapshot, 'billing.steal');
      return can(snapshot, 'billing.read');
    };
    expect(typeof typed).toBe('function');
  });

  const valid = { v: 1, tenantId: 't1', role: 'r', capabilities: ['a.b', 'c.d'], granted: [1], stepUp: [0], actions: {} };

  it.each([
    ['not JSON', '{', ''],
    ['not an object', '[]', ''],
    ['null', null, ''],
    ['another version', { ...valid, v: 2 }, 'v'],
    ['no tenant id', { ...valid, tenantId: '' }, 'tenantId'],
    ['a numeric role', { ...valid, role: 3 }, 'role'],
    ['an empty catalog', { ...valid, capabilities: [], granted: [] }, 'capabilities'],
    ['a capability name the server would refuse', { ...valid, capabilities: ['a.b', '__proto__'] }, 'capabilities'],
    ['a duplicate capability', { ...valid, capabilities: ['a.b', 'a.b'] }, 'capabilities'],
    ['a bit past the catalog', { ...valid, granted: [0b100] }, 'granted'],
    ['a word too many', { ...valid, granted: [1, 0] }, 'granted'],
    ['a fractional word', { ...valid, granted: [0.5] }, 'granted'],
    ['a negative word', { ...valid, stepUp: [-1] }, 'stepUp'],
    ['an action for an undeclared capability', { ...valid, actions: { 'x.y': { visible: true, disabled: false, reason: null } } }, 'actions'],
    ['a malformed action state', { ...valid, actions: { 'a.b': { visible: 'yes', disabled: false, reason: null } } }, 'actions'],
    ['inherited-looking keys', { ...valid, actions: JSON.parse('{"__proto__": {"visible": true, "disabled": false, "reason": null}}') as unknown }, 'actions'],
  ])('parseSnapshot refuses %s with InvalidSnapshotError naming the field', (_label, input, field) => {
    let thrown: unknown;
    try {
      parseSnapshot(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidSnapshotError);
    expect(isInvalidSnapshotError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: 'invalid_snapshot', status: 400, field });
  });

  it('parseSnapshot accepts 32 capabilities with every bit set, and returns a frozen copy', () => {
    const names = Array.from({ length: 32 }, (_, i) => `c.n${i}`);
    const snapshot = parseSnapshot({ ...valid, capabilities: names, granted: [0xffffffff] });
    expect(names.every((name) => can(snapshot, name))).toBe(true);
    expect(Object.isFrozen(snapshot) && Object.isFrozen(snapshot.granted)).toBe(true);
  });
});
