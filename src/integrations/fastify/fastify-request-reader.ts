import type { FastifyRequest } from 'fastify';
import type { RequestReader } from '../http/request-reader.js';
import { requestPath } from '../http/request-path.js';

/** How the shared HTTP layer reads a Fastify request. */
export const fastifyRequestReader: RequestReader<FastifyRequest> = Object.freeze({
  // Fastify decodes route parameters (prefix parameters included) into `params`.
  param: (request: FastifyRequest, name: string): unknown => (request.params as Record<string, unknown> | undefined)?.[name],
  header: (request: FastifyRequest, name: string): unknown => request.headers[name],
  path: (request: FastifyRequest): string => requestPath(request.url),
  method: (request: FastifyRequest): string => request.method,
  route: (request: FastifyRequest): string => request.routeOptions.url ?? requestPath(request.url),
  body: (request: FastifyRequest): unknown => request.body,
  // request.ip honours the instance's `trustProxy` option, so the host decides which hop counts.
  ip: (request: FastifyRequest): string | undefined => request.ip,
});
