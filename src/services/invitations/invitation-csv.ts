import { ValidationError } from '../../core/errors/index.js';

/** One data row of an invitation CSV, as text. `undefined` fields: the row was malformed. */
export interface CsvInvitationRow {
  readonly email: string;
  readonly role: string;
}

/** Longest CSV text accepted, in UTF-16 code units (about 2 MB). */
export const MAX_CSV_LENGTH = 2_000_000;

/**
 * Parses invitation CSV strictly: a header line that is exactly
 * `email,role` (a UTF-8 BOM is allowed before it), then one record per line
 * (`\n` or `\r\n`), each exactly two fields. A field is either bare (no
 * quote, comma or line break) or quoted RFC 4180 style (`"..."` with `""`
 * for a quote). Line breaks inside quotes, stray quotes and a wrong number
 * of fields make that row `malformed` (reported, never skipped); blank lines
 * are ignored. A missing or different header, or text over
 * {@link MAX_CSV_LENGTH}, is a `ValidationError` for the whole call.
 */
export function parseInvitationCsv(text: string): readonly (CsvInvitationRow | 'malformed')[] {
  if (text.length > MAX_CSV_LENGTH) throw csvError('The CSV text is too long.');
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0] !== 'email,role') throw csvError('The first line must be the header "email,role".');
  const rows: (CsvInvitationRow | 'malformed')[] = [];
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const fields = splitRecord(line);
    rows.push(fields?.length === 2 ? { email: fields[0] as string, role: fields[1] as string } : 'malformed');
  }
  return rows;
}

/** The fields of one record, or `undefined` when it breaks the quoting rules. */
function splitRecord(line: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) return undefined;
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
        } else {
          i = quote + 1;
          break;
        }
      }
      fields.push(value);
    } else {
      const comma = line.indexOf(',', i);
      const value = comma < 0 ? line.slice(i) : line.slice(i, comma);
      if (value.includes('"')) return undefined;
      fields.push(value);
      i = comma < 0 ? line.length : comma;
    }
    if (i === line.length) return fields;
    if (line[i] !== ',') return undefined;
    i += 1;
  }
}

function csvError(message: string): ValidationError {
  return new ValidationError(`Invalid invitation CSV: ${message}`, [{ path: ['rows'], message }]);
}
