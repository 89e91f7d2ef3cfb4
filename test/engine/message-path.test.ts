// The websocket message path: a peer that `writesTogether` gets what a message made the
// session queue as soon as the message is handled (no microtask round), in one batch and in
// order, while other sessions and later sends keep the microtask flush; and a handler with
// `onTextMessage` gets text packets whole, with the offset of their data.

import { describe, expect, it } from "vitest";
import type { EngineSocketHandler } from "../../src/engine/types.js";
import { FakePeer, harness, settle, websocketSession } from "./fixtures.js";

/** A peer whose runtime writes a message's sends together (Bun corks its callbacks). */
class TogetherPeer extends FakePeer {
  readonly writesTogether = true;
}

/** A session on a TogetherPeer. */
async function togetherSession(h: ReturnType<typeof harness>) {
  const verdict = await h.engine.handleUpgrade({
    method: "GET",
    url: "/engine.io/?EIO=4&transport=websocket",
    headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" },
    remoteAddress: "127.0.0.1",
    secure: false,
    readBody: () => Promise.resolve(""),
  });
  if (verdict.kind !== "accept") throw new Error("upgrade refused");
  const peer = new TogetherPeer();
  const conn = verdict.open(peer);
  const socket = h.sockets[h.sockets.length - 1]!;
  peer.batches = []; // the open packet
  return { socket, peer, conn };
}

function handler(onMessage: (data: string | Uint8Array) => void): EngineSocketHandler {
  return { onMessage, onClose: () => {} };
}

describe("a peer that writes together", () => {
  it("gets a message's replies as soon as it is handled, in one batch", async () => {
    const h = harness();
    const { socket, peer, conn } = await togetherSession(h);
    socket.setHandler(handler((data) => {
      socket.send(`re:${String(data)}`);
      socket.send(new Uint8Array([9]));
    }));
    conn.message("4ping");
    expect(peer.batches).toEqual([["4re:ping", new Uint8Array([9])]]);
    await settle();
    expect(peer.batches).toHaveLength(1); // the microtask round finds nothing left
  });

  it("sends what was queued before the message first, in the same batch", async () => {
    const h = harness();
    const { socket, peer, conn } = await togetherSession(h);
    socket.setHandler(handler(() => socket.send("reply")));
    socket.send("early");
    conn.message("4x");
    expect(peer.batches).toEqual([["4early", "4reply"]]);
    await settle();
    expect(peer.batches).toEqual([["4early", "4reply"]]);
  });

  it("leaves sends to other sessions, and sends after the message, to the microtask flush", async () => {
    const h = harness();
    const a = await togetherSession(h);
    const b = await togetherSession(h);
    a.socket.setHandler(handler(() => {
      b.socket.send("news");
      a.socket.send("now");
      queueMicrotask(() => a.socket.send("later"));
    }));
    a.conn.message("4go");
    expect(a.peer.batches).toEqual([["4now"]]);
    expect(b.peer.batches).toEqual([]);
    await settle();
    expect(a.peer.batches).toEqual([["4now"], ["4later"]]);
    expect(b.peer.batches).toEqual([["4news"]]);
  });

  it("keeps replies while the peer is backpressured, and sends them once drained", async () => {
    const h = harness();
    const { socket, peer, conn } = await togetherSession(h);
    socket.setHandler(handler((data) => socket.send(`re:${String(data)}`)));
    peer.accepting = false;
    conn.message("41");
    expect(peer.batches).toEqual([["4re:1"]]); // taken, but the peer reported a full buffer
    conn.message("42");
    expect(peer.batches).toEqual([["4re:1"]]);
    expect(socket.bufferedBytes).toBe(5);
    peer.accepting = true;
    conn.drained();
    expect(peer.batches).toEqual([["4re:1"], ["4re:2"]]);
  });

  it("a peer that does not write together still waits for the microtask round", async () => {
    const h = harness();
    const { socket, peer, conn } = await websocketSession(h);
    peer.batches = [];
    socket.setHandler(handler(() => socket.send("reply")));
    conn.message("4x");
    expect(peer.batches).toEqual([]);
    await settle();
    expect(peer.batches).toEqual([["4reply"]]);
  });
});

/** Sets a handler on `socket` that records which of its two message hooks got what. */
function recordMessages(socket: { setHandler(handler: EngineSocketHandler): void }): unknown[] {
  const seen: unknown[] = [];
  socket.setHandler({
    onMessage: (data) => seen.push(["onMessage", data]),
    onTextMessage: (packet, start) => seen.push(["onTextMessage", packet, start]),
    onClose: () => {},
  });
  return seen;
}

describe("onTextMessage", () => {
  it("gets a text packet whole with the offset of its data; binary still goes to onMessage", async () => {
    const h = harness();
    const { socket, conn } = await websocketSession(h);
    const seen = recordMessages(socket);
    conn.message('42["a"]');
    conn.message("4");
    conn.message(new Uint8Array([1]));
    conn.message("3"); // a pong: no message
    expect(seen).toEqual([
      ["onTextMessage", '42["a"]', 1],
      ["onTextMessage", "4", 1],
      ["onMessage", new Uint8Array([1])],
    ]);
  });

  it("is passed over for onMessage with the data cut out while message listeners need it anyway", async () => {
    const h = harness();
    const { socket, conn } = await websocketSession(h);
    const seen = recordMessages(socket);
    socket.on("message", (data) => seen.push(["listener", data]));
    conn.message("4hi");
    expect(seen).toEqual([
      ["onMessage", "hi"],
      ["listener", "hi"],
    ]);
  });

  it("a throwing handler is reported, and the session carries on", async () => {
    const errors: unknown[] = [];
    const h = harness({ onError: (error) => errors.push(error) });
    const { socket, conn } = await websocketSession(h);
    socket.setHandler({ onMessage: () => {}, onTextMessage: () => { throw new Error("boom"); }, onClose: () => {} });
    conn.message("4x");
    expect(errors).toEqual([new Error("boom")]);
    expect(socket.readyState).toBe("open");
  });
});
