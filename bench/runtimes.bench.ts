// Ack round trips against the same unio app on Node, Deno and Bun, under the same load, in
// one run: `clients` socket.io-client connections (WebSocket only), each emitting `rt` and
// waiting for its ack before the next, for `seconds` after a one-second warm-up. Each
// server runs in a fresh process of its runtime (bench/runtimes-server.ts); the clients run
// here, in Node, on the same machine, so the figures compare runtimes, not absolute capacity.
//
//   node scripts/run-ts.mjs bench/runtimes.bench.ts [seconds=5] [clients=50] [runtimes=node,deno,bun]
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { io, type Socket } from "socket.io-client";

const root = process.cwd();
const seconds = Number(process.argv[2] ?? 5);
const clients = Number(process.argv[3] ?? 50);
const runtimes = (process.argv[4] ?? "node,deno,bun").split(",");
const WARMUP_MS = 1000;

async function commandFor(runtime: string): Promise<string[]> {
  const script = join(root, "bench", "runtimes-server.ts");
  const bin = (name: string): string => join(root, "node_modules", ".bin", name);
  switch (runtime) {
    case "node": {
      // Node 20 runs no TypeScript: bundle the server first (packages stay external).
      const outdir = join(root, "node_modules", ".cache", "unio-run");
      mkdirSync(outdir, { recursive: true });
      const outfile = join(outdir, "runtimes-server.mjs");
      await build({ entryPoints: [script], outfile, bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", logLevel: "warning" });
      return [process.execPath, outfile];
    }
    case "deno":
      return [bin("deno"), "run", "--sloppy-imports", "--unstable-no-legacy-abort", "--no-check", "--no-remote", "--no-npm", "--no-prompt", "--allow-net=127.0.0.1", script];
    case "bun":
      return [bin("bun"), "run", script];
    default:
      throw new Error(`unknown runtime ${runtime}`);
  }
}

function start(command: string[]): Promise<{ child: ChildProcess; port: number }> {
  const [file, ...args] = command;
  const child = spawn(file!, args, { cwd: root, env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" }, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no "listening" line from ${file}`)), 15_000);
    child.once("exit", (code) => reject(new Error(`${file} exited (${code})`)));
    child.stdout!.setEncoding("utf8").on("data", (text: string) => {
      out += text;
      const match = /listening (\d+)/.exec(out);
      if (match === null) return;
      clearTimeout(timer);
      resolve({ child, port: Number(match[1]) });
    });
  });
}

function connect(url: string): Promise<Socket> {
  const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

interface Figures {
  runtime: string;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

async function measure(runtime: string): Promise<Figures> {
  const { child, port } = await start(await commandFor(runtime));
  try {
    const sockets = await Promise.all(Array.from({ length: clients }, () => connect(`http://127.0.0.1:${port}`)));
    const latencies: number[] = [];
    let recording = false;
    let running = true;
    const loop = async (socket: Socket): Promise<void> => {
      for (let n = 0; running; n++) {
        const sent = performance.now();
        const back: unknown = await socket.timeout(5000).emitWithAck("rt", n);
        if (back !== n) throw new Error(`ack ${String(back)} for ${n}`);
        if (recording) latencies.push(performance.now() - sent);
      }
    };
    const loops = sockets.map(loop);
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    recording = true;
    const begin = performance.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    recording = false;
    const elapsed = (performance.now() - begin) / 1000;
    running = false;
    await Promise.all(loops);
    for (const socket of sockets) socket.close();
    latencies.sort((a, b) => a - b);
    const at = (p: number): number => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
    return { runtime, perSecond: latencies.length / elapsed, p50: at(50), p99: at(99), max: latencies[latencies.length - 1] ?? Number.NaN };
  } finally {
    child.kill("SIGTERM");
  }
}

console.log(`${clients} clients × sequential acks over WebSocket, ${seconds} s each (after ${WARMUP_MS} ms warm-up)\n`);
console.log("runtime   round trips/s   p50 ms   p99 ms   max ms");
for (const runtime of runtimes) {
  const f = await measure(runtime);
  console.log(
    `${f.runtime.padEnd(9)} ${f.perSecond.toFixed(0).padStart(13)}   ${f.p50.toFixed(2).padStart(6)}   ${f.p99.toFixed(2).padStart(6)}   ${f.max.toFixed(1).padStart(6)}`,
  );
}
process.exit(0);
