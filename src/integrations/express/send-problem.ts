import type { Response } from 'express';
import type { ProblemResponse } from '../http/problem-response.js';

/**
 * Writes a problem response byte for byte. `res.send()` is avoided on
 * purpose: it would add an ETag and may rewrite the content type, and the
 * canonical 404 must leave exactly as rendered.
 */
export function sendProblem(res: Response, problem: ProblemResponse): void {
  res.statusCode = problem.status;
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.end(problem.body);
}
