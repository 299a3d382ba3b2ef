import type { Request } from 'express';
import type { RequestReader } from '../http/request-reader.js';
import { requestPath } from '../http/request-path.js';

/** How the shared HTTP layer reads an Express request. */
export const expressRequestReader: RequestReader<Request> = Object.freeze({
  // Express decodes route parameters; `params` may be absent on a bare `app.use()`.
  param: (request: Request, name: string): unknown => (request.params as Record<string, unknown> | undefined)?.[name],
  header: (request: Request, name: string): unknown => request.headers[name],
  // originalUrl, not url: inside a mounted router `url` has the mount path stripped.
  path: (request: Request): string => requestPath(request.originalUrl),
  method: (request: Request): string => request.method,
  // The mounted pattern: baseUrl holds the router's mount path, route.path the route's own.
  route: (request: Request): string => {
    const pattern = (request.route as { path?: unknown } | undefined)?.path;
    return typeof pattern === 'string' ? `${request.baseUrl}${pattern}` : requestPath(request.originalUrl);
  },
  body: (request: Request): unknown => request.body as unknown,
  // req.ip honours the app's `trust proxy` setting, so the host decides which hop counts.
  ip: (request: Request): string | undefined => request.ip,
});
