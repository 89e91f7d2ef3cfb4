// The Node shim's WebSocket against the real `ws` client and a raw TCP client, through a
// raw EngineServer: handshake, messages both ways, fragmentation, ping, close codes, limits.

import { afterEach, describe, expect, it } from "vitest";
import type { Socket } from "node:net";
import type { EngineSocket } from "../../src/engine/socket.js";
import type { EngineCloseReason } from "../../src/engine/types.js";
import { RawClient, WsClient, eventually, maskedFrame, upgradeRequest } from "./support/clients.js";
import { startEngine } from "./support/engine-fixture.js";
import type { EngineFixture } from "./support/engine-fixture.js";

let fixture: EngineFixture | undefined;
const clients: Array<{ ws: { terminate(): void } } | RawClient> = [];

afterEach(async () => {
  for (const c of clients.splice(0)) {
    if (c instanceof RawClient) c.socket.destroy();
    else c.ws.terminate();
  }
  await fixture?.stop();
  fixture = undefined;
});

async function open(options: Parameters<typeof startEngine>[0] = {}): Promise<{ f: EngineFixture; client: WsClient; session: EngineSocket }> {
  fixture = await startEngine({ maxHttpBufferSize: 1000, ...options });
  const client = new WsClient(fixture.wsUrl);
  clients.push(client);
  const session = await fixture.nextSession();
  await client.opened;
  return { f: fixture, client, session };
}

function messages(session: EngineSocket): Array<string | Uint8Array> {
  const seen: Array<string | Uint8Array> = [];
  session.on("message", (data) => seen.push(data));
  return seen;
}

function closeReason(session: EngineSocket): Promise<EngineCloseReason> {
  return eventually(new Promise((resolve) => session.on("close", (reason) => resolve(reason))), 5000, "session close");
}

function nextMessage(session: EngineSocket): Promise<string | Uint8Array> {
  return eventually(new Promise((resolve) => session.on("message", resolve)), 5000, "a server-side message");
}

describe("Node WebSocket with the ws client", () => {
  it("opens with the Engine.IO handshake as the first frame", async () => {
    const { client, session } = await open();
    const first = await client.next();
    expect(typeof first).toBe("string");
    expect(JSON.parse(String(first).slice(1))).toEqual({ sid: session.id, upgrades: [], pingInterval: 60000, pingTimeout: 60000, maxPayload: 1000 });
    expect(String(first)[0]).toBe("0");
  });

  it("carries text both ways", async () => {
    const { client, session } = await open();
    await client.next();
    const received = nextMessage(session);
    client.ws.send("4hello é");
    expect(await received).toBe("hello é");
    session.send("hi ü");
    expect(await client.next()).toBe("4hi ü");
  });

  it("carries binary both ways, without a type byte", async () => {
    const { client, session } = await open();
    await client.next();
    const received = nextMessage(session);
    client.ws.send(Buffer.from([1, 2, 3]));
    const data = await received;
    expect(Buffer.isBuffer(data)).toBe(true);
    expect(Array.from(data as Uint8Array)).toEqual([1, 2, 3]);

    session.send(Uint8Array.of(4, 5, 250));
    const back = await client.next();
    expect(Buffer.isBuffer(back)).toBe(true);
    expect(Array.from(back as Buffer)).toEqual([4, 5, 250]);
  });

  it("reassembles messages the ws client sends in fragments", async () => {
    const { client, session } = await open();
    await client.next();
    const seen = messages(session);
    client.ws.send("4fr", { fin: false });
    client.ws.send("ag", { fin: false });
    client.ws.send("ment €", { fin: true });
    client.ws.send(Buffer.from([1]), { fin: false, binary: true });
    client.ws.send(Buffer.from([2, 3]), { fin: true, binary: true });
    client.ws.send("4after");
    await eventually(new Promise<void>((resolve) => session.on("message", (d) => d === "after" && resolve())));
    expect(seen.map((d) => (typeof d === "string" ? d : Array.from(d)))).toEqual(["fragment €", [1, 2, 3], "after"]);
  });

  it("answers a ping with a pong carrying the same payload", async () => {
    const { client } = await open();
    await client.next();
    const pong = new Promise<string>((resolve) => client.ws.once("pong", (data) => resolve(data.toString())));
    client.ws.ping("are you there");
    expect(await eventually(pong)).toBe("are you there");
  });

  it("a client close with 1000 or 4000 is a transport close; the close is echoed", async () => {
    for (const code of [1000, 4000]) {
      const { client, session } = await open();
      await client.next();
      const reason = closeReason(session);
      client.ws.close(code, "bye");
      expect(await reason).toBe("transport close");
      expect((await eventually(client.closed)).code).toBe(code);
      await fixture?.stop();
      fixture = undefined;
    }
  });

  it("a vanished client (no close frame, 1006) is a transport close, as the reference reports it", async () => {
    const { client, session } = await open();
    await client.next();
    const reason = closeReason(session);
    client.ws.terminate();
    expect(await reason).toBe("transport close");
  });

  it("a message over maxHttpBufferSize closes with 1009", async () => {
    const { client, session } = await open();
    await client.next();
    const reason = closeReason(session);
    client.ws.send("4" + "x".repeat(1500));
    expect((await eventually(client.closed)).code).toBe(1009);
    expect(await reason).toBe("transport error");
  });

  it("the largest maxHttpBufferSize (2^53 - 1) still opens and carries messages", async () => {
    const { client, session } = await open({ maxHttpBufferSize: Number.MAX_SAFE_INTEGER });
    await client.next();
    const received = nextMessage(session);
    client.ws.send("4" + "b".repeat(5000));
    expect(await received).toBe("b".repeat(5000));
  });

  it("a server-side close sends the close packet, then a 1000 close frame", async () => {
    const { client, session } = await open();
    await client.next();
    session.close();
    expect(await client.next()).toBe("1");
    expect((await eventually(client.closed)).code).toBe(1000);
  });

  it("frames a broadcast packet once and shares the frame", async () => {
    fixture = await startEngine();
    const a = new WsClient(fixture.wsUrl);
    const b = new WsClient(fixture.wsUrl);
    clients.push(a, b);
    const sa = await fixture.nextSession();
    const sb = await fixture.nextSession();
    await Promise.all([a.next(), b.next()]);
    const packet = fixture.engine.prepare("to all");
    sa.sendPacket(packet);
    sb.sendPacket(packet);
    expect(await a.next()).toBe("4to all");
    expect(await b.next()).toBe("4to all");
    expect(packet.frame).toBeInstanceOf(Uint8Array);
    expect(Array.from(packet.frame as Uint8Array).slice(0, 3)).toEqual([0x81, 7, 0x34]);
  });

  it("pings on the engine's schedule through the shim's clock", async () => {
    const { client } = await open({ pingInterval: 30, pingTimeout: 2000 });
    await client.next();
    expect(await client.next("a ping")).toBe("2");
    client.ws.send("3");
    expect(await client.next("a second ping")).toBe("2");
  });

  it("reports backpressure and drains once the client reads again", async () => {
    const { client, session } = await open({ maxBufferedBytes: 1e8 });
    await client.next();
    const tcp = (client.ws as unknown as { _socket: Socket })._socket;
    tcp.pause();
    const chunk = "y".repeat(64 * 1024);
    for (let i = 0; i < 64; i++) session.send(chunk);
    await eventually(new Promise<void>((resolve) => setImmediate(resolve)));
    expect(session.writable).toBe(false);
    tcp.resume();
    for (let i = 0; i < 64; i++) expect((await client.next()).length).toBe(chunk.length + 1);
    // Held while the session is blocked: it only leaves once the shim reported the drain.
    session.send("after");
    expect(await client.next("the message after the drain")).toBe("4after");
    expect(session.writable).toBe(true);
  });
});

describe("Node WebSocket with a raw client", () => {
  it("answers the handshake with the RFC accept value", async () => {
    fixture = await startEngine();
    const raw = new RawClient(fixture.port, upgradeRequest("/engine.io/?EIO=4&transport=websocket"));
    clients.push(raw);
    const head = await eventually(raw.head);
    expect(head.split("\r\n")).toEqual([
      "HTTP/1.1 101 Switching Protocols",
      "Upgrade: websocket",
      "Connection: Upgrade",
      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
    ]);
    const first = await raw.frame();
    expect(first.opcode).toBe(1);
    expect(first.payload.toString().startsWith('0{"sid":"')).toBe(true);
  });

  it("refuses an oversized frame from its header alone, before its payload is sent", async () => {
    fixture = await startEngine({ maxHttpBufferSize: 1000 });
    const raw = new RawClient(fixture.port, upgradeRequest("/engine.io/?EIO=4&transport=websocket"));
    clients.push(raw);
    await raw.frame(); // the open packet
    raw.socket.write(Buffer.from([0x81, 0xfe, 0x13, 0x88, 0x37, 0xfa, 0x21, 0x3d])); // 5000 bytes announced, none sent
    const close = await raw.frame("the close frame");
    expect(close.opcode).toBe(8);
    expect(close.payload.readUInt16BE(0)).toBe(1009);
    await eventually(raw.ended, 5000, "the socket to end");
  });

  const violations: Array<[string, Buffer, number]> = [
    ["an unmasked frame", Buffer.from([0x81, 0x02, 0x34, 0x61]), 1002],
    ["a reserved opcode", maskedFrame(0x83, Buffer.from("x")), 1002],
    ["RSV1 without an extension", maskedFrame(0xc1, Buffer.from("4a")), 1002],
    ["invalid UTF-8 text", maskedFrame(0x81, Buffer.from([0x34, 0xff, 0xfe])), 1007],
    ["an invalid close code", maskedFrame(0x88, Buffer.from([0x03, 0xed])), 1002],
  ];
  for (const [name, bytes, code] of violations) {
    it(`${name} → close ${code} and a transport error`, async () => {
      fixture = await startEngine();
      const raw = new RawClient(fixture.port, upgradeRequest("/engine.io/?EIO=4&transport=websocket"));
      clients.push(raw);
      const session = await fixture.nextSession();
      await raw.frame();
      const reason = closeReason(session);
      raw.socket.write(bytes);
      const close = await raw.frame("the close frame");
      expect([close.opcode, close.payload.readUInt16BE(0)]).toEqual([8, code]);
      expect(await reason).toBe("transport error");
      await eventually(raw.ended, 5000, "the socket to end");
    });
  }

  it("a binary message joined from fragments read apart reaches the core as a Buffer", async () => {
    fixture = await startEngine();
    const raw = new RawClient(fixture.port, upgradeRequest("/engine.io/?EIO=4&transport=websocket"));
    clients.push(raw);
    const session = await fixture.nextSession();
    await raw.frame();
    const received = nextMessage(session);
    raw.socket.write(Buffer.concat([maskedFrame(0x02, Buffer.from([1, 2])), maskedFrame(0x89, Buffer.from("p"))]));
    // The pong proves the server has read the first fragment before the last one is sent.
    const pong = await raw.frame("the pong");
    expect([pong.opcode, pong.payload.toString()]).toEqual([0x0a, "p"]);
    raw.socket.write(maskedFrame(0x80, Buffer.from([3])));
    const data = await received;
    expect(Buffer.isBuffer(data)).toBe(true);
    expect(Array.from(data as Uint8Array)).toEqual([1, 2, 3]);
  });

  it("a frame that arrived together with the upgrade request is read", async () => {
    fixture = await startEngine();
    // The frame is read while the session opens, so listen from the "connection" event on.
    const early = new Promise<string | Uint8Array>((resolve) => fixture?.engine.on("connection", (s) => s.on("message", resolve)));
    const raw = new RawClient(fixture.port, Buffer.concat([Buffer.from(upgradeRequest("/engine.io/?EIO=4&transport=websocket")), maskedFrame(0x81, Buffer.from("4early"))]));
    clients.push(raw);
    expect(await eventually(early)).toBe("early");
  });

  it("a session its \"connection\" listener closes: the 101, the open packet, the close packet and a close frame, in order, then the end", async () => {
    fixture = await startEngine();
    fixture.engine.on("connection", (session) => session.close());
    const raw = new RawClient(fixture.port, upgradeRequest("/engine.io/?EIO=4&transport=websocket"));
    clients.push(raw);
    expect((await eventually(raw.head)).split("\r\n")[0]).toBe("HTTP/1.1 101 Switching Protocols");
    const open = await raw.frame();
    expect(open.payload.toString().startsWith('0{"sid":"')).toBe(true);
    const closePacket = await raw.frame();
    expect([closePacket.opcode, closePacket.payload.toString()]).toEqual([1, "1"]);
    const closeFrame = await raw.frame();
    expect(closeFrame.opcode).toBe(8);
    await eventually(raw.ended, 5000, "the connection to end");
  });

  it("a bad handshake is answered 400 after the engine accepts, and the socket closed", async () => {
    fixture = await startEngine();
    const request = upgradeRequest("/engine.io/?EIO=4&transport=websocket").replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8");
    const raw = new RawClient(fixture.port, request);
    clients.push(raw);
    const head = await eventually(raw.head);
    expect(head.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
    expect(head).toContain("Sec-WebSocket-Version: 13");
    await eventually(raw.ended);
    expect(fixture.engine.clientsCount).toBe(0);
  });

  it("an upgrade the engine refuses gets its error response as raw HTTP", async () => {
    fixture = await startEngine();
    const raw = new RawClient(fixture.port, upgradeRequest("/engine.io/?EIO=4&transport=websocket&sid=nope"));
    clients.push(raw);
    const head = await eventually(raw.head);
    expect(head.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
    await eventually(raw.ended);
    expect(raw.rest.toString()).toBe('{"code":1,"message":"Session ID unknown"}');
  });
});

describe("Node shim with the real engine.io-client", () => {
  it("upgrades from polling to websocket, then carries messages both ways", async () => {
    const { Socket: ClientSocket } = await import("engine.io-client");
    fixture = await startEngine();
    const client = new ClientSocket(`http://127.0.0.1:${fixture.port}`, { transports: ["polling", "websocket"] });
    clients.push({ ws: { terminate: () => client.close() } });
    const session = await fixture.nextSession();
    const upgraded = new Promise<string>((resolve) => session.on("upgrade", (transport) => resolve(transport.name)));
    expect(await eventually(upgraded, 5000, "the upgrade")).toBe("websocket");
    const toClient = new Promise<unknown>((resolve) => client.on("message", resolve));
    session.send("over the websocket");
    expect(await eventually(toClient)).toBe("over the websocket");
    const toServer = nextMessage(session);
    client.send("and back");
    expect(await toServer).toBe("and back");
    expect(client.transport.name).toBe("websocket");
    const reason = closeReason(session);
    client.close();
    expect(await reason).toBe("transport close");
  });
});
