// unio's own HTTP/1.1 server on Deno with short limits, for the raw-TCP tests of its
// timeouts and framing (deno-http.test.ts): maxHttpBufferSize 1000, headersTimeout 1 s,
// keepAliveTimeout 500 ms, bodyTimeout 400 ms, maxHeaderSize 4 KiB. Prints `listening <port>`
// and its PID's peak memory on request; closes through `serve(...).close()` on SIGTERM.
import { Server } from "../../src/index.js";
import { serve } from "../../runtimes/deno.js";
import { closeOnSigterm } from "./serve-in-runtime.js";

export const DENO_LIMITS = { maxHttpBufferSize: 1000, headersTimeout: 1000, keepAliveTimeout: 500, bodyTimeout: 400, maxHeaderSize: 4096 } as const;

const io = new Server({ maxHttpBufferSize: DENO_LIMITS.maxHttpBufferSize });
io.on("connection", (socket) => {
  socket.on("ping?", (ack: unknown) => {
    if (typeof ack === "function") ack("pong!");
  });
});
const { maxHttpBufferSize: _cap, ...limits } = DENO_LIMITS;
const server = await serve(io, { port: 0, hostname: "127.0.0.1", ...limits });
closeOnSigterm(server);
console.log(`listening ${server.port}`);
