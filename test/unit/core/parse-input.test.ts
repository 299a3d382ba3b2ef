import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigurationError, ValidationError } from '../../../src/core/errors/index.js';
import { parseConfig, parseInput } from '../../../src/core/validation/parse-input.js';
import { safeIssueMessage } from '../../../src/core/validation/issue-messages.js';

const MARKUP = '<script>alert("pwned")</script>';
const SECRET = 'sk_live_0123456789abcdef';

/** Runs `parse` and returns what it threw. */
function thrown(parse: () => unknown): unknown {
  try {
    parse();
  } catch (error) {
    return error;
  }
  throw new Error('expected the parse to throw');
}

function validationError(schema: z.ZodType, value: unknown): ValidationError {
  const error = thrown(() => parseInput(schema, value, 'input'));
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

/** Everything a client could see of the error. */
const visible = (error: ValidationError) => JSON.stringify({ message: error.message, issues: error.issues });

describe('parseInput', () => {
  afterEach(() => {
    z.config(z.locales.en());
    z.config({ customError: undefined });
  });

  it('reports unknown keys on the path of their object, without naming them', () => {
    const schema = z.object({ userId: z.string(), nested: z.object({ role: z.string() }).strict() }).strict();
    const error = validationError(schema, { userId: 'u', nested: { role: 'r', [MARKUP]: 1 }, [SECRET]: 2, [`${MARKUP}2`]: 3 });
    expect(error.issues).toEqual([
      { path: ['nested'], message: 'Unknown field.' },
      { path: [], message: '2 unknown fields.' },
    ]);
    expect(error.message).toBe('Invalid input: nested: Unknown field.; 2 unknown fields.');
    expect(visible(error)).not.toContain('script');
    expect(visible(error)).not.toContain(SECRET);
  });

  it('words every issue itself, from what the schema declares, never from the value', () => {
    const schema = z
      .object({
        text: z.string().max(3),
        empty: z.string().min(1),
        count: z.number().int().min(1).max(10),
        many: z.array(z.string()).max(1),
        kind: z.enum(['a', 'b']),
        literal: z.literal('unlimited'),
        id: z.uuid(),
        shaped: z.string().regex(/^x+$/),
        either: z.union([z.number(), z.literal('all')]),
        actor: z.discriminatedUnion('type', [z.object({ type: z.literal('user') }), z.object({ type: z.literal('system') })]),
        refined: z.string().refine(() => false),
        missing: z.string(),
        step: z.number().multipleOf(5),
      })
      .strict();
    const error = validationError(schema, {
      text: `${SECRET}${MARKUP}`,
      empty: '',
      count: 11,
      many: [SECRET, MARKUP],
      kind: SECRET,
      literal: MARKUP,
      id: SECRET,
      shaped: MARKUP,
      either: SECRET,
      actor: { type: MARKUP },
      refined: SECRET,
      step: 7,
    });
    expect(Object.fromEntries(error.issues.map((issue) => [issue.path.join('.'), issue.message]))).toEqual({
      text: 'Must be at most 3 characters.',
      empty: 'Must not be empty.',
      count: 'Must be at most 10.',
      many: 'Must have at most 1 items.',
      kind: 'Expected one of "a", "b".',
      literal: 'Expected "unlimited".',
      id: 'Expected a UUID.',
      shaped: 'Invalid format.',
      either: 'Matches none of the accepted forms.',
      'actor.type': 'Expected one of "user", "system".',
      refined: 'Invalid value.',
      missing: 'Required.',
      step: 'Must be a multiple of 5.',
    });
    expect(visible(error)).not.toContain(SECRET);
    expect(visible(error)).not.toContain('script');
  });

  it("keeps a schema's own message", () => {
    const error = validationError(z.object({ role: z.string().refine(() => false, { message: 'Unknown role.' }) }), { role: SECRET });
    expect(error.issues).toEqual([{ path: ['role'], message: 'Unknown role.' }]);
    expect(error.message).toBe('Invalid input: role: Unknown role.');
  });

  it("is not swayed by a host's global zod error map or locale that echoes input", () => {
    z.config({ customError: (issue) => `echo ${JSON.stringify(issue.input)} ${JSON.stringify((issue as { keys?: unknown }).keys)}` });
    const schema = z.object({ name: z.string().max(2) }).strict();
    const echoed = schema.safeParse({ name: SECRET, [MARKUP]: 1 });
    expect(JSON.stringify(echoed.error?.issues)).toContain(SECRET); // the host's map is live...
    const error = validationError(schema, { name: SECRET, [MARKUP]: 1 });
    expect(visible(error)).not.toContain(SECRET); // ...but does not reach our issues
    expect(visible(error)).not.toContain('script');
    z.config({ customError: undefined });
    z.config(z.locales.de());
    expect(validationError(schema, { name: 'abc' }).issues).toEqual([{ path: ['name'], message: 'Must be at most 2 characters.' }]);
  });

  it('safeIssueMessage never quotes an unknown key or the input, for every issue code zod raises', () => {
    const inputs: unknown[] = [SECRET, MARKUP, 42, null, { [MARKUP]: SECRET }, [SECRET]];
    const schemas: z.ZodType[] = [
      z.string().max(1),
      z.number(),
      z.object({}).strict(),
      z.record(z.enum(['a']), z.string()),
      z.map(z.string().max(1), z.string()),
      z.set(z.string().max(1)),
      z.union([z.literal('x'), z.number()]),
      z.string().startsWith('a').endsWith('b').includes('c'),
      z.email(),
    ];
    for (const schema of schemas) {
      for (const input of inputs) {
        const result = schema.safeParse(input, { error: safeIssueMessage });
        if (result.success) continue;
        const messages = result.error.issues.map((issue) => issue.message).join(' ');
        expect(messages).not.toContain(SECRET);
        expect(messages).not.toContain('script');
      }
    }
  });
});

describe('parseConfig', () => {
  it('names unknown options, JSON-quoted, since configuration is the host code', () => {
    const error = thrown(() => parseConfig(z.object({ max: z.number() }).strict(), { max: 1, mxa: 2, 'bad\nkey': 3 }, 'cache options'));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).message).toBe('Invalid cache options: Unknown options "mxa", "bad\\nkey".');
  });
});
