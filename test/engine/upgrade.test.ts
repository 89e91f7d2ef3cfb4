import { describe, expect, it } from "vitest";
import type { WebSocketConnection } from "../../src/engine/contract.js";
import type { Harness } from "./fixtures.js";
import {
  FakePeer,
  Q,
  closes,
  fakeRequest,
  harness,
  messages,
  poll,
  pollingSession,
  post,
  settle,
  slowPost,
  websocketSession,
} from "./fixtures.js";

const WS1 = `${Q}&transport=websocket&sid=s1`;

async function probe(h: Harness, url = WS1): Promise<{ peer: FakePeer; conn: WebSocketConnection }> {
  const verdict = await h.engine.handleUpgrade(fakeRequest("GET", url));
  if (verdict.kind !== "accept") throw new Error(`refused: ${String(verdict.response.body)}`);
  const peer = new FakePeer();
  return { peer, conn: verdict.open(peer) };
}

async function refusedUpgrade(h: Harness, url = WS1): Promise<string> {
  const verdict = await h.engine.handleUpgrade(fakeRequest("GET", url));
  if (verdict.kind !== "reject") throw new Error("accepted");
  expect(verdict.response.status).toBe(400);
  return verdict.response.body as string;
}

describe("polling → websocket upgrade", () => {
  it("2probe → 3probe and a noop for the parked GET; 5 switches, buffered packets follow in order", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const upgrades: string[] = [];
    socket.on("upgrade", (t) => upgrades.push(t.name));
    const got = messages(socket);
    const get = poll(h, "s1");
    await settle();
    const { peer, conn } = await probe(h);
    expect(socket.transport.name).toBe("polling");
    conn.message("2probe");
    expect(peer.batches).toEqual([["3probe"]]);
    await settle();
    expect(get.value?.body).toBe("6");
    // The client is pausing polling: what the server sends now waits for the websocket.
    socket.send("one");
    socket.send(new Uint8Array([2]));
    await settle();
    const lateGet = poll(h, "s1"); // a GET in this phase is released with a noop at once
    await settle();
    expect(lateGet.value?.body).toBe("6");
    expect((await post(h, "s1", "4from polling")).body).toBe("ok"); // a POST still in flight is fine
    socket.send("three");
    conn.message("5");
    expect(socket.transport.name).toBe("websocket");
    expect(upgrades).toEqual(["websocket"]);
    expect(peer.batches).toEqual([["3probe"], ["4one", new Uint8Array([2]), "4three"]]);
    conn.message("4from websocket");
    expect(got).toEqual(["from polling", "from websocket"]);
    socket.send("four");
    await settle();
    expect(peer.batches.at(-1)).toEqual(["4four"]);
  });

  it("data sent before 2probe still goes over polling", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const { conn } = await probe(h);
    const get = poll(h, "s1");
    socket.send("before probe");
    await settle();
    expect(get.value?.body).toBe("4before probe");
    conn.message("2probe");
    conn.message("5");
    expect(socket.transport.name).toBe("websocket");
  });

  it("after the upgrade, polling requests with that sid get 400 code 3", async () => {
    const h = harness();
    await pollingSession(h);
    const { conn } = await probe(h);
    conn.message("2probe");
    conn.message("5");
    const get = await h.engine.handleRequest(fakeRequest("GET", `${Q}&transport=polling&sid=s1`));
    expect(get.status).toBe(400);
    expect(get.body).toBe('{"code":3,"message":"Bad request"}');
    const postRes = await post(h, "s1", "4sneaky");
    expect(postRes.body).toBe('{"code":3,"message":"Bad request"}');
    expect(h.sockets[0]!.readyState).toBe("open");
  });

  it("a POST whose body arrives after the upgrade is refused with code 3, its packets dropped", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const got = messages(socket);
    const slow = slowPost(`${Q}&transport=polling&sid=s1`);
    const res = h.engine.handleRequest(slow.req);
    const { conn } = await probe(h);
    conn.message("2probe");
    conn.message("5");
    slow.deliver("4late");
    expect((await res).body).toBe('{"code":3,"message":"Bad request"}');
    expect(got).toEqual([]);
  });

  it("upgradeTimeout without 5 closes the probe; the session carries on over polling", async () => {
    const h = harness({ upgradeTimeout: 1000, pingInterval: 60_000 });
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const { peer, conn } = await probe(h);
    conn.message("2probe");
    socket.send("held for the websocket");
    h.clock.advance(999);
    expect(peer.closedWith).toBeUndefined();
    h.clock.advance(1);
    expect(peer.closedWith).toEqual({ code: 1000, reason: "upgrade timeout" });
    expect(socket.transport.name).toBe("polling");
    expect(socket.readyState).toBe("open");
    const get = poll(h, "s1");
    await settle();
    expect(get.value?.body).toBe("4held for the websocket");
    conn.message("5"); // too late: the probe is gone
    expect(socket.transport.name).toBe("polling");
    expect(seen).toEqual([]);
  });

  it("anything but 2probe then 5 on the probe fails the probe only", async () => {
    for (const script of [["5"], ["4hi"], ["2probe", "2probe"], ["2probe", "4hi"], ["2"], ["junk"], ["2probe", "5x"]]) {
      const h = harness();
      const { socket } = await pollingSession(h);
      const got = messages(socket);
      const { peer, conn } = await probe(h);
      for (const frame of script) conn.message(frame);
      expect(peer.closedWith?.code, script.join(",")).toBe(1002);
      expect(socket.transport.name).toBe("polling");
      expect(socket.readyState).toBe("open");
      expect(got).toEqual([]); // nothing said on a probe reaches the application
    }
  });

  it("a probe that closes leaves the session on polling, and a new probe may try again", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const first = await probe(h);
    first.conn.message("2probe");
    first.conn.closed(1006, "");
    expect(socket.transport.name).toBe("polling");
    expect(h.engine.timers.size).toBe(1); // the heartbeat only
    const second = await probe(h);
    second.conn.message("2probe");
    second.conn.message("5");
    expect(socket.transport.name).toBe("websocket");
  });

  it("the session closing during the probe closes the probe and clears its timer", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const { peer, conn } = await probe(h);
    conn.message("2probe");
    expect(h.engine.timers.size).toBe(2);
    await post(h, "s1", "1");
    expect(socket.readyState).toBe("closed");
    expect(peer.closedWith?.code).toBe(1001);
    expect(h.engine.timers.size).toBe(0);
  });

  it("socket.close() during the probe lets it finish: the buffer and 1 go over the websocket", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const upgrades: string[] = [];
    socket.on("upgrade", (t) => upgrades.push(t.name));
    const { peer, conn } = await probe(h);
    conn.message("2probe");
    // The client has paused polling; the application answers and disconnects (disconnect(true)).
    socket.send("31[]");
    socket.send("1");
    socket.close();
    expect(peer.closedWith).toBeUndefined();
    expect(socket.readyState).toBe("closing");
    conn.message("5");
    expect(upgrades).toEqual(["websocket"]);
    expect(peer.batches).toEqual([["3probe"], ["431[]", "41", "1"]]);
    expect(peer.closedWith).toEqual({ code: 1000, reason: "forced close" });
    expect(seen.map((c) => c.reason)).toEqual(["forced close"]);
    expect(h.engine.clientsCount).toBe(0);
    expect(h.engine.timers.size).toBe(0);
  });

  it("socket.close() during a probe that then fails: the goodbye goes over polling", async () => {
    const h = harness({ upgradeTimeout: 1000 });
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const { peer, conn } = await probe(h);
    conn.message("2probe");
    socket.send("last");
    socket.close();
    h.clock.advance(1000); // no 5: the probe times out, the session stays closing
    expect(peer.closedWith?.code).toBe(1000);
    expect(socket.readyState).toBe("closing");
    const get = poll(h, "s1");
    await settle();
    expect(get.value?.body).toBe("4last");
    const next = poll(h, "s1");
    await settle();
    expect(next.value?.body).toBe("1");
    expect(seen.map((c) => c.reason)).toEqual(["forced close"]);
    expect(h.engine.timers.size).toBe(0);
  });

  it("a closing session accepts no new probe", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    socket.close();
    expect(await refusedUpgrade(h)).toBe('{"code":3,"message":"Bad request"}');
  });

  it("pings during the upgrade are delivered over the websocket and answered there", async () => {
    const h = harness({ pingInterval: 1000, pingTimeout: 5000, upgradeTimeout: 10_000 });
    const { socket } = await pollingSession(h);
    const seen = closes(socket);
    const { peer, conn } = await probe(h);
    conn.message("2probe");
    h.clock.advance(1000);
    await settle();
    conn.message("5");
    expect(peer.batches).toEqual([["3probe"], ["2"]]);
    conn.message("3");
    h.clock.advance(5000);
    expect(seen).toEqual([]);
  });
});

describe("takeover attempts", () => {
  it("a websocket-only session accepts no upgrade and no second websocket", async () => {
    const h = harness();
    const { socket, peer } = await websocketSession(h);
    expect(await refusedUpgrade(h)).toBe('{"code":3,"message":"Bad request"}');
    expect(socket.readyState).toBe("open");
    expect(peer.closedWith).toBeUndefined();
  });

  it("an upgrade is accepted once: a second probe during the first is refused", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const first = await probe(h);
    expect(await refusedUpgrade(h)).toBe('{"code":3,"message":"Bad request"}');
    first.conn.message("2probe");
    first.conn.message("5");
    expect(socket.transport.name).toBe("websocket");
    expect(await refusedUpgrade(h)).toBe('{"code":3,"message":"Bad request"}');
  });

  it("two verdicts raced before either opened: the second open() closes its socket, the session is untouched", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const v1 = await h.engine.handleUpgrade(fakeRequest("GET", WS1));
    const v2 = await h.engine.handleUpgrade(fakeRequest("GET", WS1));
    if (v1.kind !== "accept" || v2.kind !== "accept") throw new Error("refused");
    const p1 = new FakePeer();
    const p2 = new FakePeer();
    const c1 = v1.open(p1);
    const c2 = v2.open(p2);
    expect(p2.closedWith).toEqual({ code: 1008, reason: "upgrade refused" });
    c2.message("2probe");
    c2.message("5");
    expect(p2.batches).toEqual([]);
    expect(socket.transport.name).toBe("polling");
    c1.message("2probe");
    c1.message("5");
    expect(socket.transport.name).toBe("websocket");
    // The refused socket can say anything: it reaches nobody.
    const got = messages(socket);
    c2.message("4intruder");
    c2.closed(1000, "");
    expect(got).toEqual([]);
    expect(socket.readyState).toBe("open");
  });

  it("a second websocket for an upgraded session is refused; the live one keeps working", async () => {
    const h = harness();
    const { socket } = await pollingSession(h);
    const { peer, conn } = await probe(h);
    conn.message("2probe");
    conn.message("5");
    expect(await refusedUpgrade(h)).toBe('{"code":3,"message":"Bad request"}');
    socket.send("still mine");
    await settle();
    expect(peer.batches.at(-1)).toEqual(["4still mine"]);
  });

  it("upgrades are refused when disabled, and for closing sessions", async () => {
    const off = harness({ allowUpgrades: false });
    await pollingSession(off);
    expect(await refusedUpgrade(off)).toBe('{"code":3,"message":"Bad request"}');

    const h = harness();
    const { socket } = await pollingSession(h);
    socket.close();
    expect(await refusedUpgrade(h)).toBe('{"code":3,"message":"Bad request"}');
  });

  it("an upgrade for a sid with the wrong protocol version is refused", async () => {
    const h = harness();
    await pollingSession(h);
    expect(await refusedUpgrade(h, "/engine.io/?EIO=3&transport=websocket&sid=s1")).toBe('{"code":3,"message":"Bad request"}');
  });

  it("packets of one session never reach another session's peer", async () => {
    const h = harness();
    const a = await pollingSession(h);
    const b = await pollingSession(h);
    const pa = await probe(h, `${Q}&transport=websocket&sid=s1`);
    pa.conn.message("2probe");
    pa.conn.message("5");
    const pb = await probe(h, `${Q}&transport=websocket&sid=s2`);
    pb.conn.message("2probe");
    pb.conn.message("5");
    a.socket.send("for a");
    b.socket.send("for b");
    await settle();
    expect(pa.peer.sent).toEqual(["3probe", "4for a"]);
    expect(pb.peer.sent).toEqual(["3probe", "4for b"]);
  });
});
