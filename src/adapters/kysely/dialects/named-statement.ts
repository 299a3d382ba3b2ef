/**
 * The text of a statement as a `pg` query config (`{ name, text }`), so that
 * `pg` prepares it once per connection and afterwards only binds and
 * executes it, skipping PostgreSQL's parse and plan on every call.
 *
 * Kysely's `PostgresDialect` hands `compiledQuery.sql` to
 * `client.query(sql, values)` unchanged, and `pg` treats any non-string
 * first argument as a query config. Kysely offers no other way to name a
 * statement, so the text travels as a small object carrying `name` and
 * `text` whose `toString()` is the text: to `pg` it is a named query; to
 * whatever only prints or matches it (Kysely's `log` event, `String(sql)`,
 * a regular expression) it is the same SQL. It is not a primitive string
 * (`typeof` says `'object'`), which is why a store can turn this off
 * (`kyselyStore(db, { preparedStatements: false })`: a PostgreSQL driver
 * other than `pg` that insists on a string, or a transaction-mode pooler
 * such as PgBouncer before 1.21 that cannot keep a prepared statement across
 * transactions).
 *
 * A plain object, not a `String` object: `pg` copies the config with
 * `Object.getOwnPropertyDescriptors`, and a `String` object has one own
 * property per character. A new object per call, because older `pg`
 * versions write the values onto the config they are given.
 *
 * `name` must be unique per distinct text on a connection (`pg` refuses a
 * name reused for another text), so callers derive it from everything the
 * text depends on (the table prefix).
 */
export function pgNamedStatement(name: string, text: string): string {
  return new NamedStatementText(name, text) as unknown as string;
}

/** A `pg` query config that reads as its SQL text. */
class NamedStatementText {
  constructor(
    readonly name: string,
    readonly text: string,
  ) {}

  toString(): string {
    return this.text;
  }
}
