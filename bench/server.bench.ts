// Server load benchmark: unio against the official socket.io and a raw WebSocket ceiling,
// on Node, Bun and Deno. Each server runs in a fresh process per scenario and repeat; this
// process is the load generator and reads each server's own CPU clock over a control
// channel. See bench/server/measure.ts for how a span is measured.
//
//   node scripts/run-ts.mjs bench/server.bench.ts [--only ack,fanout] [--servers node] [--repeats 3] …
//   node scripts/run-ts.mjs bench/server.bench.ts --help

import { run } from "./server/main.js";

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 2;
}
