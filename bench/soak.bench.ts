// Soak: connections churned over both transports for a while, against a server in its own
// process, with the server's heap and RSS (after a full GC), sessions, deadlines and
// sockets sampled every few seconds. A leak shows as a heap that keeps climbing, or as
// sessions/deadlines left once the churn stops.
//
//   node scripts/run-ts.mjs bench/soak.bench.ts [--seconds 120] [--every 10] [--concurrency 20] [--servers unio-node,socketio]
//
// Each cycle is one of: socket.io-client over websocket (connect, ack, disconnect);
// socket.io-client polling then upgrading (same); a raw websocket that joins, gets an ack
// and drops the TCP connection without a close; a raw polling session that joins, polls,
// gets an ack and sends its close packet.

import { io } from "socket.io-client";
import { http, pollingHandshake, pollingPath } from "./hostile/clients/raw-http.js";
import { RawWs } from "./hostile/clients/raw-ws.js";
import type { ServerStats } from "./hostile/control-protocol.js";
import { buildTarget, Target, TARGETS, type TargetSpec } from "./hostile/targets.js";

const MB = 1024 * 1024;

interface Options {
  readonly seconds: number;
  readonly every: number;
  readonly concurrency: number;
  readonly servers: TargetSpec[];
}

function parse(argv: readonly string[]): Options {
  const value = (flag: string, fallback: string): string => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
  };
  const names = value("--servers", "unio-node").split(",");
  return {
    seconds: Number(value("--seconds", "120")),
    every: Number(value("--every", "10")),
    concurrency: Number(value("--concurrency", "20")),
    servers: names.map((name) => {
      const spec = TARGETS.find((t) => t.name === name);
      if (!spec) throw new Error(`unknown server ${name} (known: ${TARGETS.map((t) => t.name).join(", ")})`);
      return spec;
    }),
  };
}

async function sioCycle(url: string, websocketOnly: boolean): Promise<boolean> {
  const socket = io(url, { forceNew: true, reconnection: false, transports: websocketOnly ? ["websocket"] : ["polling", "websocket"], timeout: 5000 });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    return (await socket.timeout(5000).emitWithAck("echo", "soak")) === "soak";
  } catch {
    return false;
  } finally {
    socket.disconnect();
  }
}

async function rawDropCycle(port: number): Promise<boolean> {
  try {
    const { ws } = await RawWs.joined(port);
    const from = ws.messages.length;
    ws.text('421["echo","soak"]');
    const answer = await ws.next((m) => m === '431["soak"]', 5000, from).then(() => true, () => false);
    ws.destroy(); // no close frame: the server sees the TCP connection drop
    return answer;
  } catch {
    return false;
  }
}

async function rawPollingCycle(port: number): Promise<boolean> {
  try {
    const sid = await pollingHandshake(port);
    // CONNECT on its own first: the official server closes a connection whose CONNECT and
    // first event come in one payload.
    await http(port, "POST", pollingPath(sid), "40", { "content-type": "text/plain;charset=UTF-8" }, 5000);
    await http(port, "GET", pollingPath(sid), undefined, {}, 5000);
    const post = await http(port, "POST", pollingPath(sid), '421["echo","soak"]', { "content-type": "text/plain;charset=UTF-8" }, 5000);
    let seen = "";
    for (let i = 0; i < 3 && !seen.includes('431["soak"]'); i++) seen += (await http(port, "GET", pollingPath(sid), undefined, {}, 5000)).body;
    await http(port, "POST", pollingPath(sid), "1", {}, 5000);
    return post.status === 200 && seen.includes('431["soak"]');
  } catch {
    return false;
  }
}

function cycle(target: Target, i: number): Promise<boolean> {
  switch (i % 4) {
    case 0:
      return sioCycle(target.url, true);
    case 1:
      return sioCycle(target.url, false);
    case 2:
      return rawDropCycle(target.port);
    default:
      return rawPollingCycle(target.port);
  }
}

function row(label: string, s: ServerStats, cycles: number, failed: number): string {
  return `| ${label} | ${cycles} | ${failed} | ${s.sessions} | ${s.timers ?? "n/a"} | ${s.sockets} | ${(s.heapBytes / MB).toFixed(1)} | ${(s.rssBytes / MB).toFixed(0)} |`;
}

async function soak(root: string, spec: TargetSpec, options: Options): Promise<boolean> {
  const built = await buildTarget(root, spec);
  if (!built.ok) {
    console.log(`\n${spec.label}: skipped, ${built.reason}`);
    return true;
  }
  const target = await Target.start(root, spec, built.file);
  try {
    console.log(`\n## Soak: ${spec.label}, ${options.seconds} s, ${options.concurrency} clients at a time\n`);
    console.log("| t (s) | cycles | failed | sessions | timers | sockets | heap MB | RSS MB |");
    console.log("|---|---|---|---|---|---|---|---|");
    const start = await target.stats(true);
    console.log(row("start", start, 0, 0));
    const t0 = performance.now();
    const deadline = t0 + options.seconds * 1000;
    let cycles = 0;
    let failed = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (performance.now() < deadline && target.exited === undefined) {
        const ok = await cycle(target, next++);
        cycles++;
        if (!ok) failed++;
      }
    };
    const workers = Array.from({ length: options.concurrency }, worker);
    const samples: ServerStats[] = [];
    const sampler = (async () => {
      for (let t = options.every; t < options.seconds; t += options.every) {
        await new Promise((r) => setTimeout(r, t0 + t * 1000 - performance.now()));
        if (target.exited !== undefined) return;
        const s = await target.stats(true);
        samples.push(s);
        console.log(row(String(t), s, cycles, failed));
      }
    })();
    await Promise.all([...workers, sampler]);
    if (target.exited !== undefined) {
      console.log(`\nthe server died: ${target.exited}\n${target.stderrTail.slice(-800)}`);
      return false;
    }
    // Let the last closes land (a dropped websocket is noticed at once; nothing waits for a heartbeat).
    let end = await target.stats(true);
    for (let i = 0; i < 20 && end.sessions > 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      end = await target.stats(true);
    }
    console.log(row("end", end, cycles, failed));
    const clean = end.sessions === 0 && end.sockets === 0 && (end.timers ?? 0) === 0;
    const firstHalf = samples.slice(0, Math.max(1, Math.floor(samples.length / 2)));
    const base = firstHalf.length > 0 ? Math.min(...firstHalf.map((s) => s.heapBytes)) : start.heapBytes;
    console.log(
      `\n${cycles} cycles (${(cycles / options.seconds).toFixed(0)}/s), ${failed} failed. ` +
        `At the end: ${clean ? "no session, socket or deadline left" : "LEFT BEHIND"}; ` +
        `heap ${(start.heapBytes / MB).toFixed(1)} MB at start, ${(base / MB).toFixed(1)} MB lowest in the first half, ${(end.heapBytes / MB).toFixed(1)} MB at the end; ` +
        `RSS ${(start.rssBytes / MB).toFixed(0)} → ${(end.rssBytes / MB).toFixed(0)} MB.`,
    );
    return clean && failed === 0;
  } finally {
    await target.stop();
  }
}

const options = parse(process.argv.slice(2));
let ok = true;
for (const spec of options.servers) ok = (await soak(process.cwd(), spec, options)) && ok;
process.exitCode = ok ? 0 : 1;
