// unio on Node: the core's `Server` served by the Node shim, running the same fixture.
import { Server } from "../../src/index.js";
import { serve } from "../../runtimes/node/index.js";
import { fixtureOptions, setupFixture } from "./fixture-app.js";
import type { StartedServer } from "./client-suite.js";

export async function startUnioNodeServer(): Promise<StartedServer> {
  const io = new Server(fixtureOptions);
  setupFixture(io);
  const server = await serve(io, { port: 0, hostname: "127.0.0.1" });
  return { url: `http://127.0.0.1:${server.port}`, close: () => server.close() };
}
