// unio codec vs the official socket.io-parser + engine.io-parser, and vs the JSON floor.
//
//   node scripts/run-ts.mjs bench/codec.bench.ts [--quick] [--wall] [--rounds N] [--ms N] [small|object|ack|binary|polling...]
//   (npm run bench does the same)
//
// Every case measures the FULL path of one side of a connection:
//   encode: Socket.IO packet → Socket.IO frames → Engine.IO wire messages ("4…" text plus raw
//           binary for WebSocket; one "\x1e"-joined body for the polling case)
//   decode: Engine.IO wire messages → Engine.IO packets → Socket.IO packet (attachments back in)
// The official pair runs the same path (socket.io-parser's Encoder/Decoder around
// engine.io-parser's encodePacket/decodePacket/encodePayload/decodePayload). The floor is
// JSON.stringify / JSON.parse of the packet's arguments alone: the least any JSON codec must
// do. With binary, the floor's JSON is the arguments with placeholders in place of the bytes
// (stringifying a 64 KB Uint8Array as an object of 65 536 keys would be a straw man).
//
// Method: each (case, direction, implementation) is warmed up, then runs in batches sized to
// ~`ms` ms; rounds interleave the implementations (order alternating). ops/s are medians
// over the rounds; the ratios are medians of the ratios within each round (see `measure`).
// Time is this process's CPU time (see `now`). MB/s counts the bytes on the wire (UTF-8
// text plus attachment bytes) per operation. All cases run in one process, one after the
// other, as a server sees them: the JIT's view of our code is not monomorphic.

import * as eio from "engine.io-parser";
import * as sio from "socket.io-parser";
import { Decoder, decodePacket, decodePayload, Encoder, encodePacket, encodePayload } from "../src/codec/index.js";
import type { EnginePacket, Packet } from "../src/codec/index.js";

// ───────────────────────────── options ─────────────────────────────
const argv = process.argv.slice(2);
const options = { quick: false, wall: false, rounds: undefined as number | undefined, ms: undefined as number | undefined };
const only: string[] = [];
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i]!;
  if (arg === "--quick") options.quick = true;
  else if (arg === "--wall") options.wall = true;
  else if (arg === "--rounds") options.rounds = Number(argv[++i]);
  else if (arg === "--ms") options.ms = Number(argv[++i]);
  else only.push(arg);
}
// Many short interleaved rounds: on a shared machine, load that comes and goes then hits
// every implementation alike, and the median drops the disturbed rounds.
const ROUNDS = options.rounds ?? (options.quick ? 11 : 31);
const BATCH_MS = options.ms ?? (options.quick ? 10 : 20);

// ───────────────────────────── cases ─────────────────────────────
interface Case {
  name: string;
  title: string;
  /** Socket.IO packets sent together (one unless polling). */
  packets: Packet[];
  polling: boolean;
}

function profile(i: number): Record<string, unknown> {
  return {
    id: 100_000 + i,
    user: `user-${i}`,
    name: "Ada Lovelace",
    email: `ada${i}@example.com`,
    verified: i % 2 === 0,
    score: 1234.5 + i,
    roles: ["admin", "editor", "viewer"],
    address: { street: "12 Analytical Engine Road", city: "London", zip: "NW1 6XE", country: "GB" },
    preferences: { theme: "dark", language: "en-GB", notifications: { email: true, sms: false, push: true } },
    tags: ["math", "poetry", "engines", "notes", "bernoulli"],
    history: [
      { at: 1700000000000 + i, action: "login", ip: "192.0.2.1" },
      { at: 1700000360000 + i, action: "post", ip: "192.0.2.1" },
      { at: 1700000720000 + i, action: "logout", ip: "192.0.2.1" },
    ],
    bio: "Wrote the first algorithm intended to be carried out by a machine; saw that it could go beyond numbers.",
    friends: [
      { id: 1, name: "Charles Babbage", online: true },
      { id: 2, name: "Mary Somerville", online: false },
      { id: 3, name: "Augustus De Morgan", online: true },
    ],
    stats: { posts: 1843, followers: 99_120, following: 12, likes: 4.5e5, ratio: 0.137 },
    locale: "en-GB",
    avatar: "https://cdn.example.com/u/100001/avatar-256x256.png",
  };
}

const binary64k = new Uint8Array(65_536).map((_, i) => (i * 31) & 255);

const ALL_CASES: Case[] = [
  {
    name: "small",
    title: "(a) small event on /",
    packets: [{ type: 2, nsp: "/", data: ["chat", "hello world"] }],
    polling: false,
  },
  {
    name: "object",
    title: "(b) ~1 KB object on /chat",
    packets: [{ type: 2, nsp: "/chat", data: ["profile", profile(1)] }],
    polling: false,
  },
  {
    name: "ack",
    title: "(c) ack with id",
    packets: [{ type: 3, nsp: "/", id: 4242, data: [null, { status: "ok", count: 17 }] }],
    polling: false,
  },
  {
    name: "binary",
    title: "(d) 64 KB binary event",
    packets: [{ type: 2, nsp: "/", data: ["upload", { name: "photo.jpg", size: 65_536 }, binary64k] }],
    polling: false,
  },
  {
    name: "polling",
    title: "(e) 16-packet polling payload",
    packets: Array.from({ length: 16 }, (_, i): Packet =>
      i % 4 === 3
        ? { type: 3, nsp: "/", id: i, data: [{ ok: true, n: i }] }
        : { type: 2, nsp: i % 2 === 0 ? "/" : "/chat", data: ["message", { from: `user-${i}`, text: `message number ${i} says hi`, ts: 1700000000000 + i }] },
    ),
    polling: true,
  },
];
const CASES = ALL_CASES.filter((c) => only.length === 0 || only.includes(c.name));

// ───────────────────────────── implementations ─────────────────────────────
type Wire = Array<string | Uint8Array>;

/** Our full encode path: Socket.IO frames, then Engine.IO messages. */
function makeOurs(c: Case): { encode: () => unknown; decode: () => unknown; wire: Wire } {
  const encoder = new Encoder();
  const decoder = new Decoder();
  const packets = c.packets;
  const encode = c.polling
    ? (): string => {
        const messages: EnginePacket[] = [];
        for (const packet of packets) for (const frame of encoder.encode(packet)) messages.push({ type: "message", data: frame });
        return encodePayload(messages);
      }
    : (): Wire => {
        const frames = encoder.encode(packets[0]!);
        const out: Wire = [];
        for (const frame of frames) out.push(encodePacket({ type: "message", data: frame }, true));
        return out;
      };
  const produced = encode();
  const wire: Wire = typeof produced === "string" ? [produced] : (produced as Wire).map(asBuffer);
  const decode = c.polling
    ? (): number => {
        let n = 0;
        for (const message of decodePayload(wire[0] as string)) {
          if (decoder.add(message.data!) !== undefined) n++;
        }
        return n;
      }
    : (): Packet | undefined => {
        let packet: Packet | undefined;
        for (const frame of wire) packet = decoder.add(decodePacket(frame).data!);
        return packet;
      };
  return { encode, decode, wire };
}

/** The official pair's full path, as engine.io and socket.io call them. */
function makeTheirs(c: Case, wire: Wire): { encode: () => unknown; decode: () => unknown } {
  const encoder = new sio.Encoder();
  const decoder = new sio.Decoder();
  let last: unknown;
  decoder.on("decoded", (packet: unknown) => {
    last = packet;
  });
  const packets = c.packets as unknown as sio.Packet[];
  const encode = c.polling
    ? (): string => {
        const messages: eio.Packet[] = [];
        for (const packet of packets) {
          for (const frame of encoder.encode(packet) as Array<string | Buffer>) messages.push({ type: "message", data: frame });
        }
        let body = "";
        eio.encodePayload(messages, (encoded) => {
          body = encoded;
        });
        return body;
      }
    : (): unknown[] => {
        const out: unknown[] = [];
        for (const frame of encoder.encode(packets[0]!) as Array<string | Buffer>) {
          eio.encodePacket({ type: "message", data: frame }, true, (encoded) => {
            out.push(encoded);
          });
        }
        return out;
      };
  const decode = c.polling
    ? (): unknown => {
        for (const message of eio.decodePayload(wire[0] as string)) decoder.add(message.data);
        return last;
      }
    : (): unknown => {
        for (const frame of wire) decoder.add(eio.decodePacket(frame as string | Buffer).data);
        return last;
      };
  return { encode, decode };
}

/** The floor: JSON of each packet's arguments, binary as placeholders. */
function makeFloor(c: Case): { encode: () => unknown; decode: () => unknown } {
  const encoder = new Encoder();
  const args = c.packets.map((p) => p.data);
  // The JSON the arguments make with placeholders in place of binary (what must be stringified).
  const texts = c.packets.map((p) => {
    const text = encoder.encode(p)[0];
    return text.slice(text.indexOf("["));
  });
  const withPlaceholders = texts.map((t) => JSON.parse(t) as unknown);
  const values = c.name === "binary" ? withPlaceholders : args;
  return {
    encode: () => {
      let n = 0;
      for (const value of values) n += JSON.stringify(value).length;
      return n;
    },
    decode: () => {
      let last: unknown;
      for (const text of texts) last = JSON.parse(text);
      return last;
    },
  };
}

/** Node's WebSocket and HTTP hand the engine Buffers: give both sides the same ones. */
function asBuffer(frame: string | Uint8Array): string | Uint8Array {
  return typeof frame === "string" ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}

function wireBytes(wire: Wire): number {
  let n = 0;
  for (const frame of wire) n += typeof frame === "string" ? Buffer.byteLength(frame) : frame.byteLength;
  return n;
}

// ───────────────────────────── measuring ─────────────────────────────
let sink = 0;
function consume(value: unknown): void {
  if (value === undefined) sink++;
  else if (typeof value === "string") sink += value.length;
  else if (typeof value === "number") sink += value;
  else sink ^= 1;
}

/**
 * The clock: CPU time of this process by default, so that other processes competing for the
 * cores (a shared CI machine) do not count; `--wall` uses elapsed time instead.
 */
function now(): number {
  if (options.wall) return performance.now();
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Iterations that take about `BATCH_MS`. */
function calibrate(fn: () => unknown): number {
  let n = 1;
  for (;;) {
    const start = now();
    for (let i = 0; i < n; i++) consume(fn());
    const elapsed = now() - start;
    if (elapsed > BATCH_MS / 2) return Math.max(1, Math.round((n * BATCH_MS) / elapsed));
    n *= 2;
  }
}

function batch(fn: () => unknown, n: number): number {
  const start = now();
  for (let i = 0; i < n; i++) consume(fn());
  return (n * 1000) / (now() - start);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const geomean = (values: number[]): number => Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
const gc = (globalThis as { gc?: () => void }).gc;

interface Measured {
  /** Median ops/s of each implementation. */
  ops: Record<string, number>;
  /** Median, over the rounds, of ours ÷ each other implementation within the same round. */
  ratio: Record<string, number>;
}

/**
 * Rounds interleave the implementations (order alternating), each a batch of ~BATCH_MS.
 * Ratios are taken within a round and then the median over rounds, so load that drifts
 * during the run cancels out instead of landing on whichever ran at a bad moment.
 */
function measure(fns: Record<string, () => unknown>): Measured {
  const names = Object.keys(fns);
  const sizes: Record<string, number> = {};
  for (const name of names) {
    for (let i = 0; i < 3; i++) calibrate(fns[name]!); // warm up: let the JIT settle
    sizes[name] = calibrate(fns[name]!);
  }
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? [...names].reverse() : names) {
      gc?.();
      samples[name]!.push(batch(fns[name]!, sizes[name]!));
    }
  }
  const ours = samples["ours"]!;
  return {
    ops: Object.fromEntries(names.map((n) => [n, median(samples[n]!)])),
    ratio: Object.fromEntries(names.map((n) => [n, median(ours.map((o, i) => o / samples[n]![i]!))])),
  };
}

// ───────────────────────────── report ─────────────────────────────
const fmtOps = (ops: number): string =>
  ops >= 1e6 ? `${(ops / 1e6).toFixed(2)} M` : ops >= 1e3 ? `${(ops / 1e3).toFixed(1)} k` : ops.toFixed(0);
const fmtMB = (mbs: number): string => (mbs >= 100 ? mbs.toFixed(0) : mbs.toFixed(1));
const fmtX = (x: number): string => `${x.toFixed(2)}×`;
const pad = (s: string, n: number, right = false): string => (right ? s.padEnd(n) : s.padStart(n));

interface Row {
  title: string;
  dir: "encode" | "decode";
  bytes: number;
  ours: number;
  theirs: number;
  floor: number;
  vsTheirs: number;
  vsFloor: number;
}

const rows: Row[] = [];
console.log(
  `unio codec benchmark — node ${process.version}, ${ROUNDS} rounds × ~${BATCH_MS} ms of ${options.wall ? "wall" : "CPU"} time, median ops/s\n`,
);
for (const c of CASES) {
  const ours = makeOurs(c);
  const theirs = makeTheirs(c, ours.wire);
  const floor = makeFloor(c);
  const bytes = wireBytes(ours.wire);
  for (const dir of ["encode", "decode"] as const) {
    const { ops, ratio } = measure({ ours: ours[dir], theirs: theirs[dir], floor: floor[dir] });
    rows.push({
      title: c.title,
      dir,
      bytes,
      ours: ops["ours"]!,
      theirs: ops["theirs"]!,
      floor: ops["floor"]!,
      vsTheirs: ratio["theirs"]!,
      vsFloor: ratio["floor"]!,
    });
    process.stdout.write(".");
  }
}
process.stdout.write("\n\n");

const header = [
  pad("case", 30, true),
  pad("dir", 6, true),
  pad("wire B", 7),
  pad("unio ops/s", 11),
  pad("unio MB/s", 10),
  pad("official", 10),
  pad("JSON floor", 11),
  pad("vs official", 12),
  pad("vs floor", 9),
].join(" ");
console.log(header);
console.log("-".repeat(header.length));
for (const r of rows) {
  console.log(
    [
      pad(r.title, 30, true),
      pad(r.dir, 6, true),
      pad(String(r.bytes), 7),
      pad(fmtOps(r.ours), 11),
      pad(fmtMB((r.ours * r.bytes) / 1e6), 10),
      pad(fmtOps(r.theirs), 10),
      pad(fmtOps(r.floor), 11),
      pad(fmtX(r.vsTheirs), 12),
      pad(fmtX(r.vsFloor), 9),
    ].join(" "),
  );
}
console.log("-".repeat(header.length));
for (const dir of ["encode", "decode"] as const) {
  const mine = rows.filter((r) => r.dir === dir);
  const vsOfficial = geomean(mine.map((r) => r.vsTheirs));
  const vsFloor = geomean(mine.map((r) => r.vsFloor));
  console.log(
    `${pad(`geometric mean, ${dir}`, 37, true)} ${" ".repeat(7 + 11 + 10 + 10 + 11 + 4)}${pad(fmtX(vsOfficial), 12)} ${pad(fmtX(vsFloor), 9)}` +
      `   target ≥ 1.50× / ≥ 0.85×: ${vsOfficial >= 1.5 && vsFloor >= 0.85 ? "met" : "NOT met"}`,
  );
}
if (sink === 0.5) console.log(sink); // keep results observable
