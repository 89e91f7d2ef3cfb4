// Hostile clients against running servers: unio on Node, Deno and Bun, and the official
// socket.io for comparison. Each attack family runs against a fresh server process; a
// well-behaved socket.io-client checks the server still answers; RSS is read by the server
// itself after a full GC. See bench/hostile/main.ts for the options.
//
//   node scripts/run-ts.mjs bench/hostile.bench.ts [--servers unio-node,socketio] [--families ws-framing] [--scale 0.2]

import { run } from "./hostile/main.js";

process.exitCode = await run(process.argv.slice(2));
