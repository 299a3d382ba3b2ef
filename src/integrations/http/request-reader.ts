/** How the shared HTTP flows read a framework's request. */
export interface RequestReader<Request> {
  /** A route parameter, as the framework decoded it. */
  param(request: Request, name: string): unknown;
  /** A header by lower-case name, as Node parsed it (a repeated header joined into one string, `set-cookie` an array). */
  header(request: Request, name: string): unknown;
  /** The request path without query string, for `instance`. */
  path(request: Request): string;
  /** The request method, for logs and the idempotency fingerprint. */
  method(request: Request): string;
  /** The matched route pattern (`/tenants/:tenantId/ai`), else the path: for the idempotency fingerprint. */
  route(request: Request): string;
  /** The parsed body (`undefined` when there is none), for the idempotency fingerprint. */
  body(request: Request): unknown;
  /** The client address as the framework reports it (proxy trust applied), for the rate limiter's default key. */
  ip(request: Request): string | undefined;
}
