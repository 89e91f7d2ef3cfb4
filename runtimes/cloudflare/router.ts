// The Worker half: send each Socket.IO request to the Durable Object that owns its
// connections. Every request of one session — the handshake, each long poll, each POST, the
// WebSocket upgrade — must reach the same object, so the object is chosen from something the
// client repeats on every request: the path, or a query parameter it was given (socket.io-
// client repeats its `query` option on every request).

import type { DurableObjectNamespace } from "./workerd.js";

export interface RouteOptions {
  /** The Engine.IO path the object serves (its `path` option). Default "/socket.io/". */
  readonly path?: string;
  /**
   * The name of the object for this request (`namespace.idFromName(name)`). Default: always
   * "default", one object for the whole Worker. Shard by returning e.g. a query parameter.
   */
  readonly name?: (url: URL, request: Request) => string;
}

const DEFAULT_PATH = "/socket.io/";

/**
 * Forwards `request` to the chosen Durable Object when it is under the Engine.IO path, and
 * answers `undefined` otherwise so the Worker can serve its own routes:
 *
 *     return (await routeToDurableObject(request, env.IO)) ?? new Response("Not Found", { status: 404 });
 */
export function routeToDurableObject<Id>(
  request: Request,
  namespace: DurableObjectNamespace<Id>,
  options: RouteOptions = {},
): Promise<Response> | undefined {
  const url = new URL(request.url);
  const path = options.path ?? DEFAULT_PATH;
  const prefix = path.endsWith("/") ? path : `${path}/`;
  if (!url.pathname.startsWith(prefix)) return undefined;
  const name = options.name === undefined ? "default" : options.name(url, request);
  return namespace.get(namespace.idFromName(name)).fetch(request);
}
