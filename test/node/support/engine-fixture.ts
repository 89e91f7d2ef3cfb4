// A raw EngineServer attached to a loopback `node:http` server, torn down completely.

import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { attach } from "../../../runtimes/node/index.js";
import type { NodeAttachment } from "../../../runtimes/node/index.js";
import { EngineServer } from "../../../src/engine/server.js";
import type { EngineSocket } from "../../../src/engine/socket.js";
import type { EngineOptions } from "../../../src/engine/types.js";
import { eventually } from "./clients.js";

export interface EngineFixture {
  readonly engine: EngineServer;
  readonly server: Server;
  readonly attachment: NodeAttachment;
  readonly port: number;
  /** `ws://…/engine.io/?EIO=4&transport=websocket` */
  readonly wsUrl: string;
  /** `http://…/engine.io/?EIO=4&transport=polling` */
  readonly pollingUrl: string;
  /** The next session the engine opens. */
  nextSession(): Promise<EngineSocket>;
  stop(): Promise<void>;
}

export async function startEngine(options: EngineOptions = {}, server: Server = createServer()): Promise<EngineFixture> {
  const engine = new EngineServer({ pingInterval: 60_000, pingTimeout: 60_000, ...options });
  const sessions: EngineSocket[] = [];
  const waiting: Array<(s: EngineSocket) => void> = [];
  engine.on("connection", (session) => {
    const waiter = waiting.shift();
    if (waiter !== undefined) waiter(session);
    else sessions.push(session);
  });
  const attachment = attach(engine, server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    engine,
    server,
    attachment,
    port,
    wsUrl: `ws://127.0.0.1:${port}/engine.io/?EIO=4&transport=websocket`,
    pollingUrl: `http://127.0.0.1:${port}/engine.io/?EIO=4&transport=polling`,
    nextSession() {
      const queued = sessions.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      return eventually(new Promise<EngineSocket>((resolve) => waiting.push(resolve)), 5000, "a session");
    },
    async stop() {
      engine.close();
      await attachment.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
