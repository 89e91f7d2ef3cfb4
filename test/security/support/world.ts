// A Socket.IO server over the REAL EngineServer, on a manual clock, with scripted clients
// that speak the wire through fake WebSocket peers and fake HTTP requests. Hostile tests
// use it to attack one connection and then check that a well-behaved bystander is still
// served, and that nothing (sessions, deadlines, sockets, rooms) is left behind.
//
// Ids: engine sessions and Socket.IO sockets draw from one counter ("id1", "id2", …).

import type { EngineRequest, EngineResponse, WebSocketConnection, WebSocketPeer, WirePacket } from "../../../src/engine/contract.js";
import { Server } from "../../../src/io/server.js";
import type { ServerOptions } from "../../../src/io/server.js";
import type { Socket } from "../../../src/io/socket.js";
import { InMemoryAdapter } from "../../../src/io/adapter.js";
import { ManualClock } from "../../support/manual-clock.js";

export const PATH = "/socket.io/";
export const Q = `${PATH}?EIO=4`;

/** Lets queued microtasks run: the engine's write flush and pending promise chains. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** A request whose body is whatever the test says; `readBody` honours the limit like a shim. */
export function request(
  method: string,
  url: string,
  init: { body?: string; headers?: Record<string, string> } = {},
): EngineRequest {
  return {
    method,
    url,
    headers: init.headers ?? {},
    remoteAddress: "192.0.2.1",
    secure: false,
    readBody(limit: number): Promise<string | undefined> {
      const body = init.body ?? "";
      return Promise.resolve(new TextEncoder().encode(body).byteLength > limit ? undefined : body);
    },
  };
}

/** The headers of a valid RFC 6455 opening handshake (the core checks key and version). */
export const WEBSOCKET_HEADERS: Readonly<Record<string, string>> = {
  upgrade: "websocket",
  connection: "Upgrade",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
  "sec-websocket-version": "13",
};

/** A WebSocket upgrade request for `url` with valid handshake headers (plus `headers`). */
export function upgradeRequest(url: string, headers: Record<string, string> = {}): EngineRequest {
  return request("GET", url, { headers: { ...WEBSOCKET_HEADERS, ...headers } });
}

/** A request whose body never arrives (a client that stops mid-upload). */
export function neverEndingPost(url: string): EngineRequest {
  return {
    method: "POST",
    url,
    headers: { "content-type": "text/plain;charset=UTF-8" },
    remoteAddress: "192.0.2.1",
    secure: false,
    readBody: () => new Promise<string | undefined>(() => {}),
  };
}

/** A WebSocket peer that records what the core hands it; `accepting = false` plays a client that stopped reading. */
export class Peer implements WebSocketPeer {
  packets: WirePacket[] = [];
  closedWith: { code: number; reason: string } | undefined;
  accepting = true;
  /** False: count packets without keeping them (long floods). */
  keep = true;
  /** Packets handed over so far, kept or not. */
  received = 0;
  private seen = 0;

  send(packets: readonly WirePacket[]): boolean {
    this.received += packets.length;
    if (this.keep) this.packets.push(...packets);
    return this.accepting;
  }

  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
  }

  /** What was sent since the last call. */
  take(): Array<string | Uint8Array> {
    const fresh = this.packets.slice(this.seen).map((p) => p.data);
    this.seen = this.packets.length;
    return fresh;
  }
}

/** One client over a WebSocket: the peer the core writes to and the connection it reads from. */
export interface WsClient {
  readonly sid: string;
  readonly peer: Peer;
  readonly conn: WebSocketConnection;
  /** Sends Engine.IO messages as written on the wire ("40", "42[…]", bytes). */
  send(...messages: Array<string | Uint8Array>): void;
}

export interface World {
  io: Server;
  clock: ManualClock;
  /** Everything reported through `onUserError`, with its socket. */
  errors: Array<{ error: unknown; socket: Socket | undefined }>;
  /** A websocket-only session (no namespace joined yet). */
  websocket(query?: string): Promise<WsClient>;
  /** A websocket session that joined "/" (its CONNECT answer taken). */
  joined(): Promise<WsClient>;
  /** A polling handshake: its sid and the open packet. */
  polling(query?: string): Promise<{ sid: string; open: string }>;
  get(sid: string): Promise<EngineResponse>;
  post(sid: string, body: string, headers?: Record<string, string>): Promise<EngineResponse>;
  /** A fresh client joins "/", asks for an echo with an ack, gets it, and leaves: true when all went right. */
  healthy(): Promise<boolean>;
}

/** The application every hostile test runs: `echo` answers its arguments through the ack. */
export function installEcho(io: Server): void {
  io.on("connection", (socket) => {
    socket.on("echo", (...args: unknown[]) => {
      const ack = args.pop();
      if (typeof ack === "function") (ack as (...a: unknown[]) => void)(...args);
    });
  });
}

export function world(options: ServerOptions = {}): World {
  const clock = new ManualClock();
  clock.time = 1_700_000_000_000;
  let n = 0;
  const errors: World["errors"] = [];
  const io = new Server({
    clock,
    generateId: () => `id${++n}`,
    onUserError: (error, socket) => errors.push({ error, socket }),
    ...options,
  });
  clock.bind(() => io.engine.tick());
  installEcho(io);

  const websocket = async (query = ""): Promise<WsClient> => {
    const verdict = await io.engine.handleUpgrade(upgradeRequest(`${Q}&transport=websocket${query}`));
    if (verdict.kind !== "accept") throw new Error(`upgrade refused: ${String(verdict.response.body)}`);
    const peer = new Peer();
    const conn = verdict.open(peer);
    const open = peer.take()[0];
    if (typeof open !== "string" || !open.startsWith("0{")) throw new Error(`no open packet: ${String(open)}`);
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    return {
      sid,
      peer,
      conn,
      send: (...messages) => {
        for (const m of messages) conn.message(m);
      },
    };
  };

  const joined = async (): Promise<WsClient> => {
    const client = await websocket();
    client.send("40");
    await settle();
    const answer = client.peer.take();
    if (answer.length !== 1 || typeof answer[0] !== "string" || !answer[0].startsWith('40{"sid":')) {
      throw new Error(`CONNECT not answered: ${JSON.stringify(answer)}`);
    }
    return client;
  };

  const polling = async (query = ""): Promise<{ sid: string; open: string }> => {
    const response = await io.engine.handleRequest(request("GET", `${Q}&transport=polling${query}`));
    const body = String(response.body);
    if (response.status !== 200 || !body.startsWith("0{")) throw new Error(`handshake failed: ${response.status} ${body}`);
    return { sid: (JSON.parse(body.slice(1)) as { sid: string }).sid, open: body };
  };

  const get = (sid: string) => io.engine.handleRequest(request("GET", `${Q}&transport=polling&sid=${sid}`));
  const post = (sid: string, body: string, headers?: Record<string, string>) =>
    io.engine.handleRequest(
      request("POST", `${Q}&transport=polling&sid=${sid}`, headers === undefined ? { body } : { body, headers }),
    );

  const healthy = async (): Promise<boolean> => {
    const client = await joined();
    client.send('421["echo","still here",{"n":1}]');
    await settle();
    const answer = client.peer.take();
    const open = client.peer.closedWith === undefined;
    client.send("1"); // the client leaves: its session must not linger
    await settle();
    return open && answer.length === 1 && answer[0] === '431["still here",{"n":1}]';
  };

  return { io, clock, errors, websocket, joined, polling, get, post, healthy };
}

/**
 * What a server holds once every client is gone: sessions, deadlines, sockets, rooms and
 * pending joins, per namespace. Compared before and after an attack, it must not grow.
 */
export function footprint(io: Server): {
  sessions: number;
  timers: number;
  namespaces: number;
  sockets: number;
  rooms: number;
} {
  let sockets = 0;
  let rooms = 0;
  for (const nsp of io._nsps.values()) {
    sockets += nsp.sockets.size;
    if (nsp.adapter instanceof InMemoryAdapter) rooms += nsp.adapter.rooms.size + nsp.adapter.sids.size;
  }
  return { sessions: io.engine.clientsCount, timers: io.engine.timers.size, namespaces: io._nsps.size, sockets, rooms };
}

/** What an empty server holds: no session, no deadline, "/" only, no socket, no room. */
export const EMPTY = { sessions: 0, timers: 0, namespaces: 1, sockets: 0, rooms: 0 } as const;
