// The control: the official `socket.io` server on `node:http`, running the same fixture.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { fixtureOptions, setupFixture } from "./fixture-app.js";
import type { StartedServer } from "./client-suite.js";

export async function startReferenceServer(): Promise<StartedServer> {
  const httpServer = createServer();
  const io = new Server(httpServer, fixtureOptions);
  setupFixture(io);
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    // io.close() closes every engine.io connection and the http server with them.
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}
