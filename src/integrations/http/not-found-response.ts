import { notFoundDetails } from './problem-details.js';
import { renderProblem, type ProblemResponse } from './problem-response.js';

/**
 * Built once: every 404 tenantry writes is this very object, which is what
 * makes "not a member", "no such tenant" and "malformed id" byte-identical.
 */
const NOT_FOUND_RESPONSE: ProblemResponse = /* @__PURE__ */ renderProblem(notFoundDetails());

/**
 * The canonical 404, the only one tenantry sends: for an actor that is not a
 * member, a tenant that does not exist, a malformed or missing tenant id, a
 * `NotFoundError` thrown by a handler, and any other error with status 404.
 *
 * It carries no `instance` and nothing else taken from the request, so the
 * status, headers and body cannot differ between those cases.
 */
export function notFoundResponse(): ProblemResponse {
  return NOT_FOUND_RESPONSE;
}
