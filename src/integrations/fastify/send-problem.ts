import type { FastifyReply } from 'fastify';
import type { ProblemResponse } from '../http/problem-response.js';

/**
 * Sends a problem response exactly as rendered. The body goes out as a
 * Buffer because Fastify appends `; charset=utf-8` to any JSON-like content
 * type of a string payload, and the bytes (headers included) must match
 * what the Express adapter writes. Returns the reply, which an async hook
 * must return after sending.
 */
export function sendProblem(reply: FastifyReply, problem: ProblemResponse): FastifyReply {
  return reply.code(problem.status).headers(problem.headers).send(Buffer.from(problem.body));
}
