// CORS headers exactly as the `cors` npm package (which socket.io's engine uses) writes them,
// so a browser sees the same answers from unio as from the reference server.
//
// - `origin` absent or "*": `Access-Control-Allow-Origin: *`.
// - a fixed string: that string, plus `Vary: Origin`.
// - `true`, a RegExp or a list: the request's Origin is reflected when it matches (nothing is
//   written when it does not), always with `Vary: Origin`.
// - a function: decides per request; `false` or "" means no CORS headers at all, `true`
//   reflects, a string is used as a fixed origin. If it throws, the request is refused with
//   code 3 (the reference's middleware failure), which the caller sees as a thrown error.
// - `origin: false` turns CORS off entirely.
// A preflight (OPTIONS) also gets methods, allowed headers (the request's
// Access-Control-Request-Headers reflected when none are configured), max-age and exposed
// headers; an actual request gets origin, credentials and exposed headers.

import type { EngineRequest } from "./contract.js";
import { isPromiseLike } from "./promise-like.js";
import type { CorsOptions } from "./types.js";

const DEFAULT_METHODS = "GET,HEAD,PUT,PATCH,POST,DELETE";

type Headers = Record<string, string>;

/**
 * The CORS headers for `req`, or `undefined` when CORS does not apply to it (no `cors`
 * option, `origin: false`, or the origin function said no). A preflight must then be
 * answered like any other request. Async only when the origin function is.
 */
export function corsHeaders(
  options: CorsOptions | undefined,
  req: EngineRequest,
  preflight: boolean,
): Headers | undefined | Promise<Headers | undefined> {
  if (options === undefined) return undefined;
  const origin = options.origin ?? "*";
  if (origin === false) return undefined;
  if (typeof origin !== "function") return build(options, origin, req, preflight);
  const decided = origin(req.headers.origin);
  if (isPromiseLike(decided)) {
    return Promise.resolve(decided).then((value) => (value === false || value === "" ? undefined : build(options, value, req, preflight)));
  }
  return decided === false || decided === "" ? undefined : build(options, decided, req, preflight);
}

function build(
  options: CorsOptions,
  origin: true | string | RegExp | ReadonlyArray<string | RegExp>,
  req: EngineRequest,
  preflight: boolean,
): Headers {
  const headers: Headers = {};
  if (origin === "*") {
    headers["Access-Control-Allow-Origin"] = "*";
  } else if (typeof origin === "string") {
    headers["Access-Control-Allow-Origin"] = origin;
    vary(headers, "Origin");
  } else {
    const requestOrigin = req.headers.origin;
    if (requestOrigin && isAllowed(requestOrigin, origin)) headers["Access-Control-Allow-Origin"] = requestOrigin;
    vary(headers, "Origin");
  }
  if (options.credentials === true) headers["Access-Control-Allow-Credentials"] = "true";
  if (preflight) {
    const methods = list(options.methods ?? DEFAULT_METHODS);
    if (methods) headers["Access-Control-Allow-Methods"] = methods;
    if (options.allowedHeaders === undefined) {
      vary(headers, "Access-Control-Request-Headers");
      const requested = req.headers["access-control-request-headers"];
      if (requested) headers["Access-Control-Allow-Headers"] = requested;
    } else {
      const allowed = list(options.allowedHeaders);
      if (allowed) headers["Access-Control-Allow-Headers"] = allowed;
    }
    if (options.maxAge !== undefined) headers["Access-Control-Max-Age"] = String(options.maxAge);
  }
  if (options.exposedHeaders !== undefined) {
    const exposed = list(options.exposedHeaders);
    if (exposed) headers["Access-Control-Expose-Headers"] = exposed;
  }
  return headers;
}

function isAllowed(requestOrigin: string, allowed: true | RegExp | ReadonlyArray<string | RegExp>): boolean {
  if (allowed === true) return true;
  if (allowed instanceof RegExp) {
    allowed.lastIndex = 0; // a /g or /y pattern must not carry state from one request to the next
    return allowed.test(requestOrigin);
  }
  for (const entry of allowed) {
    if (typeof entry === "string" ? entry === requestOrigin : isAllowed(requestOrigin, entry)) return true;
  }
  return false;
}

function list(value: string | readonly string[]): string {
  return typeof value === "string" ? value : value.join(",");
}

/** Adds a field to `Vary` the way the `vary` package does: comma-separated, no duplicates. */
function vary(headers: Headers, field: string): void {
  const current = headers.Vary;
  if (current === undefined) headers.Vary = field;
  else if (!current.split(/\s*,\s*/).includes(field)) headers.Vary = `${current}, ${field}`;
}
