import type { z } from 'zod';

/** Type names a schema can expect, in the words of our messages. Anything else gets a generic message. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  bigint: 'a bigint',
  date: 'a date',
  array: 'an array',
  object: 'an object',
  function: 'a function',
  null: 'null',
  undefined: 'nothing',
};

/** String formats whose name we can say; a regex or any other format is just "invalid format". */
const FORMAT_NAMES: Readonly<Record<string, string>> = {
  uuid: 'a UUID',
  guid: 'a GUID',
  datetime: 'an ISO date-time',
  date: 'an ISO date',
};

type RawIssue = z.core.$ZodRawIssue;

function sizeMessage(issue: RawIssue & { readonly code: 'too_big' | 'too_small' }): string {
  const big = issue.code === 'too_big';
  const bound = big ? (issue as { maximum?: unknown }).maximum : (issue as { minimum?: unknown }).minimum;
  // Bounds come from our schemas; a non-numeric one would be a schema of ours we do not know how to phrase.
  if (typeof bound !== 'number' && typeof bound !== 'bigint') return big ? 'Too big.' : 'Too small.';
  const exclusive = issue.inclusive === false;
  const word = big ? (exclusive ? 'less than' : 'at most') : exclusive ? 'more than' : 'at least';
  switch (issue.origin) {
    case 'string':
      if (!big && !exclusive && Number(bound) === 1) return 'Must not be empty.';
      return `Must be ${word} ${bound} characters.`;
    case 'array':
    case 'set':
      return `Must have ${word} ${bound} items.`;
    case 'number':
    case 'int':
    case 'bigint':
      return `Must be ${word} ${bound}.`;
    default:
      return big ? 'Too big.' : 'Too small.';
  }
}

function literal(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Our message for a zod issue that its schema did not word itself. Built only
 * from what the schema declares (expected types, bounds, literal options,
 * discriminator values), never from the input: no value and no key name of
 * the input is ever quoted. Unknown keys are reported as "Unknown field." on
 * the path of the object that has them.
 *
 * Passed as the per-parse error map, it outranks the zod locale and any
 * global `z.config({ customError })` a host may set, so neither can make an
 * issue echo input either.
 */
export function safeIssueMessage(issue: RawIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'Required.';
      const expected = TYPE_NAMES[issue.expected];
      return expected === undefined ? 'Invalid type.' : `Expected ${expected}.`;
    }
    case 'too_big':
    case 'too_small':
      return sizeMessage(issue);
    case 'invalid_format': {
      const name = FORMAT_NAMES[issue.format];
      return name === undefined ? 'Invalid format.' : `Expected ${name}.`;
    }
    case 'not_multiple_of':
      return `Must be a multiple of ${issue.divisor}.`;
    case 'invalid_value':
      // The accepted literals are ours (z.literal, z.enum), not the input's.
      return issue.values.length === 1 ? `Expected ${literal(issue.values[0])}.` : `Expected one of ${issue.values.map(literal).join(', ')}.`;
    case 'unrecognized_keys':
      return issue.keys.length === 1 ? 'Unknown field.' : `${issue.keys.length} unknown fields.`;
    case 'invalid_union':
      if (Array.isArray(issue.options) && issue.options.length > 0) return `Expected one of ${issue.options.map(literal).join(', ')}.`;
      return 'Matches none of the accepted forms.';
    case 'invalid_key':
      return 'Invalid key.';
    case 'invalid_element':
      return 'Invalid element.';
    default:
      return 'Invalid value.';
  }
}

/**
 * Like {@link safeIssueMessage}, but names unknown keys: for configuration,
 * which is the host's own code, not a client's input, and where saying which
 * option is wrong is the point. Keys are JSON-quoted, so control characters
 * in them are escaped.
 */
export function configIssueMessage(issue: RawIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `Unknown option${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}.`;
  }
  return safeIssueMessage(issue);
}
