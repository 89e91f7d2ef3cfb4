// Hostile clients against running servers: unio on Node, Deno, Bun and Cloudflare (a Durable
// Object in workerd through Miniflare), and the official socket.io for comparison. Each attack
// family runs against a fresh server process; a well-behaved socket.io-client checks the
// server still answers; RSS is read after a full GC (by the server itself; workerd's from
// /proc, with the GC through its inspector). See bench/hostile/main.ts for the options.
//
//   node scripts/run-ts.mjs bench/hostile.bench.ts [--servers unio-node,socketio] [--families ws-framing] [--scale 0.2]

import { run } from "./hostile/main.js";

process.exitCode = await run(process.argv.slice(2));
