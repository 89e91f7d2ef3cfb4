import { describe, expect, it } from "vitest";
import { FakePeer, Q, fakeRequest, harness, poll, pollingSession, post, settle, websocketSession } from "./fixtures.js";

describe("no deadline outlives its session", () => {
  it("after many sessions end every way they can, the heap of deadlines is empty", async () => {
    const h = harness({ pingInterval: 1000, pingTimeout: 500, upgradeTimeout: 700 });
    for (let round = 0; round < 20; round++) {
      const a = await pollingSession(h); // client close
      const b = await pollingSession(h); // upgraded, then ping timeout
      const c = await websocketSession(h); // server close
      const d = await websocketSession(h); // peer drops
      const e = await pollingSession(h); // probe that times out, then overlap
      await post(h, a.socket.id, "1");
      const v = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket&sid=${b.socket.id}`));
      if (v.kind !== "accept") throw new Error("refused");
      const conn = v.open(new FakePeer());
      conn.message("2probe");
      conn.message("5");
      c.socket.close();
      d.conn.closed(1006, "");
      const v2 = await h.engine.handleUpgrade(fakeRequest("GET", `${Q}&transport=websocket&sid=${e.socket.id}`));
      if (v2.kind !== "accept") throw new Error("refused");
      v2.open(new FakePeer());
      h.clock.advance(700);
      poll(h, e.socket.id);
      poll(h, e.socket.id);
      h.clock.advance(1500); // b: ping at 1000, no pong by 1500
      await settle();
      expect(h.engine.clientsCount).toBe(0);
      expect(h.engine.timers.size).toBe(0);
    }
    expect(h.sockets.map((s) => s.readyState).every((s) => s === "closed")).toBe(true);
  });
});
