// unio on Deno: a `Deno.serve` handler for the engine's path (usable inside any app that
// routes `/socket.io/` to it), WebSockets through `Deno.upgradeWebSocket`, and `serve()`
// for a standalone server on unio's own HTTP/1.1 and WebSocket code (runtimes/deno/). The
// Deno API is declared structurally, as far as it is used, so the published types need no
// Deno type package.

import type { WebSocketConnection } from "../src/engine/contract.js";
import { type AcceptedUpgrade, fetchOptions, handleFetch, timedEngineOf } from "./fetch/handle.js";
import { handshakeRefused } from "./fetch/hang-up.js";
import type { EngineHost } from "./shared/engine-host.js";
import type { BodyOptions, RunningServer } from "./shared/serve-options.js";
import type { DenoServeOptions } from "./deno/options.js";
import { listen } from "./deno/server.js";
import { notFound, pathAndQuery } from "./fetch/request.js";
import { type StandardWebSocket, webSocketPeer } from "./fetch/websocket-peer.js";

export type { BodyOptions, RunningServer } from "./shared/serve-options.js";
export type { DenoServeOptions as ServeOptions } from "./deno/options.js";

/** The second argument Deno passes to a `Deno.serve` handler, as far as unio reads it. */
export interface DenoServeInfo {
  /** A TCP peer's address (a Unix-socket peer has no `hostname`). */
  readonly remoteAddr: { readonly hostname?: string };
}

export type DenoHandler = (request: Request, info?: DenoServeInfo) => Promise<Response>;

/** The socket half of `Deno.upgradeWebSocket`. */
interface DenoWebSocket extends StandardWebSocket {
  binaryType: "arraybuffer" | "blob";
  onopen: (() => void) | null;
  onmessage: ((event: { readonly data: string | ArrayBuffer }) => void) | null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null;
}

declare const Deno: {
  upgradeWebSocket(request: Request): { socket: DenoWebSocket; response: Response };
};

/**
 * A `Deno.serve` handler for the engine's path: `Deno.serve(handler(io))`, or a route in an
 * existing app. Requests outside the path get 404, so it can sit behind any router.
 * `bodyTimeout`: see `BodyOptions`.
 */
export function handler(io: EngineHost, options: BodyOptions = {}): DenoHandler {
  const engine = timedEngineOf(io);
  // `Connection: close` is written but Deno keeps the connection (runtimes/fetch/hang-up.ts).
  const fetching = fetchOptions(options);
  return async (request, info) => {
    if (!engine.handles(pathAndQuery(request.url))) return notFound();
    const connection = { remoteAddress: info?.remoteAddr.hostname ?? "" };
    const upgrader = (accepted: AcceptedUpgrade): Response => upgrade(request, accepted);
    // A 101 or the core's answer: Deno always needs a response, so `undefined` cannot occur.
    return (await handleFetch(engine, request, connection, upgrader, fetching)) ?? notFound();
  };
}

/** Upgrades with Deno and wires the socket's events to the core once it is open. */
function upgrade(request: Request, accepted: AcceptedUpgrade): Response {
  let upgraded: ReturnType<typeof Deno.upgradeWebSocket>;
  try {
    upgraded = Deno.upgradeWebSocket(request);
  } catch {
    return handshakeRefused(); // Deno validates the handshake headers itself
  }
  const { socket, response } = upgraded;
  socket.binaryType = "arraybuffer";
  let connection: WebSocketConnection | undefined;
  const peer = webSocketPeer(socket, () => connection?.drained());
  socket.onopen = () => {
    connection = accepted.open(peer);
  };
  socket.onmessage = (event) => {
    const data = event.data;
    connection?.message(typeof data === "string" ? data : new Uint8Array(data));
  };
  // An error is always followed by a close event, which is where the session hears of it.
  socket.onclose = (event) => {
    peer.dispose();
    connection?.closed(event.code, event.reason);
  };
  return response;
}

/**
 * Serves `io` on unio's own HTTP/1.1 server over `Deno.listen` (runtimes/deno/), not
 * `Deno.serve`: Deno's server has no header or idle timeout, and reads a WebSocket message
 * of up to 64 MiB whole before unio could refuse it. This one closes a connection that does
 * not send its request head within `headersTimeout` or idles past `keepAliveTimeout`, and
 * refuses a WebSocket message over `maxHttpBufferSize` from its frame header (1009).
 * Resolves once listening.
 */
export async function serve(io: EngineHost & { close(): unknown }, options: DenoServeOptions = {}): Promise<RunningServer> {
  return listen(io, options);
}
