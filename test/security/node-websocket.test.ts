// WebSocket framing abuse through the Node shim's peer into the real engine and Socket.IO
// server: each abuse from RFC 6455's list gets its close code and ends THAT connection
// only (the bystander is served, nothing is left); and a client that floods pings while
// never reading must not make the server buffer pongs without bound.
//
// The TCP socket is a stream.Duplex we control: `reading = false` plays a client whose
// receive window is full (the writes are never acknowledged).

import { afterEach, describe, expect, it } from "vitest";
import { NodeWebSocketPeer } from "../../runtimes/node/peer.js";
import { clientFrame, concatBytes, hex } from "../node/support/frames.js";
import { ScriptedSocket as FakeSocket } from "../node/support/scripted-socket.js";
import { EMPTY, Q, footprint, settle, upgradeRequest, world } from "./support/world.js";
import type { World } from "./support/world.js";


const sockets: FakeSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
});

/** A client that joined "/" over the Node shim's peer. */
async function nodeClient(w: World): Promise<FakeSocket> {
  const verdict = await w.io.engine.handleUpgrade(upgradeRequest(`${Q}&transport=websocket`));
  if (verdict.kind !== "accept") throw new Error("refused");
  const socket = new FakeSocket();
  sockets.push(socket);
  const peer = new NodeWebSocketPeer(socket, w.io.engine.options.maxHttpBufferSize, () => {});
  peer.start(verdict.open(peer), new Uint8Array(0));
  socket.client(clientFrame(0x81, new TextEncoder().encode("40")));
  await settle();
  return socket;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Each abuse from the list, and the close code RFC 6455 answers it with. */
const ABUSES: Array<[string, Uint8Array, number]> = [
  ["an unmasked frame", hex("81 05 48 65 6c 6c 6f"), 1002],
  ["reserved bits", clientFrame(0xc1, text("42[]")), 1002],
  ["an unknown data opcode", clientFrame(0x83, text("x")), 1002],
  ["an unknown control opcode", clientFrame(0x8b, text("x")), 1002],
  ["an oversized control frame", clientFrame(0x89, new Uint8Array(126)), 1002],
  ["a fragmented control frame", clientFrame(0x09, text("x")), 1002],
  ["a stray continuation", clientFrame(0x80, text("x")), 1002],
  ["a new message inside a fragmented one", concatBytes(clientFrame(0x01, text("4")), clientFrame(0x81, text("x"))), 1002],
  ["a 64-bit length with the top bit set", hex("82 ff 80 00 00 00 00 00 00 00"), 1002],
  ["an absurd 64-bit length", hex("82 ff 00 ff ff ff ff ff ff ff"), 1009],
  ["a length over maxHttpBufferSize", hex("82 ff 00 00 00 00 00 10 00 00"), 1009],
  ["invalid UTF-8 in a text frame", clientFrame(0x81, hex("34 ff fe")), 1007],
  ["invalid UTF-8 across fragments", concatBytes(clientFrame(0x01, hex("34 e2 82")), clientFrame(0x80, hex("41"))), 1007],
  ["invalid UTF-8 in a close reason", clientFrame(0x88, hex("03 e8 ff")), 1007],
  ["a one-byte close payload", clientFrame(0x88, hex("03")), 1002],
  ["close code 1005", clientFrame(0x88, hex("03 ed")), 1002],
  ["close code 1006", clientFrame(0x88, hex("03 ee")), 1002],
  ["close code 999", clientFrame(0x88, hex("03 e7")), 1002],
  ["close code 5000", clientFrame(0x88, hex("13 88")), 1002],
  ["a flood of tiny fragments", concatBytes(clientFrame(0x01, text("4")), ...Array.from({ length: 1100 }, () => clientFrame(0x00, text("x")))), 1008],
  ["garbage after the handshake", text("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 1002],
];

describe("WebSocket framing abuse through the Node peer", () => {
  for (const [name, bytes, code] of ABUSES) {
    it(`${name} → close ${code}, that connection only`, async () => {
      const w = world();
      const bystander = await w.joined();
      const victim = await nodeClient(w);
      expect(footprint(w.io).sockets).toBe(2);
      victim.client(bytes);
      await settle();
      expect(victim.closeCodes).toEqual([code]);
      expect(w.io.engine.clientsCount).toBe(1);
      // Anything after the error is ignored: no second close, nothing delivered.
      const writes = victim.written.length;
      victim.client(clientFrame(0x81, text('421["echo","late"]')));
      await settle();
      expect(victim.written.length).toBe(writes);
      expect(bystander.peer.closedWith).toBeUndefined();
      expect(await w.healthy()).toBe(true);
      bystander.send("1");
      await settle();
      expect(footprint(w.io)).toEqual(EMPTY);
    });
  }

  it("random garbage in one connection never throws into the shim and ends only that connection", async () => {
    const w = world();
    const bystander = await w.joined();
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    for (let i = 0; i < 200; i++) {
      const victim = await nodeClient(w);
      const garbage = Uint8Array.from({ length: 1 + (i % 64) }, random);
      expect(() => victim.client(garbage)).not.toThrow();
      victim.destroy();
      await settle();
    }
    // A destroyed socket reports 'close' on the next turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    expect(bystander.peer.closedWith).toBeUndefined();
    expect(await w.healthy()).toBe(true);
    bystander.send("1");
    await settle();
    expect(footprint(w.io)).toEqual(EMPTY);
  });
});

describe("a client that sends pings and never reads", () => {
  const PING = clientFrame(0x89, new Uint8Array(125).fill(0x61)); // 131 bytes in, 127 bytes of pong out

  it("is answered while it reads (the control case)", async () => {
    const w = world();
    const client = await nodeClient(w);
    for (let i = 0; i < 1000; i++) client.client(PING);
    const pongs = client.written.filter((chunk) => chunk[0] === 0x8a).length;
    expect(pongs).toBe(1000);
  });

  it("does not make the server buffer pongs without bound", async () => {
    const w = world();
    const client = await nodeClient(w);
    client.reading = false;
    // 100 000 pings: 13 MB sent by the client, which reads nothing back.
    for (let i = 0; i < 100_000; i++) client.client(PING);
    await settle();
    // Either the pongs stop being queued once the socket is congested, or the connection is cut;
    // what the server holds for this client must stay near a socket's high-water mark, not 12.7 MB.
    const held = client.writableLength;
    expect(held, `${(held / 1e6).toFixed(1)} MB of pongs queued`).toBeLessThan(1_000_000);
  });
});
