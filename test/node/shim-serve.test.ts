// serve(): listens, serves the engine, and close() shuts down everything — including
// upgraded sockets, which node's own server.close() would wait on forever.

import { afterEach, describe, expect, it } from "vitest";
import { request } from "node:http";
import { connect } from "node:net";
import { serve } from "../../runtimes/node/index.js";
import type { NodeServer } from "../../runtimes/node/index.js";
import { EngineServer } from "../../src/engine/server.js";
import { RawClient, WsClient, eventually, upgradeRequest } from "./support/clients.js";

let running: NodeServer | undefined;
const cleanups: Array<() => void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await running?.close();
  running = undefined;
});

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

describe("serve()", () => {
  it("listens on the port it reports and serves the engine", async () => {
    running = await serve(new EngineServer(), { port: 0, hostname: "127.0.0.1" });
    expect(running.port).toBeGreaterThan(0);
    const answer = await eventually(get(running.port, "/engine.io/?EIO=4&transport=polling"));
    expect(answer.status).toBe(200);
    expect(answer.body.startsWith('0{"sid":"')).toBe(true);
    expect((await eventually(get(running.port, "/elsewhere"))).status).toBe(404);
  });

  it("close() resolves with WebSockets and a parked poll open, and closes them all", async () => {
    const engine = new EngineServer({ pingInterval: 60_000, pingTimeout: 60_000 });
    const server = await serve(engine, { port: 0, hostname: "127.0.0.1" });
    const url = `ws://127.0.0.1:${server.port}/engine.io/?EIO=4&transport=websocket`;
    const a = new WsClient(url);
    const b = new WsClient(url);
    cleanups.push(() => a.ws.terminate(), () => b.ws.terminate());
    await Promise.all([a.next(), b.next()]);

    const handshake = await eventually(get(server.port, "/engine.io/?EIO=4&transport=polling"));
    const sid = (JSON.parse(handshake.body.slice(1)) as { sid: string }).sid;
    // Know when the poll has reached the core (then it is parked: the session has nothing to send).
    const handleRequest = engine.handleRequest.bind(engine);
    const arrived = new Promise<void>((resolve) => {
      engine.handleRequest = (req) => {
        const answer = handleRequest(req);
        resolve();
        return answer;
      };
    });
    const poll = get(server.port, `/engine.io/?EIO=4&transport=polling&sid=${sid}`);
    await eventually(arrived);
    expect(engine.clientsCount).toBe(3);

    await eventually(server.close(), 5000, "close()");
    expect(engine.clientsCount).toBe(0);
    expect(await a.next()).toBe("1");
    expect((await eventually(a.closed)).code).toBe(1001);
    expect((await eventually(b.closed)).code).toBe(1001);
    expect(await eventually(poll)).toMatchObject({ status: 200, body: "1" });
    expect(await refusesConnections(server.port)).toBe(true);
  });

  it("close() does not wait forever for a client that ignores the close frame", async () => {
    const engine = new EngineServer();
    const server = await serve(engine, { port: 0, hostname: "127.0.0.1" });
    const raw = new RawClient(server.port, upgradeRequest("/engine.io/?EIO=4&transport=websocket"), true);
    cleanups.push(() => raw.socket.destroy());
    await raw.frame();
    const started = Date.now();
    await eventually(server.close(), 5000, "close()");
    // close() resolves only when node's server counts no connection, so this socket was
    // destroyed: it stayed after our close frame and FIN until the grace period ran out.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await raw.frame("the close packet")).payload.toString()).toBe("1");
    const close = await raw.frame("the close frame");
    expect([close.opcode, close.payload.readUInt16BE(0)]).toEqual([8, 1001]);

  });

  it("closes the Socket.IO-like holder rather than only its engine, once", async () => {
    const engine = new EngineServer();
    let closes = 0;
    const io = {
      engine,
      close(): void {
        closes++;
        engine.close();
      },
    };
    const server = await serve(io, { port: 0, hostname: "127.0.0.1" });
    const first = server.close();
    expect(server.close()).toBe(first);
    await eventually(first);
    expect(closes).toBe(1);
  });

  it("answers a POST whose body never ends once its session is over, and closes its connection", async () => {
    const engine = new EngineServer({ pingInterval: 60_000, pingTimeout: 60_000 });
    running = await serve(engine, { port: 0, hostname: "127.0.0.1" });
    const handshake = await eventually(get(running.port, "/engine.io/?EIO=4&transport=polling"));
    const sid = (JSON.parse(handshake.body.slice(1)) as { sid: string }).sid;
    // 100 bytes announced, 3 sent: the rest never comes.
    const post = new RawClient(
      running.port,
      `POST /engine.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 100\r\n\r\n4hi`,
    );
    cleanups.push(() => post.socket.destroy());
    await eventually(new Promise<void>((resolve) => {
      const poll = (): void => (engine.clients.get(sid)?.pollingTransport?.posting !== undefined ? resolve() : void setImmediate(poll));
      poll();
    }), 5000, "the POST reaching the core");
    engine.close(); // ends every session at once
    const head = await eventually(post.head, 5000, "the POST's answer");
    expect(head.startsWith("HTTP/1.1 400 ")).toBe(true);
    expect(head.toLowerCase()).toContain("connection: close");
    await eventually(post.ended, 5000, "the connection closing");
    expect(post.rest.toString()).toContain('{"code":1,"message":"Session ID unknown"}');
  });

  it("rejects when the port is taken", async () => {
    running = await serve(new EngineServer(), { port: 0, hostname: "127.0.0.1" });
    await expect(serve(new EngineServer(), { port: running.port, hostname: "127.0.0.1" })).rejects.toThrow(/EADDRINUSE/);
  });
});
