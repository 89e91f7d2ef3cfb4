// `serve(io, { port, hostname })`: a `node:http` server that serves only the engine, and a
// `close()` that shuts everything down and resolves once no socket is left open.

import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { attach } from "./attach.js";
import { closeHost } from "../shared/engine-host.js";
import type { EngineHost } from "../shared/engine-host.js";
import type { RunningServer, ServeOptions } from "../shared/serve-options.js";

export type { ServeOptions } from "../shared/serve-options.js";

/** The running server; `close()` closes the Socket.IO server or engine, every WebSocket and HTTP socket, and the listener. */
export type NodeServer = RunningServer;

export async function serve(io: EngineHost, options: ServeOptions = {}): Promise<NodeServer> {
  const server = createServer();
  const sockets = new Set<Socket>();
  // One listener function for every socket (`this` is the socket): no closure, no `once`
  // wrapper per connection, which an idle WebSocket would carry for its whole life.
  function forget(this: Socket): void {
    sockets.delete(this);
  }
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", forget);
  });
  const attachment = attach(io, server);

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once("error", onError);
    server.listen(options.port ?? 3000, options.hostname, () => {
      server.off("error", onError);
      resolve();
    });
  });

  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      closing ??= (async () => {
        // The core first, so clients hear a proper goodbye; then our sockets.
        await closeHost(io);
        await attachment.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // What is left is idle keep-alive connections and upgrades that never completed.
          for (const socket of sockets) socket.destroy();
        });
      })();
      return closing;
    },
  };
}
