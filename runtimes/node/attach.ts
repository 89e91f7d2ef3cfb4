// `attach(io, httpServer)`: serve the engine's path on an existing `node:http` or `node:https`
// server and leave everything else to its other listeners, as engine.io's `attach` does:
// the 'request' listeners present at attach time are called for every other path; upgrades
// for other paths are left to the other 'upgrade' listeners.

import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import { timerClock } from "../shared/clock.js";
import { engineOf } from "../shared/engine-host.js";
import type { EngineHost, HostedEngine } from "../shared/engine-host.js";
import type { NodeWebSocketPeer } from "./peer.js";
import { refuse } from "./raw-response.js";
import { answer } from "./request.js";
import { PendingResponses, TrackedSet } from "./tracked.js";
import { upgrade } from "./upgrade.js";

/** How long `close()` lets pending responses and closing WebSockets finish before destroying them. */
const SHUTDOWN_GRACE_MS = 1000;

export interface NodeAttachment {
  readonly engine: HostedEngine;
  /**
   * Detaches from the server (restoring its own 'request' listeners), closes every open
   * WebSocket with 1001, waits for in-flight responses, and stops the clock. Resolves when
   * every WebSocket socket is gone. Close the engine (or `io`) first so it can say goodbye.
   */
  close(): Promise<void>;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export function attach(io: EngineHost, server: HttpServer | HttpsServer): NodeAttachment {
  const engine = engineOf(io);
  const clock = timerClock(() => engine.tick());
  engine.useClock(clock);
  const peers = new TrackedSet<NodeWebSocketPeer>();
  const forgetPeer = (peer: NodeWebSocketPeer): void => peers.delete(peer);
  const responses = new PendingResponses<ServerResponse>();
  const forgetResponse = (res: ServerResponse): void => responses.delete(res);

  const previous = server.listeners("request") as RequestListener[];
  server.removeAllListeners("request");
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (engine.handles(req.url ?? "/")) {
      responses.add(res);
      answer(engine, req, res, forgetResponse);
    } else if (previous.length > 0) {
      for (const listener of previous) listener.call(server, req, res);
    } else if (server.listenerCount("request") === 1) {
      // Nobody else will ever answer: say so instead of leaving the client hanging.
      res.writeHead(404).end();
    }
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (engine.handles(req.url ?? "/")) {
      upgrade(engine, req, socket, head, peers, forgetPeer).catch((error: unknown) => {
        // A bug below us: lose this socket, not the process.
        console.error("unio: WebSocket upgrade failed", error);
        socket.destroy();
      });
    }
    else if (server.listenerCount("upgrade") === 1) refuse(socket, 400, {}, "");
  };
  server.on("request", onRequest);
  server.on("upgrade", onUpgrade);

  let closing: Promise<void> | undefined;
  return {
    engine,
    close() {
      closing ??= (async () => {
        server.off("request", onRequest);
        server.off("upgrade", onUpgrade);
        for (const listener of previous) server.on("request", listener);
        for (const peer of peers.items()) peer.shutdown();
        if (!(await responses.empty(SHUTDOWN_GRACE_MS))) for (const res of [...responses.items()]) res.destroy();
        await Promise.all([responses.empty(), peers.empty()]);
        clock.stop();
      })();
      return closing;
    },
  };
}
