// attach(): the engine's path is answered, everything else is left to the server's other
// listeners; long-polling over IncomingMessage/ServerResponse; the body cap.

import { afterEach, describe, expect, it } from "vitest";
import { createServer, request } from "node:http";
import type { IncomingMessage } from "node:http";
import { connect } from "node:net";
import type { EngineSocket } from "../../src/engine/socket.js";
import { RawClient, eventually, upgradeRequest } from "./support/clients.js";
import { startEngine } from "./support/engine-fixture.js";
import type { EngineFixture } from "./support/engine-fixture.js";

let fixture: EngineFixture | undefined;
const cleanups: Array<() => void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await fixture?.stop();
  fixture = undefined;
});

interface Answer {
  status: number;
  headers: IncomingMessage["headers"];
  body: string;
}

function http(port: number, method: string, path: string, body?: string): Promise<Answer> {
  return eventually(
    new Promise((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, method, path, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      });
      req.on("error", reject);
      req.end(body);
    }),
    5000,
    `${method} ${path}`,
  );
}

/** Polling handshake: the session and its sid. */
async function handshake(f: EngineFixture): Promise<{ session: EngineSocket; sid: string }> {
  const [answer, session] = await Promise.all([http(f.port, "GET", "/engine.io/?EIO=4&transport=polling"), f.nextSession()]);
  expect(answer.status).toBe(200);
  const sid = (JSON.parse(answer.body.slice(1)) as { sid: string }).sid;
  expect(sid).toBe(session.id);
  return { session, sid };
}

function closeReason(session: EngineSocket): Promise<string> {
  return eventually(new Promise((resolve) => session.on("close", (reason) => resolve(reason))), 5000, "session close");
}

describe("attach() routing", () => {
  it("answers the engine's path and hands every other request to the server's own listener", async () => {
    fixture = await startEngine({}, createServer((req, res) => res.end(`user ${req.url ?? ""}`)));
    expect(await http(fixture.port, "GET", "/other")).toMatchObject({ status: 200, body: "user /other" });
    expect(await http(fixture.port, "GET", "/engine.iox/?EIO=4")).toMatchObject({ status: 200, body: "user /engine.iox/?EIO=4" });
    const engineAnswer = await http(fixture.port, "GET", "/engine.io/?EIO=4&transport=polling");
    expect(engineAnswer.status).toBe(200);
    expect(engineAnswer.body.startsWith('0{"sid":"')).toBe(true);
    expect(await http(fixture.port, "GET", "/engine.io/?EIO=3&transport=polling")).toMatchObject({
      status: 400,
      body: '{"code":5,"message":"Unsupported protocol version"}',
    });
  });

  it("answers 404 for other paths when the server has no other listener", async () => {
    fixture = await startEngine();
    expect((await http(fixture.port, "GET", "/nothing-here")).status).toBe(404);
  });

  it("leaves other paths to a listener added after attach", async () => {
    fixture = await startEngine();
    fixture.server.on("request", (req, res) => {
      if (!(req.url ?? "").startsWith("/engine.io/")) res.end("late");
    });
    expect(await http(fixture.port, "GET", "/x")).toMatchObject({ status: 200, body: "late" });
  });

  it("leaves upgrades for other paths to the other 'upgrade' listeners", async () => {
    fixture = await startEngine();
    const seen: string[] = [];
    fixture.server.on("upgrade", (req, socket) => {
      if (req.url !== "/chat") return;
      seen.push(req.url);
      socket.end("HTTP/1.1 418 I'm a teapot\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    });
    const raw = new RawClient(fixture.port, upgradeRequest("/chat"));
    cleanups.push(() => raw.socket.destroy());
    expect((await eventually(raw.head)).split("\r\n")[0]).toBe("HTTP/1.1 418 I'm a teapot");
    expect(seen).toEqual(["/chat"]);
    expect(fixture.engine.clientsCount).toBe(0);
  });

  it("refuses an upgrade for another path when nobody else listens for upgrades", async () => {
    fixture = await startEngine();
    const raw = new RawClient(fixture.port, upgradeRequest("/chat"));
    cleanups.push(() => raw.socket.destroy());
    expect((await eventually(raw.head)).split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
    await eventually(raw.ended);
  });
});

describe("attach() long-polling", () => {
  it("a GET with nothing to send stays pending until the core has something", async () => {
    fixture = await startEngine();
    const { session, sid } = await handshake(fixture);
    const poll = http(fixture.port, "GET", `/engine.io/?EIO=4&transport=polling&sid=${sid}`);
    let settled = false;
    void poll.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    session.send("late news");
    expect(await poll).toMatchObject({ status: 200, body: "4late news" });
  });

  it("answers with a Content-Length body, never chunked (as the official server does)", async () => {
    fixture = await startEngine();
    const { session, sid } = await handshake(fixture);
    const poll = http(fixture.port, "GET", `/engine.io/?EIO=4&transport=polling&sid=${sid}`);
    await new Promise((resolve) => setImmediate(resolve));
    session.send("é");
    const answer = await poll;
    expect(answer.body).toBe("4é");
    expect(answer.headers["content-length"]).toBe("3");
    expect(answer.headers["transfer-encoding"]).toBeUndefined();
    const refused = await http(fixture.port, "GET", "/engine.io/?EIO=4&transport=polling&sid=nope");
    expect(refused.headers["content-length"]).toBe(String(Buffer.byteLength(refused.body)));
    expect(refused.headers["transfer-encoding"]).toBeUndefined();
  });

  it("a POST carries packets to the core and is answered ok", async () => {
    fixture = await startEngine();
    const { session, sid } = await handshake(fixture);
    const received = new Promise((resolve) => session.on("message", resolve));
    expect(await http(fixture.port, "POST", `/engine.io/?EIO=4&transport=polling&sid=${sid}`, "4hello\x1e4é")).toMatchObject({ status: 200, body: "ok" });
    expect(await eventually(received)).toBe("hello");
  });

  it("a client that aborts a parked GET closes the session", async () => {
    fixture = await startEngine();
    const { session, sid } = await handshake(fixture);
    const reason = closeReason(session);
    const arrived = new Promise<void>((resolve) => fixture?.server.once("request", () => setImmediate(resolve)));
    const req = request({ host: "127.0.0.1", port: fixture.port, path: `/engine.io/?EIO=4&transport=polling&sid=${sid}`, agent: false });
    req.on("error", () => {});
    req.end();
    await eventually(arrived);
    req.destroy();
    expect(await reason).toBe("transport error");
  });
});

describe("attach() body cap", () => {
  /** Sends `head` (and `body`) by hand; resolves with the response head once it arrives. */
  function rawPost(port: number, head: string, body: string): { response: Promise<string>; destroy(): void; stillOpen(): boolean } {
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {});
    let text = "";
    const response = new Promise<string>((resolve) => {
      socket.on("data", (c: Buffer) => {
        text += c.toString("latin1");
        if (text.includes("\r\n\r\n")) resolve(text);
      });
    });
    socket.write(head + body);
    return { response: eventually(response, 5000, "the response"), destroy: () => socket.destroy(), stillOpen: () => !socket.destroyed };
  }

  it("refuses a declared Content-Length over the cap with 413 before any body byte is sent", async () => {
    fixture = await startEngine({ maxHttpBufferSize: 100 });
    const { session, sid } = await handshake(fixture);
    const post = rawPost(
      fixture.port,
      `POST /engine.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000000\r\n\r\n`,
      "",
    );
    cleanups.push(post.destroy);
    const head = await post.response;
    expect(head.split("\r\n")[0]).toBe("HTTP/1.1 413 Payload Too Large");
    expect(head.toLowerCase()).toContain("connection: close");
    // As in the reference, the 413 alone leaves the session open: the client's reaction ends it.
    expect(session.readyState).toBe("open");
    expect(fixture.engine.clientsCount).toBe(1);
  });

  it("stops buffering a chunked body the moment it crosses the cap", async () => {
    fixture = await startEngine({ maxHttpBufferSize: 100 });
    const { sid } = await handshake(fixture);
    // 200 bytes in one chunk and no terminating chunk: the request is still open when answered.
    const chunk = "4" + "z".repeat(199);
    const post = rawPost(
      fixture.port,
      `POST /engine.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n`,
      `${chunk.length.toString(16)}\r\n${chunk}\r\n`,
    );
    cleanups.push(post.destroy);
    expect((await post.response).split("\r\n")[0]).toBe("HTTP/1.1 413 Payload Too Large");
  });

  it("accepts a body of exactly the cap", async () => {
    fixture = await startEngine({ maxHttpBufferSize: 100 });
    const { session, sid } = await handshake(fixture);
    const received = new Promise((resolve) => session.on("message", resolve));
    const body = "4" + "k".repeat(99);
    expect(await http(fixture.port, "POST", `/engine.io/?EIO=4&transport=polling&sid=${sid}`, body)).toMatchObject({ status: 200, body: "ok" });
    expect(await eventually(received)).toBe("k".repeat(99));
  });
});
