// The server side of bench/runtimes.bench.ts: one unio `Server` answering `rt` acks, served
// by whichever runtime runs this file (Node through an esbuild bundle, Deno, Bun). Prints
// `listening <port>`; stops when killed.
import { Server } from "../src/index.js";

declare const Deno: unknown;
declare const Bun: unknown;

const io = new Server();
io.on("connection", (socket) => {
  socket.on("rt", (n: unknown, ack: unknown) => {
    if (typeof ack === "function") ack(n);
  });
});

const options = { port: 0, hostname: "127.0.0.1" };
const { port } =
  typeof Deno !== "undefined"
    ? await (await import("../runtimes/deno.js")).serve(io, options)
    : typeof Bun !== "undefined"
      ? await (await import("../runtimes/bun.js")).serve(io, options)
      : await (await import("../runtimes/node/index.js")).serve(io, options);
console.log(`listening ${port}`);
