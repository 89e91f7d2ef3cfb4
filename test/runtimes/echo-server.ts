// The echo engine behind the Deno or Bun shim, whichever runtime runs this file: prints
// `listening <port>` and closes through `serve(...).close()` on SIGTERM.
import { EchoEngine } from "./echo-engine.js";
import { serveInRuntime } from "./serve-in-runtime.js";

await serveInRuntime(new EchoEngine(), { port: 0, hostname: "127.0.0.1" });
