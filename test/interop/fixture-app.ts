// The server side of the interop suite: one set of handlers that any Socket.IO v4 server
// with socket.io's public API can run — the official `socket.io` (the control), and unio
// on Node, Deno, Bun or a Cloudflare Durable Object. So this file imports nothing and
// touches nothing but that API, typed structurally below: a runtime's test server bundles
// it unchanged.
//
// Every probe the client suite needs is an event with an ack: the client asks, the
// server answers through the ack, so no test has to guess when the server is done.

/** What a handler gets as an ack: socket.io passes a function as the last argument. */
type Ack = (...args: unknown[]) => void;

/** A middleware's `next`: an error refuses the connection (its `data` goes to the client). */
type Next = (err?: Error) => void;

/** The slice of socket.io's `BroadcastOperator` the fixture uses. */
export interface FixtureBroadcast {
  to(room: string | string[]): FixtureBroadcast;
  except(room: string | string[]): FixtureBroadcast;
  emit(event: string, ...args: unknown[]): unknown;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
  fetchSockets(): Promise<ReadonlyArray<FixtureRemoteSocket>>;
  socketsJoin(room: string | string[]): void;
  socketsLeave(room: string | string[]): void;
  disconnectSockets(close?: boolean): void;
}

/** What `fetchSockets()` resolves with, per socket. */
export interface FixtureRemoteSocket {
  readonly id: string;
  readonly rooms: ReadonlySet<string>;
  readonly data: unknown;
}

/** The slice of socket.io's server-side `Socket` the fixture uses. */
export interface FixtureSocket {
  readonly id: string;
  readonly handshake: { readonly auth: object; readonly query: object; readonly address: string };
  readonly nsp: { readonly name: string };
  /** socket.io's `socket.conn.transport.name`: what carries the session now. */
  readonly conn: { readonly transport: { readonly name: string } };
  readonly rooms: ReadonlySet<string>;
  readonly connected: boolean;
  data: unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  send(...args: unknown[]): unknown;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
  join(room: string): unknown;
  leave(room: string): unknown;
  to(room: string | string[]): FixtureBroadcast;
  except(room: string | string[]): FixtureBroadcast;
  readonly broadcast: FixtureBroadcast;
  disconnect(close?: boolean): unknown;
}

/** The slice of socket.io's `Namespace` (and of the `Server`, which acts as "/") used here. */
export interface FixtureNamespace {
  on(event: "connection", listener: (socket: FixtureSocket) => void): unknown;
  use(middleware: (socket: FixtureSocket, next: Next) => void): unknown;
  to(room: string | string[]): FixtureBroadcast;
  in(room: string | string[]): FixtureBroadcast;
  except(room: string | string[]): FixtureBroadcast;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
  fetchSockets(): Promise<ReadonlyArray<FixtureRemoteSocket>>;
}

export interface FixtureServer extends FixtureNamespace {
  of(name: string | RegExp): FixtureNamespace;
}

/**
 * Server options for the suite: a ping every 300 ms (so every case runs with heartbeats
 * going on), a small payload cap for the oversize cases, a short connect timeout, and CORS
 * open so happy-dom's page (origin http://localhost:3000) may connect.
 *
 * pingTimeout is 2000, not 200: a client also gives up after pingInterval + pingTimeout
 * without a ping, and while a polling client upgrades, the server's ping waits in its
 * buffer until the upgrade completes. With 100 clients and the server in one process on a
 * loaded 2-core machine, the official server itself dropped upgrading clients with
 * "ping timeout" at 200 and at 700. A silent client is still dropped within 2.3 s.
 */
export const fixtureOptions = {
  pingInterval: 300,
  pingTimeout: 2000,
  maxHttpBufferSize: 1e5,
  connectTimeout: 1000,
  cors: { origin: "*" },
} as const;

/** The namespace whose middleware refuses any client without `auth.token === "letmein"`. */
export const ADMIN_TOKEN = "letmein";

/** What the server remembers about a socket that left. */
export interface DisconnectRecord {
  readonly nsp: string;
  readonly reason: string;
  /** `socket.rooms` as seen in `disconnecting` (still joined there), sorted. */
  readonly rooms: string[];
}

/** Keeps at most this many records, dropping the oldest. */
const MAX_RECORDS = 2000;

/** Splits a listener's arguments into the data and the ack (the last one, if a function). */
function splitAck(args: unknown[]): [unknown[], Ack | undefined] {
  const last = args[args.length - 1];
  if (typeof last === "function") return [args.slice(0, -1), last as Ack];
  return [args, undefined];
}

/** Registers `handler` for `event`, calling it with the data and an ack that is a no-op when the client asked for none. */
function handle(socket: FixtureSocket, event: string, handler: (args: unknown[], ack: Ack) => void): void {
  socket.on(event, (...raw: unknown[]) => {
    const [args, ack] = splitAck(raw);
    handler(args, ack ?? (() => {}));
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

function asRooms(value: unknown): string | string[] {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  throw new TypeError(`not a room or list of rooms: ${JSON.stringify(value)}`);
}

function sortedRooms(rooms: ReadonlySet<string>): string[] {
  return [...rooms].sort();
}

/**
 * Describes a value with every binary part replaced by `{ bytes: [...] }` (and anything
 * else that is not JSON shown as `{ type }`), so a test can see, through a plain-JSON ack,
 * that the server received real `Uint8Array`s at the right places.
 */
export function describeBinary(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: [...value] };
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return { type: Object.prototype.toString.call(value) };
  }
  if (Array.isArray(value)) return value.map(describeBinary);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = describeBinary(inner);
    return out;
  }
  return value;
}

/** Errors as the client sees them through an ack: their message only. */
function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Sets up every handler and namespace the client suite relies on. */
export function setupFixture(io: FixtureServer): void {
  const records = new Map<string, DisconnectRecord>();
  const recordWaiters = new Map<string, Array<(record: DisconnectRecord) => void>>();
  let connectedToMain = 0;
  let countWaiters: Array<{ atMost: number; resolve: (count: number) => void }> = [];

  const remember = (id: string, record: DisconnectRecord): void => {
    records.set(id, record);
    if (records.size > MAX_RECORDS) {
      const oldest = records.keys().next();
      if (oldest.done !== true) records.delete(oldest.value);
    }
    const waiting = recordWaiters.get(id);
    recordWaiters.delete(id);
    for (const resolve of waiting ?? []) resolve(record);
  };

  /** Common to every namespace: who am I, echo, and the disconnect record. */
  const installBasics = (socket: FixtureSocket): void => {
    let roomsAtDisconnecting: string[] = [];
    socket.on("disconnecting", () => {
      roomsAtDisconnecting = sortedRooms(socket.rooms);
    });
    socket.on("disconnect", (reason: unknown) => {
      remember(socket.id, { nsp: socket.nsp.name, reason: String(reason), rooms: roomsAtDisconnecting });
    });
    handle(socket, "whoami", (_args, ack) => {
      ack({
        id: socket.id,
        nsp: socket.nsp.name,
        auth: socket.handshake.auth,
        query: socket.handshake.query,
        rooms: sortedRooms(socket.rooms),
        data: socket.data,
        transport: socket.conn.transport.name,
        address: socket.handshake.address,
      });
    });
    handle(socket, "echo", (args, ack) => ack(...args));
  };

  io.use((socket, next) => {
    const auth = socket.handshake.auth;
    if (isRecord(auth) && auth["refuse"] === true) next(new Error("refused by io.use"));
    else next();
  });

  io.on("connection", (socket) => {
    connectedToMain++;
    socket.on("disconnect", () => {
      connectedToMain--;
      const still: typeof countWaiters = [];
      for (const waiter of countWaiters) {
        if (connectedToMain <= waiter.atMost) waiter.resolve(connectedToMain);
        else still.push(waiter);
      }
      countWaiters = still;
    });
    installBasics(socket);

    // Echo the arguments back as an event instead of an ack (server → client binary).
    handle(socket, "echo-event", (args, ack) => {
      socket.emit("echoed", ...args);
      ack();
    });
    handle(socket, "describe", (args, ack) => ack(args.map(describeBinary)));
    // Values JSON turns into something else, and binary as views over a larger buffer.
    handle(socket, "json-edges", (_args, ack) => {
      ack({
        date: new Date(0),
        missing: undefined,
        holes: [undefined, 1, () => 2],
        notANumber: Number.NaN,
        custom: { toJSON: () => "custom" },
      });
    });
    handle(socket, "binary-kinds", (_args, ack) => {
      const backing = new Uint8Array([10, 11, 12, 13, 14, 15, 16, 17]);
      ack({
        arrayBuffer: new Uint8Array([1, 2, 3]).buffer,
        offsetView: backing.subarray(2, 5),
        float32: new Float32Array([1.5]),
        dataView: new DataView(backing.buffer, 6, 2),
        empty: new Uint8Array(0),
      });
    });
    handle(socket, "ack-nothing", (_args, ack) => ack());
    socket.on("message", (...args: unknown[]) => {
      socket.send(...args);
    });
    handle(socket, "ignore", () => {
      // Never acks: the client's own timeout must fire.
    });

    // The server asks the client: socket.timeout(ms).emitWithAck or a callback emit.
    handle(socket, "ask-client", (args, ack) => {
      const [request] = args;
      if (!isRecord(request) || typeof request["event"] !== "string") return ack({ error: "bad request" });
      const event = request["event"];
      const payload = Array.isArray(request["args"]) ? request["args"] : [];
      const timeoutMs = typeof request["timeout"] === "number" ? request["timeout"] : undefined;
      if (timeoutMs === undefined) {
        socket.emit(event, ...payload, (...answer: unknown[]) => ack({ ok: answer }));
        return;
      }
      socket
        .timeout(timeoutMs)
        .emitWithAck(event, ...payload)
        .then(
          (answer) => ack({ ok: [answer] }),
          (err: unknown) => ack({ error: errorMessage(err) }),
        );
    });

    // The server asks every socket in a room at once: io.to(room).timeout(ms).emitWithAck.
    handle(socket, "ask-room", (args, ack) => {
      const [request] = args;
      if (!isRecord(request) || typeof request["event"] !== "string") return ack({ error: "bad request" });
      const timeoutMs = typeof request["timeout"] === "number" ? request["timeout"] : 1000;
      io.to(asRooms(request["room"]))
        .timeout(timeoutMs)
        .emitWithAck(request["event"])
        .then(
          (answers) => ack({ ok: Array.isArray(answers) ? [...answers].map(String).sort() : answers }),
          (err: unknown) => ack({ error: errorMessage(err) }),
        );
    });

    // Rooms.
    handle(socket, "join", (args, ack) => {
      for (const room of args) if (typeof room === "string") socket.join(room);
      ack(sortedRooms(socket.rooms));
    });
    handle(socket, "leave", (args, ack) => {
      for (const room of args) if (typeof room === "string") socket.leave(room);
      ack(sortedRooms(socket.rooms));
    });

    // Broadcasts, chosen by `via`:
    //   "socket"    socket.to(to).except(except)       — never the sender
    //   "broadcast" socket.broadcast.except(except)    — everyone but the sender
    //   "io"        io.to(to).except(except)           — the sender too, if it matches
    handle(socket, "broadcast", (args, ack) => {
      const [request] = args;
      if (!isRecord(request) || typeof request["event"] !== "string") return ack({ error: "bad request" });
      const payload = Array.isArray(request["args"]) ? request["args"] : [];
      const to = request["to"] === undefined ? undefined : asRooms(request["to"]);
      const except = request["except"] === undefined ? undefined : asRooms(request["except"]);
      let target: FixtureBroadcast;
      switch (request["via"]) {
        case "socket":
          if (to === undefined) return ack({ error: "socket.to needs a room" });
          target = socket.to(to);
          break;
        case "broadcast":
          target = socket.broadcast;
          if (to !== undefined) target = target.to(to);
          break;
        case "io":
          if (to !== undefined) target = io.to(to);
          else if (except !== undefined) target = io.except(except);
          else return ack({ error: "io needs to or except" });
          break;
        default:
          return ack({ error: "unknown via" });
      }
      if (except !== undefined) target = target.except(except);
      target.emit(request["event"], ...payload);
      ack({ ok: true });
    });

    // Server-side utilities on a room (or on everyone when `in` is absent).
    const select = (request: unknown): FixtureNamespace | FixtureBroadcast =>
      isRecord(request) && request["in"] !== undefined ? io.in(asRooms(request["in"])) : io;
    handle(socket, "fetch-sockets", (args, ack) => {
      select(args[0])
        .fetchSockets()
        .then(
          (sockets) =>
            ack(
              sockets
                .map((s) => ({ id: s.id, rooms: sortedRooms(s.rooms), data: s.data }))
                .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
            ),
          (err: unknown) => ack({ error: errorMessage(err) }),
        );
    });
    handle(socket, "sockets-join", (args, ack) => {
      const [request] = args;
      if (!isRecord(request) || request["in"] === undefined) return ack({ error: "bad request" });
      io.in(asRooms(request["in"])).socketsJoin(asRooms(request["room"]));
      ack({ ok: true });
    });
    handle(socket, "sockets-leave", (args, ack) => {
      const [request] = args;
      if (!isRecord(request) || request["in"] === undefined) return ack({ error: "bad request" });
      io.in(asRooms(request["in"])).socketsLeave(asRooms(request["room"]));
      ack({ ok: true });
    });
    handle(socket, "disconnect-sockets", (args, ack) => {
      const [request] = args;
      if (!isRecord(request) || request["in"] === undefined) return ack({ error: "bad request" });
      // Ack first: the caller may be one of the sockets about to go.
      ack({ ok: true });
      io.in(asRooms(request["in"])).disconnectSockets(request["close"] === true);
    });

    handle(socket, "set-data", (args, ack) => {
      socket.data = args[0];
      ack();
    });

    // The server ends this socket: socket.disconnect(close).
    handle(socket, "disconnect-me", (args, ack) => {
      ack();
      socket.disconnect(args[0] === true);
    });

    // Answers once the server has recorded why socket `id` left (at once if it already has).
    handle(socket, "wait-disconnect", (args, ack) => {
      const id = String(args[0]);
      const known = records.get(id);
      if (known !== undefined) return ack(known);
      const waiting = recordWaiters.get(id) ?? [];
      waiting.push((record) => ack(record));
      recordWaiters.set(id, waiting);
    });

    // Answers once at most `atMost` sockets are connected to "/" (at once if already so).
    handle(socket, "wait-count", (args, ack) => {
      const atMost = typeof args[0] === "number" ? args[0] : 0;
      if (connectedToMain <= atMost) return ack(connectedToMain);
      countWaiters.push({ atMost, resolve: (count) => ack(count) });
    });
    handle(socket, "count", (_args, ack) => ack(connectedToMain));

    // Ordered traffic for the upgrade case: every "seq" is recorded and echoed back.
    const seen: unknown[] = [];
    socket.on("seq", (n: unknown) => {
      seen.push(n);
      socket.emit("seq", n);
    });
    handle(socket, "seq-result", (_args, ack) => ack(seen));
  });

  // A namespace behind a middleware that refuses with `data`.
  const admin = io.of("/admin");
  admin.use((socket, next) => {
    const auth = socket.handshake.auth;
    if (isRecord(auth) && auth["token"] === ADMIN_TOKEN) return next();
    const err = new Error("not authorized") as Error & { data?: unknown };
    err.data = { code: "E_AUTH", token: isRecord(auth) ? (auth["token"] ?? null) : null };
    next(err);
  });
  admin.on("connection", installBasics);

  // A dynamic namespace: any "/dyn-<digits>" exists on first use.
  io.of(/^\/dyn-\d+$/).on("connection", installBasics);
}
