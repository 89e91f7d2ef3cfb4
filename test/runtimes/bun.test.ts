// The real-client suite against unio running in a real `bun` process.
import { defineClientSuite } from "../interop/client-suite.js";
import { runtimeCommands, startServerProcess } from "./spawn-server.js";

defineClientSuite("unio on Bun", () => startServerProcess("bun", runtimeCommands.bun("test/runtimes/bun-server.ts")));
