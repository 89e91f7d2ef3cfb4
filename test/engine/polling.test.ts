import { describe, expect, it } from "vitest";
import { Q, closes, fakeRequest, harness, messages, poll, pollingSession, post, settle, slowPost, track } from "./fixtures.js";

const URL1 = `${Q}&transport=polling&sid=s1`;

describe("long polling: GET", () => {
  it("parks a GET until there is something to send, then answers with every buffered packet", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const get = poll(h, "s1");
    await settle();
    expect(get.settled).toBe(false);
    expect(socket.writable).toBe(true);
    socket.send("hello");
    socket.send("wörld");
    socket.send(new Uint8Array([1, 2, 3]));
    await settle();
    expect(get.settled).toBe(true);
    expect(get.value).toEqual({
      status: 200,
      headers: { "Content-Type": "text/plain; charset=UTF-8", "cache-control": "no-store" },
      body: "4hello\x1e4wörld\x1ebAQID",
    });
    expect(socket.writable).toBe(false);
  });

  it("answers at once when packets are already waiting", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    socket.send("early");
    const get = poll(h, "s1");
    await settle();
    expect(get.value?.body).toBe("4early");
  });

  it("a second GET while one is parked: 400 and the session closes; the parked one gets 1", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const first = poll(h, "s1");
    await settle();
    const second = await h.engine.handleRequest(fakeRequest("GET", URL1));
    expect(second).toEqual({ status: 400, headers: {}, body: "" });
    await settle();
    expect(first.value?.body).toBe("1");
    expect(seen).toEqual([{ reason: "transport error", description: "overlap from client" }]);
    expect(h.engine.clientsCount).toBe(0);
    const later = await h.engine.handleRequest(fakeRequest("GET", URL1));
    expect(later.body).toBe('{"code":1,"message":"Session ID unknown"}');
    expect(h.engine.timers.size).toBe(0);
  });

  it("an aborted parked GET closes the session with transport error", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const req = fakeRequest("GET", URL1);
    const pending = track(h.engine.handleRequest(req));
    await settle();
    h.engine.requestAborted(req);
    await settle();
    expect(pending.settled).toBe(true); // nothing is left hanging
    expect(seen).toEqual([{ reason: "transport error", description: "poll connection closed prematurely" }]);
    expect(h.engine.timers.size).toBe(0);
  });

  it("an abort report for a request that is not pending changes nothing", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    h.engine.requestAborted(fakeRequest("GET", URL1));
    h.engine.requestAborted(fakeRequest("GET", `${Q}&transport=polling`));
    expect(socket.readyState).toBe("open");
  });

  it("adds X-XSS-Protection for old IE user agents, as the reference does", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const get = poll(h, "s1", { "user-agent": "Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0)" });
    socket.send("x");
    await settle();
    expect(get.value?.headers).toEqual({
      "Content-Type": "text/plain; charset=UTF-8",
      "X-XSS-Protection": "0",
      "cache-control": "no-store",
    });
  });
});

describe("long polling: POST", () => {
  it("decodes the payload, delivers the messages in order and answers 200 ok as text/html", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const got = messages(socket);
    const res = await post(h, "s1", "4hello\x1e4\x1ebAQID\x1e6");
    expect(res).toEqual({ status: 200, headers: { "Content-Type": "text/html", "cache-control": "no-store" }, body: "ok" });
    expect(got).toEqual(["hello", "", new Uint8Array([1, 2, 3])]);
  });

  it("reads the body with maxHttpBufferSize as the limit, as text", async () => {
    const h = harness({ maxHttpBufferSize: 123 });
    await pollingSession(h);
    const calls: [number, string][] = [];
    const req = {
      ...fakeRequest("POST", URL1),
      readBody(limit: number, kind: "text" | "bytes") {
        calls.push([limit, kind]);
        return Promise.resolve("4x");
      },
    };
    expect((await h.engine.handleRequest(req)).body).toBe("ok");
    expect(calls).toEqual([[123, "text"]]);
  });

  it("an oversized body: 413 and the session closes", async () => {
    const h = harness({ maxHttpBufferSize: 10 });
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const res = await post(h, "s1", "4this is more than ten bytes");
    expect(res).toEqual({ status: 413, headers: {}, body: "" });
    expect(seen).toEqual([{ reason: "transport error", description: "payload too large" }]);
  });

  it("an undecodable body: 400 and the session closes with parse error; later requests get code 1", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const got = messages(socket);
    const res = await post(h, "s1", "4fine\x1e9bad");
    expect(res).toEqual({ status: 400, headers: {}, body: "" });
    expect(got).toEqual([]); // the payload is refused as a whole
    expect(seen.map((c) => c.reason)).toEqual(["parse error"]);
    const later = await post(h, "s1", "4x");
    expect(later.body).toBe('{"code":1,"message":"Session ID unknown"}');
  });

  it("an empty body is a parse error", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    expect((await post(h, "s1", "")).status).toBe(400);
    expect(seen.map((c) => c.reason)).toEqual(["parse error"]);
  });

  it("a POST while a POST is being read: 400 and the session closes", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const first = slowPost(URL1);
    const firstRes = track(h.engine.handleRequest(first.req));
    await settle();
    const second = await post(h, "s1", "4x");
    expect(second).toEqual({ status: 400, headers: {}, body: "" });
    expect(seen).toEqual([{ reason: "transport error", description: "data request overlap from client" }]);
    first.deliver("4late");
    await settle();
    expect(firstRes.value?.body).toBe('{"code":1,"message":"Session ID unknown"}');
  });

  it("a binary (octet-stream) body is refused in v4: 400 and close", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const res = await post(h, "s1", "4x", { "content-type": "application/octet-stream" });
    expect(res.status).toBe(400);
    expect(seen).toEqual([{ reason: "transport error", description: "invalid content" }]);
  });

  it("an aborted POST closes the session; its late body is refused", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const got = messages(socket);
    const slow = slowPost(URL1);
    const res = track(h.engine.handleRequest(slow.req));
    await settle();
    h.engine.requestAborted(slow.req);
    expect(seen).toEqual([{ reason: "transport error", description: "data request connection closed prematurely" }]);
    slow.deliver("4x");
    await settle();
    expect(got).toEqual([]);
    expect(res.value?.status).toBe(400);
  });

  it("a body that fails to read closes the session", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const slow = slowPost(URL1);
    const res = track(h.engine.handleRequest(slow.req));
    slow.fail(new Error("socket hang up"));
    await settle();
    expect(res.value).toEqual({ status: 400, headers: {}, body: "" });
    expect(seen.map((c) => c.reason)).toEqual(["transport error"]);
  });

  it("a client close packet closes the session at once (transport close) and answers the parked GET", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const got = messages(socket);
    const get = poll(h, "s1");
    await settle();
    const res = await post(h, "s1", "4bye\x1e1\x1e4ignored");
    expect(res.body).toBe("ok");
    expect(got).toEqual(["bye"]);
    expect(seen.map((c) => c.reason)).toEqual(["transport close"]);
    await settle();
    expect(get.value?.body).toBe("1");
    expect(h.engine.timers.size).toBe(0);
  });

  it("a client ping (v3 direction) closes the session", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    await post(h, "s1", "2");
    expect(seen).toEqual([{ reason: "transport error", description: "cannot handle packet:ping in state open" }]);
  });
});

describe("server close over polling", () => {
  it("socket.close() with a parked GET: the buffer, then 1, in that GET", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const get = poll(h, "s1");
    await settle();
    socket.send("last");
    socket.close();
    await settle();
    expect(get.value?.body).toBe("4last\x1e1");
    expect(seen.map((c) => c.reason)).toEqual(["forced close"]);
    expect(h.engine.timers.size).toBe(0);
  });

  it("socket.close() without a GET: closing until the next GET, which gets the buffer and 1", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    socket.send("last");
    socket.close();
    expect(socket.readyState).toBe("closing");
    socket.send("dropped: sent after close()");
    await settle();
    expect(seen).toEqual([]);
    const get = poll(h, "s1");
    await settle();
    expect(get.value?.body).toBe("4last\x1e1");
    expect(seen.map((c) => c.reason)).toEqual(["forced close"]);
    expect(h.engine.timers.size).toBe(0);
  });

  it("a closing session that never sees a GET closes after 30 s anyway", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    socket.close();
    h.clock.advance(29_999);
    expect(seen).toEqual([]);
    h.clock.advance(1);
    expect(seen.map((c) => c.reason)).toEqual(["forced close"]);
    expect(h.engine.timers.size).toBe(0);
  });

  it("engine.close() answers every parked GET and closes every session", async () => {
    const h = harness();
    await pollingSession(h);
    await pollingSession(h);
    const reasons: string[] = [];
    for (const s of h.sockets) s.on("close", (r) => reasons.push(r));
    const g1 = poll(h, "s1");
    await settle();
    h.engine.close();
    await settle();
    expect(g1.value?.body).toBe("1");
    expect(reasons).toEqual(["server shutting down", "server shutting down"]);
    expect(h.engine.clientsCount).toBe(0);
    expect(h.engine.timers.size).toBe(0);
  });
});

describe("write buffer over polling", () => {
  it("drops volatile packets while no GET is parked", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    socket.send("v1", { volatile: true });
    const get = poll(h, "s1");
    await settle();
    socket.send("v2", { volatile: true });
    await settle();
    expect(get.value?.body).toBe("4v2");
  });

  it("closes with write buffer full past maxBufferedBytes and releases the memory", async () => {
    const h = harness({ maxBufferedBytes: 100 });
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    socket.send("x".repeat(60));
    expect(socket.bufferedBytes).toBe(61);
    socket.send("y".repeat(60));
    expect(seen.map((c) => c.reason)).toEqual(["write buffer full"]);
    expect(socket.bufferedBytes).toBe(0);
    expect(h.engine.clientsCount).toBe(0);
  });
});
