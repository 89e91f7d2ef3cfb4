// A plain unio server with small request limits (maxHttpBufferSize 1000, bodyTimeout 400 ms),
// under Deno or Bun, whichever runs this file: for the raw-TCP tests of what each runtime does
// with refused upgrades, unfinished bodies and silent clients (test/security/runtime-http.test.ts).
// Prints `listening <port>`; closes through `serve(...).close()` on SIGTERM.
import { Server } from "../../src/index.js";
import { serveInRuntime } from "./serve-in-runtime.js";

const LIMITS = { maxHttpBufferSize: 1000, bodyTimeout: 400 } as const;

const io = new Server({ maxHttpBufferSize: LIMITS.maxHttpBufferSize });
io.on("connection", (socket) => {
  socket.on("ping?", (ack: unknown) => {
    if (typeof ack === "function") ack("pong!");
  });
});
await serveInRuntime(io, { port: 0, hostname: "127.0.0.1", bodyTimeout: LIMITS.bodyTimeout });
