import { describe, expect, it } from "vitest";
import type { Harness } from "./fixtures.js";
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

  it("an oversized body: 413 and the session is left alone, as the reference does", async () => {
    const h = harness({ maxHttpBufferSize: 10 });
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const got = messages(socket);
    const get = poll(h, "s1");
    await settle();
    const res = await post(h, "s1", "4this is more than ten bytes");
    expect(res).toEqual({ status: 413, headers: {}, body: "" });
    await settle();
    expect(seen).toEqual([]);
    expect(get.settled).toBe(false); // no `1` for the parked GET: the client decides what comes next
    expect(socket.readyState).toBe("open");
    expect(socket.pollingTransport?.posting).toBeUndefined(); // the refused request is not kept
    // The session still takes a POST that fits.
    expect((await post(h, "s1", "4ok")).body).toBe("ok");
    expect(got).toEqual(["ok"]);
  });

  it("after a 413 the client's reaction ends the session: it aborts its GET (transport error)", async () => {
    const h = harness({ maxHttpBufferSize: 10 });
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const req = fakeRequest("GET", URL1);
    void h.engine.handleRequest(req);
    await settle();
    expect((await post(h, "s1", "4this is more than ten bytes")).status).toBe(413);
    h.engine.requestAborted(req);
    expect(seen).toEqual([{ reason: "transport error", description: "poll connection closed prematurely" }]);
  });

  it("oversized bodies cost nothing: the limit goes to readBody, nothing is kept, the session stays bounded", async () => {
    const h = harness({ maxHttpBufferSize: 1000, maxBufferedBytes: 2000 });
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const limits = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const req = {
        ...fakeRequest("POST", URL1),
        // A shim stops reading at the limit and says so with undefined (runtimes/*/request.ts).
        readBody(limit: number) {
          limits.add(limit);
          return Promise.resolve(undefined);
        },
      };
      expect((await h.engine.handleRequest(req)).status).toBe(413);
    }
    expect([...limits]).toEqual([1000]);
    expect(seen).toEqual([]);
    expect(socket.bufferedBytes).toBe(0);
    expect(socket.pollingTransport?.posting).toBeUndefined();
    expect(h.engine.clientsCount).toBe(1);
    expect(h.engine.timers.size).toBe(1); // the heartbeat, nothing per refused request
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

/** A session closed with "last" buffered, which the next GET took: closing, `1` still to send. */
async function closingWithBufferSent(h: Harness) {
  const { socket } = await pollingSession(h);
  const seen = closes(socket);
  socket.send("last");
  socket.close();
  const get = poll(h, "s1");
  await settle();
  expect(get.value?.body).toBe("4last");
  expect(seen).toEqual([]);
  return { socket, seen };
}

describe("server close over polling", () => {
  it("socket.close() with a parked GET: the buffer in that GET, then 1 in the next one", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const get = poll(h, "s1");
    await settle();
    // What socket.io's disconnect(true) right after an ack leaves in the buffer.
    socket.send("31[]");
    socket.send("1");
    socket.close();
    await settle();
    expect(get.value?.body).toBe("431[]\x1e41");
    expect(socket.readyState).toBe("closing");
    expect(seen).toEqual([]);
    const next = poll(h, "s1");
    await settle();
    expect(next.value?.body).toBe("1");
    expect(seen.map((c) => c.reason)).toEqual(["forced close"]);
    expect(h.engine.clientsCount).toBe(0);
    expect(h.engine.timers.size).toBe(0);
  });

  it("socket.close() with a parked GET and nothing buffered: 1 in that GET at once", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const get = poll(h, "s1");
    await settle();
    socket.close();
    await settle();
    expect(get.value?.body).toBe("1");
    expect(seen.map((c) => c.reason)).toEqual(["forced close"]);
    expect(h.engine.timers.size).toBe(0);
  });

  it("socket.close() without a GET: closing; the next GET gets the buffer, the one after it 1", async () => {
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
    expect(get.value?.body).toBe("4last");
    expect(seen).toEqual([]);
    const next = poll(h, "s1");
    await settle();
    expect(next.value?.body).toBe("1");
    expect(seen.map((c) => c.reason)).toEqual(["forced close"]);
    expect(h.engine.timers.size).toBe(0);
  });

  it("a closing session whose buffer went out but no GET follows closes after 30 s anyway", async () => {
    const h = harness();
    const { seen } = await closingWithBufferSent(h);
    h.clock.advance(29_999);
    expect(seen).toEqual([]);
    h.clock.advance(1);
    expect(seen.map((c) => c.reason)).toEqual(["forced close"]);
    expect(h.engine.clientsCount).toBe(0);
    expect(h.engine.timers.size).toBe(0);
  });

  it("a closing session whose client sends its own 1 ends at once", async () => {
    const h = harness();
    const { seen } = await closingWithBufferSent(h);
    expect((await post(h, "s1", "1")).body).toBe("ok");
    expect(seen.map((c) => c.reason)).toEqual(["transport close"]);
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
  it("emits drain once per GET response that emptied the buffer, the closing one included", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const events: string[] = [];
    socket.on("drain", () => events.push(`drain, ${socket.bufferedBytes} buffered`));
    socket.send("queued");
    await settle();
    expect(events).toEqual([]); // no GET yet: nothing was handed over
    const first = poll(h, "s1");
    await settle();
    expect(first.value?.body).toBe("4queued");
    expect(events).toEqual(["drain, 0 buffered"]);
    const idle = poll(h, "s1");
    await settle();
    expect(idle.settled).toBe(false);
    expect(events).toHaveLength(1); // a parked GET with nothing to say is no drain
    socket.send("last");
    socket.close();
    await settle();
    expect(idle.value?.body).toBe("4last");
    expect(events).toEqual(["drain, 0 buffered", "drain, 0 buffered"]);
  });

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
