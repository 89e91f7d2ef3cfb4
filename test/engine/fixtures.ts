// Scripted conversations with the engine core: fake requests, a recording WebSocket peer, a
// manual clock and predictable session ids. No sockets, no sleeping.

import type { EngineRequest, EngineResponse, WebSocketConnection, WebSocketPeer, WirePacket } from "../../src/engine/contract.js";
import { EngineServer } from "../../src/engine/server.js";
import type { EngineSocket } from "../../src/engine/socket.js";
import type { EngineCloseReason, EngineOptions } from "../../src/engine/types.js";
import { ManualClock } from "../support/manual-clock.js";

export interface Harness {
  engine: EngineServer;
  clock: ManualClock;
  /** Every session the engine announced, in order. */
  sockets: EngineSocket[];
}

/** An engine on a manual clock whose ids are "s1", "s2", … */
export function harness(options: EngineOptions = {}): Harness {
  const clock = new ManualClock();
  let n = 0;
  const engine = new EngineServer({ generateId: () => `s${++n}`, clock, ...options });
  clock.bind(() => engine.tick());
  const sockets: EngineSocket[] = [];
  engine.on("connection", (socket) => sockets.push(socket));
  return { engine, clock, sockets };
}

export interface FakeRequestInit {
  headers?: Record<string, string>;
  body?: string;
  remoteAddress?: string;
  secure?: boolean;
}

/** The headers of a valid WebSocket opening handshake (the key is RFC 6455's example). */
export const WEBSOCKET_HANDSHAKE: Readonly<Record<string, string>> = {
  upgrade: "websocket",
  connection: "Upgrade",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
  "sec-websocket-version": "13",
};

/**
 * A request whose body (if any) is read at once; `readBody` honours the limit like a shim.
 * A request for the websocket transport carries a valid WebSocket handshake, as every real
 * upgrade does; `init.headers` may override those headers (set one to undefined to drop it).
 */
export function fakeRequest(
  method: string,
  url: string,
  init: Omit<FakeRequestInit, "headers"> & { headers?: Record<string, string | undefined> } = {},
): EngineRequest & { reads: number } {
  const handshake = url.includes("transport=websocket") ? WEBSOCKET_HANDSHAKE : {};
  const req = {
    method,
    url,
    headers: { ...handshake, ...init.headers },
    remoteAddress: init.remoteAddress ?? "127.0.0.1",
    secure: init.secure ?? false,
    reads: 0,
    readBody(limit: number): Promise<string | undefined> {
      req.reads++;
      const body = init.body ?? "";
      return Promise.resolve(new TextEncoder().encode(body).byteLength > limit ? undefined : body);
    },
  };
  return req;
}

/** A request whose body arrives when the test says so. */
export function slowPost(url: string, headers: Record<string, string> = {}) {
  let deliver!: (body: string | undefined) => void;
  let fail!: (error: Error) => void;
  const body = new Promise<string | undefined>((resolve, reject) => {
    deliver = resolve;
    fail = reject;
  });
  const req: EngineRequest = {
    method: "POST",
    url,
    headers,
    remoteAddress: "127.0.0.1",
    secure: false,
    readBody: () => body,
  };
  return { req, deliver, fail };
}

/** A WebSocket peer that records what the core does with it. */
export class FakePeer implements WebSocketPeer {
  /** Each `send` call: the packets' data in order. */
  batches: (string | Uint8Array)[][] = [];
  /** The packet objects themselves (to check that broadcasts share one). */
  packets: WirePacket[] = [];
  closedWith: { code: number; reason: string } | undefined;
  /** What `send` answers: false simulates a full send buffer. */
  accepting = true;

  send(packets: readonly WirePacket[]): boolean {
    this.batches.push(packets.map((p) => p.data));
    this.packets.push(...packets);
    return this.accepting;
  }

  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
  }

  /** Every packet sent so far, flattened. */
  get sent(): (string | Uint8Array)[] {
    return this.batches.flat();
  }
}

/** Lets queued microtasks (the engine's write flush, pending promise chains) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** A promise whose outcome can be inspected synchronously. */
export function track<T>(promise: Promise<T>): { readonly settled: boolean; readonly value: T | undefined; promise: Promise<T> } {
  const state: { settled: boolean; value: T | undefined; promise: Promise<T> } = { settled: false, value: undefined, promise };
  promise.then((v) => {
    state.settled = true;
    state.value = v;
  });
  return state;
}

export const Q = "/engine.io/?EIO=4";

/** Performs a polling handshake; returns the session and the handshake response. */
export async function pollingSession(h: Harness, extraQuery = ""): Promise<{ socket: EngineSocket; response: EngineResponse }> {
  const response = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling${extraQuery}`));
  const socket = h.sockets[h.sockets.length - 1];
  if (socket === undefined || response.status !== 200) throw new Error(`handshake failed: ${response.status} ${String(response.body)}`);
  return { socket, response };
}

/** Opens a websocket-only session; returns the session, its peer and the connection. */
export async function websocketSession(
  h: Harness,
): Promise<{ socket: EngineSocket; peer: FakePeer; conn: WebSocketConnection }> {
  const verdict = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket`));
  if (verdict.kind !== "accept") throw new Error(`upgrade refused: ${String(verdict.response.body)}`);
  const peer = new FakePeer();
  const conn = verdict.open(peer);
  const socket = h.sockets[h.sockets.length - 1];
  if (socket === undefined) throw new Error("no session");
  return { socket, peer, conn };
}

/** Records a session's close events. */
export function closes(socket: EngineSocket): { reason: EngineCloseReason; description: string | undefined }[] {
  const seen: { reason: EngineCloseReason; description: string | undefined }[] = [];
  socket.on("close", (reason, description) => seen.push({ reason, description }));
  return seen;
}

/** Records a session's messages. */
export function messages(socket: EngineSocket): (string | Uint8Array)[] {
  const seen: (string | Uint8Array)[] = [];
  socket.on("message", (data) => seen.push(data));
  return seen;
}

export function poll(h: Harness, sid: string, headers?: Record<string, string>) {
  return track(h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling&sid=${sid}`, headers ? { headers } : {})));
}

export function post(h: Harness, sid: string, body: string, headers?: Record<string, string>) {
  return h.engine.handleRequest(fakeRequest("POST", `${Q}&transport=polling&sid=${sid}`, headers ? { body, headers } : { body }));
}
