// unio on Deno: a `Deno.serve` handler for the engine's path (usable inside any app that
// routes `/socket.io/` to it), WebSockets through `Deno.upgradeWebSocket`, and `serve()`
// for a standalone server. The Deno API is declared below, structurally, as far as it is
// used, so the published types need no Deno type package.

import type { WebSocketConnection } from "../src/engine/contract.js";
import { type AcceptedUpgrade, fetchOptions, handleFetch, timedEngineOf } from "./fetch/handle.js";
import { handshakeRefused } from "./fetch/hang-up.js";
import type { EngineHost } from "./shared/engine-host.js";
import type { BodyOptions, FetchServeOptions, RunningServer } from "./shared/serve-options.js";
import { InFlight } from "./fetch/in-flight.js";
import { notFound, pathAndQuery } from "./fetch/request.js";
import { type StandardWebSocket, webSocketPeer } from "./fetch/websocket-peer.js";

export type { BodyOptions, FetchServeOptions as ServeOptions, RunningServer } from "./shared/serve-options.js";

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

interface DenoHttpServer {
  readonly addr: { readonly port: number };
  readonly finished: Promise<void>;
  /** Stops accepting connections and resolves once in-flight requests are answered. */
  shutdown(): Promise<void>;
}

declare const Deno: {
  serve(
    options: { port: number; hostname?: string; signal: AbortSignal; onListen(addr: { port: number }): void },
    handler: DenoHandler,
  ): DenoHttpServer;
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

/** Serves `io` on its own `Deno.serve` server. Resolves once listening. */
export async function serve(io: EngineHost & { close(): unknown }, options: FetchServeOptions = {}): Promise<RunningServer> {
  const abort = new AbortController();
  const handle = handler(io, options);
  const inFlight = new InFlight();
  const server = Deno.serve(
    {
      port: options.port ?? 3000,
      ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
      signal: abort.signal,
      onListen() {}, // Deno logs "Listening on …" unless told otherwise
    },
    (request, info) => inFlight.track(handle(request, info)),
  );
  let closing: Promise<void> | undefined;
  return {
    port: server.addr.port,
    close() {
      closing ??= (async () => {
        await io.close(); // the core first: parked polls are answered, WebSockets closed
        // Once every handler has answered, a graceful shutdown lets those answers go out
        // (aborting would cut off responses Deno has not written yet). A request still
        // pending after the grace period (a client trickling a body) is cut off by the
        // abort instead: `shutdown()` would wait for it, and an abort after `shutdown()`
        // has begun throws inside Deno 2.9.
        if (await inFlight.settled()) await server.shutdown();
        else abort.abort();
        await server.finished;
      })();
      return closing;
    },
  };
}
