// The Node peer over a socket we script (a stream.Duplex): the listeners it puts on a socket
// are the same functions for every peer (no closures per connection), a half-close is
// answered by ending our side once, and a client that pings while not reading gets one pong
// for its latest ping once the socket drains. Plus, over real TCP: the 101 and the open
// packet reach the client in one write.
import { connect } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { WebSocketConnection } from "../../src/engine/contract.js";
import { NodeWebSocketPeer } from "../../runtimes/node/peer.js";
import { clientFrame, toHex } from "./support/frames.js";
import { ScriptedSocket } from "./support/scripted-socket.js";
import { startEngine } from "./support/engine-fixture.js";
import type { EngineFixture } from "./support/engine-fixture.js";
import { eventually, upgradeRequest } from "./support/clients.js";


const quiet: WebSocketConnection = { message() {}, drained() {}, closed() {} };

function peerOn(socket: ScriptedSocket, connection: WebSocketConnection = quiet): NodeWebSocketPeer {
  const peer = new NodeWebSocketPeer(socket, 1000, () => {});
  peer.start(connection, new Uint8Array(0));
  return peer;
}

describe("the Node peer's socket listeners", () => {
  it("are the same functions for every peer", () => {
    const a = new ScriptedSocket();
    const b = new ScriptedSocket();
    peerOn(a);
    peerOn(b);
    for (const event of ["data", "close", "end", "drain", "error"]) {
      expect(a.listeners(event), event).toHaveLength(1);
      expect(a.listeners(event)[0], event).toBe(b.listeners(event)[0]);
    }
  });

  it("route each socket's bytes to its own peer", () => {
    const heard: string[] = [];
    const a = new ScriptedSocket();
    const b = new ScriptedSocket();
    peerOn(a, { ...quiet, message: (data) => heard.push(`a ${String(data)}`) });
    peerOn(b, { ...quiet, message: (data) => heard.push(`b ${String(data)}`) });
    b.client(clientFrame(0x81, new TextEncoder().encode("to b")));
    a.client(clientFrame(0x81, new TextEncoder().encode("to a")));
    expect(heard).toEqual(["b to b", "a to a"]);
  });

  it("answer a half-close by ending our side once, also when it was ended already", () => {
    const socket = new ScriptedSocket();
    const ends = vi.spyOn(socket, "end");
    peerOn(socket);
    socket.emit("end");
    socket.emit("end");
    expect(ends).toHaveBeenCalledTimes(1);
    const closing = new ScriptedSocket();
    const closerEnds = vi.spyOn(closing, "end");
    peerOn(closing).close(1000, "bye");
    closing.emit("end");
    expect(closerEnds).toHaveBeenCalledTimes(1);
  });
});

describe("pings from a client that does not read", () => {
  it("get one pong, for the latest ping, once the socket drains", async () => {
    const socket = new ScriptedSocket();
    peerOn(socket);
    socket.reading = false;
    // Fill the socket past its high-water mark (125-byte pings) so that it needs a drain.
    while (!socket.writableNeedDrain) socket.client(clientFrame(0x89, new Uint8Array(125)));
    const queued = socket.writableLength;
    for (let i = 0; i < 100; i++) socket.client(clientFrame(0x89, Uint8Array.of(i)));
    expect(socket.writableLength).toBe(queued);
    socket.acknowledge();
    await new Promise((resolve) => setImmediate(resolve));
    const shortPongs = socket.written.filter((chunk) => chunk[0] === 0x8a && chunk[1] === 1).map((chunk) => toHex(chunk));
    expect(shortPongs).toEqual(["8a 01 63"]); // the pong of ping 99 alone
  });
});

describe("the opening over real TCP", () => {
  let fixture: EngineFixture | undefined;
  afterEach(async () => {
    await fixture?.stop();
    fixture = undefined;
  });

  it("writes the 101 and the open packet in one segment", async () => {
    fixture = await startEngine({ pingInterval: 60_000 });
    const socket = connect(fixture.port, "127.0.0.1");
    try {
      await eventually(new Promise((resolve) => socket.once("connect", resolve)), 5000, "connect");
      const first = eventually(new Promise<Buffer>((resolve) => socket.once("data", resolve)), 5000, "the answer");
      socket.write(upgradeRequest("/engine.io/?EIO=4&transport=websocket"));
      const bytes = await first;
      const head = bytes.indexOf("\r\n\r\n");
      expect(bytes.subarray(0, 12).toString()).toBe("HTTP/1.1 101");
      // The frame right after the head: a text frame whose payload starts with "0{".
      const frame = bytes.subarray(head + 4);
      expect(frame[0]).toBe(0x81);
      expect(frame.subarray(2, 4).toString()).toBe("0{");
    } finally {
      socket.destroy();
    }
  });
});
