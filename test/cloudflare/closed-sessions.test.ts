// A session the server closed stays closed across a hibernation. workerd keeps a WebSocket
// whose client never answers the server's close frame in `ctx.getWebSockets()` — CLOSING, with
// its attachment — for minutes (the hostile bench's silent websockets: still connected 180 s
// after the close). Waking up must not bring such a session back: its "connection" handlers
// would run again for a client that is gone, and it would sit in its rooms until a heartbeat
// timed out.
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { workerWithClients } from "./support/worker-with-clients.js";
import { RawWebSocket } from "./support/raw-websocket.js";

const entry = fileURLToPath(new URL("./workers/hibernation-worker.ts", import.meta.url));

interface Stats {
  fresh: number;
  recovered: number;
}

const fixture = workerWithClients(entry, { IO: "HibernationObject", SLEEPY: "SleepyObject" });

it("does not restore a session whose close frame the client never answered", async () => {
  const object = "closed-unanswered";
  const raw = await RawWebSocket.open(fixture.worker.url, `/socket.io/?EIO=4&transport=websocket&object=${object}`);
  try {
    expect((await raw.next()).payload.toString("utf8")).toMatch(/^0\{/);
    raw.text("40");
    expect((await raw.next()).payload.toString("utf8")).toMatch(/^40\{"sid":/);
    // An Engine.IO close packet: the server ends the session and closes the WebSocket; this
    // client reads the close frame and never answers it, so workerd keeps the socket CLOSING.
    raw.text("1");
    const close = await raw.next();
    expect(close.opcode).toBe(0x8);

    expect(await (await fetch(`${fixture.worker.url}/__test/hibernate?object=${object}`)).text()).toBe("ok");
    const observer = await fixture.pool.connect("/", { transports: ["websocket"], query: { object } });
    const stats = (await observer.timeout(3000).emitWithAck("stats")) as Stats;
    // The raw client's session came back neither as a recovered socket nor otherwise.
    expect(stats.recovered).toBe(0);
    expect(stats.fresh).toBe(2);
  } finally {
    raw.destroy();
  }
});
