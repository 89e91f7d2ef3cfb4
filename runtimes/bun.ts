// unio on Bun: an object with `fetch` and `websocket` to spread into `Bun.serve`
// (`server.upgrade` carries each connection's state in `ws.data`), an optional fall-through
// to the application's own `fetch`, and `serve()` for a standalone server. The Bun API is
// declared below, structurally, as far as it is used, so the published types need no Bun
// type package.

import type { WebSocketConnection, WebSocketPeer, WirePacket } from "../src/engine/contract.js";
import { type AcceptedUpgrade, handleFetch, timedEngineOf } from "./fetch/handle.js";
import type { EngineHost } from "./shared/engine-host.js";
import { InFlight } from "./fetch/in-flight.js";
import { handshakeRefused, notFound, pathAndQuery } from "./fetch/request.js";

/** What unio keeps per WebSocket in Bun's `ws.data`. */
export interface BunSocketData {
  readonly accepted: AcceptedUpgrade;
  connection?: WebSocketConnection;
  /** A send returned -1 (queued over Bun's backpressure limit): wait for `drain`. */
  congested?: boolean;
}

/** The slice of Bun's `ServerWebSocket` unio touches. */
export interface BunWebSocket {
  readonly data: BunSocketData;
  /** Bytes sent (> 0), -1 queued under backpressure, 0 dropped. */
  send(data: string | Uint8Array): number;
  close(code?: number, reason?: string): void;
}

/** The slice of Bun's `Server` unio touches. */
export interface BunServer {
  upgrade(request: Request, options: { data: BunSocketData }): boolean;
  requestIP(request: Request): { readonly address: string } | null;
  /** Per-request idle timeout in seconds (0: none). */
  timeout(request: Request, seconds: number): void;
}

export type BunFetch = (request: Request, server: BunServer) => Response | undefined | Promise<Response | undefined>;

export interface BunHandler {
  fetch: BunFetch;
  websocket: {
    /** Bun closes a socket whose message is larger (1009): the engine's `maxHttpBufferSize`. */
    maxPayloadLength: number;
    open(ws: BunWebSocket): void;
    message(ws: BunWebSocket, message: string | Uint8Array): void;
    drain(ws: BunWebSocket): void;
    close(ws: BunWebSocket, code: number, reason: string): void;
  };
}

export interface HandlerOptions {
  /** Called for requests outside the engine's path (default: 404). */
  readonly fetch?: BunFetch;
}

/**
 * `Bun.serve({ ...handler(io), port })`. With `{ fetch }`, requests outside the engine's
 * path go to the application's own handler.
 */
export function handler(io: EngineHost, options: HandlerOptions = {}): BunHandler {
  const engine = timedEngineOf(io);
  const fallback = options.fetch;
  return {
    fetch(request, server) {
      if (!engine.handles(pathAndQuery(request.url))) return fallback ? fallback(request, server) : notFound();
      // Bun's default 10 s idle timeout would cut a long poll the core parks for a ping interval.
      server.timeout(request, 0);
      const connection = { remoteAddress: server.requestIP(request)?.address ?? "" };
      return handleFetch(engine, request, connection, (accepted) =>
        server.upgrade(request, { data: { accepted } }) ? undefined : handshakeRefused(),
      );
    },
    websocket: {
      maxPayloadLength: engine.options.maxHttpBufferSize,
      open(ws) {
        // Local misuse, said plainly: the app's own fetch upgraded a socket of its own.
        if (ws.data?.accepted === undefined) throw new TypeError(FOREIGN_SOCKET);
        ws.data.connection = ws.data.accepted.open(bunPeer(ws));
      },
      // Bun hands text frames as strings and binary ones as a Buffer, which is a Uint8Array.
      message(ws, message) {
        ws.data.connection?.message(message);
      },
      drain(ws) {
        if (ws.data.congested !== true) return;
        ws.data.congested = false;
        ws.data.connection?.drained();
      },
      close(ws, code, reason) {
        ws.data.connection?.closed(code, reason);
      },
    },
  };
}

const FOREIGN_SOCKET =
  "unio/bun: this Bun.serve's websocket handlers belong to unio; a WebSocket upgraded by the application's own fetch needs a Bun.serve of its own";

function bunPeer(ws: BunWebSocket): WebSocketPeer {
  return {
    send(packets: readonly WirePacket[]): boolean {
      for (const packet of packets) {
        const data = packet.data;
        const sent = ws.send(data);
        if (sent === -1) ws.data.congested = true;
        else if (sent === 0 && (typeof data === "string" ? data.length : data.byteLength) > 0) {
          // Dropped (Bun also answers 0 for an empty message, which did go out): the
          // connection is failing, and a gap in the stream must not go unnoticed.
          ws.close(1011, "send failed");
          return true;
        }
      }
      return ws.data.congested !== true;
    },
    close(code: number, reason: string): void {
      ws.close(code, reason);
    },
  };
}

export interface ServeOptions {
  /** Port to listen on; 0 picks a free one. Default 3000. */
  readonly port?: number;
  /** Default: Bun's (all interfaces). */
  readonly hostname?: string;
}

export interface RunningServer {
  readonly port: number;
  /** Closes every session, stops listening (closing live sockets), resolves when stopped. */
  close(): Promise<void>;
}

declare const Bun: {
  serve(options: BunHandler & { port: number; hostname?: string }): {
    readonly port: number;
    stop(closeActiveConnections: boolean): Promise<void>;
  };
};

/** Serves `io` on its own `Bun.serve` server. Resolves once listening. */
export async function serve(io: EngineHost & { close(): unknown }, options: ServeOptions = {}): Promise<RunningServer> {
  const handle = handler(io);
  const inFlight = new InFlight();
  const server = Bun.serve({
    ...handle,
    fetch: (request, bun) => inFlight.track(handle.fetch(request, bun)),
    port: options.port ?? 3000,
    ...(options.hostname === undefined ? {} : { hostname: options.hostname }),
  });
  let closing: Promise<void> | undefined;
  return {
    port: server.port,
    close() {
      closing ??= (async () => {
        await io.close(); // the core first: parked polls are answered, WebSockets closed
        await inFlight.settled();
        await server.stop(true);
      })();
      return closing;
    },
  };
}
