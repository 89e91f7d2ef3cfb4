// The echo engine behind the Deno or Bun shim, whichever runtime runs this file: prints
// `listening <port>` and closes through `serve(...).close()` on SIGTERM.
import { EchoEngine } from "./echo-engine.js";

interface Served {
  readonly port: number;
  close(): Promise<void>;
}
declare const Deno: { addSignalListener(signal: "SIGTERM", listener: () => void): void; exit(code: number): never } | undefined;

const engine = new EchoEngine();
const onDeno = typeof Deno !== "undefined";
const served: Served = onDeno
  ? await (await import("../../runtimes/deno.js")).serve(engine, { port: 0, hostname: "127.0.0.1" })
  : await (await import("../../runtimes/bun.js")).serve(engine, { port: 0, hostname: "127.0.0.1" });

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
