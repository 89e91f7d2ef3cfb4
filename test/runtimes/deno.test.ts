// The real-client suite against unio running in a real `deno` process.
import { defineClientSuite } from "../interop/client-suite.js";
import { runtimeCommands, startServerProcess } from "./spawn-server.js";

defineClientSuite("unio on Deno", () =>
  startServerProcess("deno", runtimeCommands.deno("test/runtimes/deno-server.ts")),
);
