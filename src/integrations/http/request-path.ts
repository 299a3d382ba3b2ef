/**
 * The path of a request target, for the problem `instance`: the query string
 * and fragment are cut off because they may carry tokens or other secrets
 * that do not belong in a response body (or in the logs that collect them).
 */
export function requestPath(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}
