// The interop fixture on unio under Deno. Run by deno.test.ts with the command in
// spawn-server.ts; prints `listening <port>`, and on SIGTERM closes unio before exiting.
import { Server } from "../../src/index.js";
import { serve } from "../../runtimes/deno.js";
import { closeOnSigterm } from "./serve-in-runtime.js";
import { fixtureOptions, setupFixture } from "../interop/fixture-app.js";

const io = new Server(fixtureOptions);
setupFixture(io);
const server = await serve(io, { port: 0, hostname: "127.0.0.1" });
closeOnSigterm(server);
console.log(`listening ${server.port}`);
