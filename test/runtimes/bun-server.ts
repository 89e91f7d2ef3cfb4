// The interop fixture on unio under Bun. Run by bun.test.ts with the command in
// spawn-server.ts; prints `listening <port>`, and on SIGTERM closes unio before exiting.
import { Server } from "../../src/index.js";
import { serve } from "../../runtimes/bun.js";
import { fixtureOptions, setupFixture } from "../interop/fixture-app.js";
import { closeOnSigterm } from "./serve-in-runtime.js";

const io = new Server(fixtureOptions);
setupFixture(io);
const server = await serve(io, { port: 0, hostname: "127.0.0.1" });
closeOnSigterm(server);
console.log(`listening ${server.port}`);
