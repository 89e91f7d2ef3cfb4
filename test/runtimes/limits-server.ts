// A plain unio server with small request limits (maxHttpBufferSize 1000, bodyTimeout 400 ms),
// under Deno or Bun, whichever runs this file: for the raw-TCP tests of what each runtime does
// with refused upgrades, unfinished bodies and silent clients (test/security/runtime-http.test.ts).
// Prints `listening <port>`; closes through `serve(...).close()` on SIGTERM.
import { Server } from "../../src/index.js";

interface Served {
  readonly port: number;
  close(): Promise<void>;
}
declare const Deno: { addSignalListener(signal: "SIGTERM", listener: () => void): void; exit(code: number): never } | undefined;

const LIMITS = { maxHttpBufferSize: 1000, bodyTimeout: 400 } as const;

const io = new Server({ maxHttpBufferSize: LIMITS.maxHttpBufferSize });
io.on("connection", (socket) => {
  socket.on("ping?", (ack: unknown) => {
    if (typeof ack === "function") ack("pong!");
  });
});
const options = { port: 0, hostname: "127.0.0.1", bodyTimeout: LIMITS.bodyTimeout };
const onDeno = typeof Deno !== "undefined";
const served: Served = onDeno
  ? await (await import("../../runtimes/deno.js")).serve(io, options)
  : await (await import("../../runtimes/bun.js")).serve(io, options);

const exit = (code: number): never => (onDeno ? Deno!.exit(code) : process.exit(code));
const stop = (): void => {
  served.close().then(
    () => exit(0),
    (err: unknown) => {
      console.error(err);
      exit(1);
    },
  );
};
if (onDeno) Deno!.addSignalListener("SIGTERM", stop);
else process.once("SIGTERM", stop);
console.log(`listening ${served.port}`);
