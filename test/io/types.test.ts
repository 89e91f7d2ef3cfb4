// Typed events, checked by the type checker (`npx tsc -p tsconfig.json`): every
// `expectTypeOf` and `@ts-expect-error` below fails the type check when the typings are
// wrong. At run time the test only constructs the server. Includes the cases of socket.io
// issues #4813, #4925, #5257 and #5367.

import { describe, expect, expectTypeOf, it } from "vitest";
import type { EngineCloseReason } from "../../src/engine/types.js";
import type { FetchedSocket } from "../../src/io/broadcast-operator.js";
import type { DisconnectReason } from "../../src/io/reasons.js";
import { Server } from "../../src/io/server.js";
import type { Socket } from "../../src/io/socket.js";

interface ClientToServer {
  chat: (msg: string, ack: (ok: boolean) => void) => void;
  ping: () => void;
  upload: (data: Uint8Array, meta?: { name: string }) => void;
}

interface ServerToClient {
  news: (title: string, n: number) => void;
  ask: (question: string, ack: (answer: number, extra: string) => void) => void;
  noArgAck: (ack: () => void) => void;
  /** socket.io #5257: an ack whose only parameter is an Error. */
  errAck: (ack: (err: Error) => void) => void;
  /** socket.io #5367: an event declared without an ack. */
  gameJoin: (args: { game: string }) => void;
  message: (text: string) => void;
}

interface InterServer {
  sync: (n: number) => void;
}

interface Data {
  user: string;
}

type TypedSocket = Socket<ClientToServer, ServerToClient, InterServer, Data>;

function typedChecks(io: Server<ClientToServer, ServerToClient, InterServer, Data>, socket: TypedSocket): void {
  // Listening: handler arguments come from ListenEvents, the ack with its declared type.
  socket.on("chat", (msg, ack) => {
    expectTypeOf(msg).toEqualTypeOf<string>();
    expectTypeOf(ack).toEqualTypeOf<(ok: boolean) => void>();
  });
  socket.on("upload", (data, meta) => {
    expectTypeOf(data).toEqualTypeOf<Uint8Array>();
    expectTypeOf(meta).toEqualTypeOf<{ name: string } | undefined>();
  });
  socket.on("disconnect", (reason) => expectTypeOf(reason).toEqualTypeOf<DisconnectReason>());
  socket.on("disconnecting", (reason) => expectTypeOf(reason).toEqualTypeOf<DisconnectReason>());
  socket.on("error", (err) => expectTypeOf(err).toEqualTypeOf<Error>());
  // @ts-expect-error: not an event the client sends
  socket.on("nope", () => {});
  // @ts-expect-error: wrong handler parameter type
  socket.on("chat", (msg: number) => msg);
  socket.once("ping", () => {});
  socket.off("ping");

  // Emitting to one socket: arguments checked against EmitEvents, the ack included.
  socket.emit("news", "title", 1);
  // @ts-expect-error: wrong argument type
  socket.emit("news", 1, 1);
  // @ts-expect-error: not an event the server sends
  socket.emit("unknown");
  socket.emit("ask", "q?", (answer, extra) => {
    expectTypeOf(answer).toEqualTypeOf<number>();
    expectTypeOf(extra).toEqualTypeOf<string>();
  });

  // timeout(): the ack gets err first, null on success.
  socket.timeout(1000).emit("ask", "q?", (err, answer, extra) => {
    expectTypeOf(err).toEqualTypeOf<Error | null>();
    expectTypeOf(answer).toEqualTypeOf<number>();
    expectTypeOf(extra).toEqualTypeOf<string>();
  });
  // @ts-expect-error: under timeout() the ack must take the error first
  socket.timeout(1000).emit("ask", "q?", (answer: number, extra: string) => [answer, extra]);

  // emitWithAck resolves to the ack's first argument, with or without timeout (#4925).
  expectTypeOf(socket.emitWithAck("ask", "q?")).toEqualTypeOf<Promise<number>>();
  expectTypeOf(socket.timeout(5).emitWithAck("ask", "q?")).toEqualTypeOf<Promise<number>>();
  expectTypeOf(socket.emitWithAck("noArgAck")).toEqualTypeOf<Promise<void>>();
  // #5257: an ack declared with an Error parameter is usable.
  expectTypeOf(socket.emitWithAck("errAck")).toEqualTypeOf<Promise<Error>>();
  // #5367: an event without a declared ack keeps all its arguments; the answer is unknown.
  expectTypeOf(socket.emitWithAck("gameJoin", { game: "chess" })).toEqualTypeOf<Promise<unknown>>();
  // @ts-expect-error: the ack is not passed to emitWithAck
  void socket.emitWithAck("ask", "q?", () => {});

  socket.send("text");
  // @ts-expect-error: message takes a string
  socket.send(1);

  // Data.
  expectTypeOf(socket.data).toEqualTypeOf<Data>();

  // Broadcasts: no ack without timeout(); with it, one answer per client (#4813).
  io.emit("news", "t", 1);
  io.emit("ask", "q?");
  socket.broadcast.emit("ask", "q?");
  // @ts-expect-error: a broadcast cannot ask for acks without timeout()
  io.emit("ask", "q?", () => {});
  // @ts-expect-error: same, through to()
  io.to("room").emit("ask", "q?", () => {});
  io.timeout(100).emit("ask", "q?", (err, answers) => {
    expectTypeOf(err).toEqualTypeOf<Error | null>();
    expectTypeOf(answers).toEqualTypeOf<number[]>();
  });
  socket.timeout(100).to("room").emit("ask", "q?", (err, answers) => {
    expectTypeOf(err).toEqualTypeOf<Error | null>();
    expectTypeOf(answers).toEqualTypeOf<number[]>();
  });
  expectTypeOf(io.to("room").timeout(100).emitWithAck("ask", "q?")).toEqualTypeOf<Promise<number[]>>();
  expectTypeOf(io.of("/x").timeout(100).emitWithAck("noArgAck")).toEqualTypeOf<Promise<void[]>>();
  // @ts-expect-error: emitWithAck on a broadcast needs timeout()
  void io.to("room").emitWithAck("ask", "q?");

  // fetchSockets.
  void io.fetchSockets().then((sockets) => {
    expectTypeOf(sockets).toEqualTypeOf<FetchedSocket<ServerToClient, Data>[]>();
    expectTypeOf(sockets[0]!.data).toEqualTypeOf<Data>();
    sockets[0]!.emit("news", "t", 2);
    expectTypeOf(sockets[0]!.timeout(5).emitWithAck("ask", "q?")).toEqualTypeOf<Promise<number>>();
  });

  // Server-side events.
  io.serverSideEmit("sync", 1);
  // @ts-expect-error: wrong argument type
  io.serverSideEmit("sync", "one");
  io.on("sync", (n) => expectTypeOf(n).toEqualTypeOf<number>());

  // Connection handlers and middlewares get the typed socket.
  io.on("connection", (s) => expectTypeOf(s).toEqualTypeOf<TypedSocket>());
  io.of("/admin").on("connect", (s) => expectTypeOf(s).toEqualTypeOf<TypedSocket>());
  io.use((s, next) => {
    expectTypeOf(s.data.user).toEqualTypeOf<string>();
    next(new Error("no"));
  });
  io.on("new_namespace", (nsp) => expectTypeOf(nsp.name).toEqualTypeOf<string>());
}

function untypedChecks(io: Server, socket: Socket): void {
  // Without maps, anything goes; arguments are `unknown` unless annotated.
  socket.on("anything", (a, b) => {
    expectTypeOf(a).toEqualTypeOf<unknown>();
    expectTypeOf(b).toEqualTypeOf<unknown>();
  });
  socket.on("annotated", (a: string, ack: (n: number) => void) => ack(a.length));
  socket.emit("x", 1, "two", { three: 3 }, new Uint8Array(1));
  socket.emit("x", 1, (answer) => expectTypeOf(answer).toEqualTypeOf<unknown>());
  socket.timeout(5).emit("x", (err, answer) => {
    expectTypeOf(err).toEqualTypeOf<Error | null>();
    expectTypeOf(answer).toEqualTypeOf<unknown>();
  });
  expectTypeOf(socket.emitWithAck("x", 1)).toEqualTypeOf<Promise<unknown>>();
  io.emit("y", 1, 2);
  io.timeout(5).emit("y", (err, responses) => {
    expectTypeOf(err).toEqualTypeOf<Error | null>();
    expectTypeOf(responses).toEqualTypeOf<unknown[]>();
  });
  expectTypeOf(io.timeout(5).emitWithAck("y")).toEqualTypeOf<Promise<unknown[]>>();
  socket.data["anything"] = 1;
  expectTypeOf(socket.data).toEqualTypeOf<Record<string, unknown>>();
}

describe("typed events", () => {
  it("type-check (see tsc); the typed server constructs", () => {
    const io = new Server<ClientToServer, ServerToClient, InterServer, Data>();
    expect(typeof typedChecks).toBe("function");
    expect(typeof untypedChecks).toBe("function");
    expect(io.sockets.name).toBe("/");
  });

  it("every Engine.IO close reason is a disconnect reason", () => {
    expectTypeOf<EngineCloseReason>().toExtend<DisconnectReason>();
    const reason: DisconnectReason = "write buffer full" satisfies EngineCloseReason;
    expect(reason).toBe("write buffer full");
  });
});
