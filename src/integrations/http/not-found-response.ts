import { PROBLEM_TYPE_BASE } from './problem-catalog.js';
import { notFoundDetails } from './problem-details.js';
import { renderProblem, type ProblemResponse } from './problem-response.js';

/**
 * Built once: every 404 tenantry writes with the default type base is this
 * very object, which is what makes "not a member", "no such tenant" and
 * "malformed id" byte-identical.
 */
const NOT_FOUND_RESPONSE: ProblemResponse = /* @__PURE__ */ renderProblem(notFoundDetails());

/** Options of {@link notFoundResponse}. */
export interface NotFoundResponseOptions {
  /** Prefix of the `type` URI. Default is `PROBLEM_TYPE_BASE`. */
  readonly typeBase?: string;
}

/**
 * The canonical 404, the only one tenantry sends: for an actor that is not a
 * member, a tenant that does not exist, a malformed or missing tenant id, a
 * route that does not exist (`notFoundHandler()`), a `NotFoundError` thrown
 * by a handler, and any other error with status 404.
 *
 * It carries no `instance`, no `extend` members and nothing else taken from
 * the request, so the status, headers and body cannot differ between those
 * cases. With the default type base it is one frozen object, built at module
 * load; `problemHandler({ typeBase })` builds its own once.
 */
export function notFoundResponse(options: NotFoundResponseOptions = {}): ProblemResponse {
  const { typeBase = PROBLEM_TYPE_BASE } = options;
  return typeBase === PROBLEM_TYPE_BASE ? NOT_FOUND_RESPONSE : renderProblem(notFoundDetails(typeBase));
}
