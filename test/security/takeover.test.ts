// Session takeover: an attacker who learnt a session id races the legitimate client with
// every request the protocol has (second websockets, probes, upgrades, GETs, POSTs,
// garbage). Whatever the interleaving:
// - a websocket-only session accepts no second websocket, no probe and no polling request;
// - an upgrade happens at most once, only from polling, and afterwards polling with that
//   sid is refused (code 3) and no further websocket is accepted;
// - after the upgrade, the session's packets reach exactly one party: the socket that
//   completed it; and a session's packets never reach another session's socket.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WebSocketConnection } from "../../src/engine/contract.js";
import type { EngineSocket } from "../../src/engine/socket.js";
import { EMPTY, Peer, Q, footprint, settle, upgradeRequest, world } from "./support/world.js";
import type { World } from "./support/world.js";

type Action =
  | "attacker websocket"
  | "attacker upgrade"
  | "attacker 2probe"
  | "attacker 5"
  | "attacker garbage"
  | "attacker GET"
  | "attacker POST"
  | "client upgrade"
  | "client GET"
  | "client POST"
  | "server sends"
  | "time passes"
  | "stranger websocket-only session";

const ACTIONS: readonly Action[] = [
  "attacker websocket",
  "attacker upgrade",
  "attacker 2probe",
  "attacker 5",
  "attacker garbage",
  "attacker GET",
  "attacker POST",
  "client upgrade",
  "client GET",
  "client POST",
  "server sends",
  "time passes",
  "stranger websocket-only session",
];

interface Socket {
  readonly peer: Peer;
  readonly conn: WebSocketConnection;
  readonly owner: "attacker" | "client";
}

/** Message packets of `sid` carry this prefix, so we can tell whose packet reached whom. */
const secret = (sid: string, n: number): string => `secret:${sid}:${n}`;

async function openWebSocket(w: World, sid: string, owner: Socket["owner"]): Promise<Socket | "refused"> {
  const verdict = await w.io.engine.handleUpgrade(upgradeRequest(`${Q}&transport=websocket&sid=${sid}`));
  if (verdict.kind === "reject") {
    expect(verdict.response.status).toBe(400);
    return "refused";
  }
  const peer = new Peer();
  return { peer, conn: verdict.open(peer), owner };
}

describe("session takeover", () => {
  it("no interleaving of an attacker's requests breaks the upgrade rules or leaks packets", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 25 }), async (actions) => {
        const w = world({ upgradeTimeout: 1000, pingInterval: 5000, pingTimeout: 5000 });
        const { sid } = await w.polling();
        const session = w.io.engine.clients.get(sid) as EngineSocket;
        const sockets: Socket[] = [];
        const strangers: Array<{ sid: string; peer: Peer; session: EngineSocket }> = [];
        /** The socket that sent `5` while the session upgraded. */
        let upgradedBy: Socket | undefined;
        let upgrades = 0;
        session.on("upgrade", () => upgrades++);
        let sent = 0;
        let latest: Socket | undefined;

        for (const action of actions) {
          const wasWebSocket = session.transport.name === "websocket";
          switch (action) {
            case "attacker websocket":
            case "attacker upgrade":
            case "client upgrade": {
              const owner = action === "client upgrade" ? "client" : "attacker";
              const socket = await openWebSocket(w, sid, owner);
              if (wasWebSocket || session.isClosed()) expect(socket).toBe("refused");
              if (socket === "refused") break;
              sockets.push(socket);
              latest = socket;
              if (action !== "attacker websocket") {
                socket.conn.message("2probe");
                await settle();
                const before = session.transport.name;
                socket.conn.message("5");
                if (before === "polling" && session.transport.name === "websocket") upgradedBy = socket;
              }
              break;
            }
            case "attacker 2probe":
              latest?.conn.message("2probe");
              break;
            case "attacker 5": {
              const before = session.transport.name;
              latest?.conn.message("5");
              if (before === "polling" && session.transport.name === "websocket") upgradedBy = latest;
              break;
            }
            case "attacker garbage":
              latest?.conn.message("4\u0000garbage");
              latest?.conn.message(Uint8Array.of(0xff));
              break;
            case "attacker GET":
            case "client GET":
            case "attacker POST":
            case "client POST": {
              const response = action.endsWith("GET")
                ? await Promise.race([w.get(sid), settle().then(() => undefined)])
                : await w.post(sid, "4hello");
              if (wasWebSocket && response !== undefined) {
                expect(response.status).toBe(400);
                expect(["{\"code\":3,\"message\":\"Bad request\"}", "{\"code\":1,\"message\":\"Session ID unknown\"}"]).toContain(response.body);
              }
              break;
            }
            case "server sends":
              session.send(secret(sid, sent++));
              for (const s of strangers) s.session.send(secret(s.sid, sent++));
              break;
            case "time passes":
              w.clock.advance(600);
              break;
            case "stranger websocket-only session": {
              const stranger = await w.websocket();
              const strangerSession = w.io.engine.clients.get(stranger.sid) as EngineSocket;
              strangers.push({ sid: stranger.sid, peer: stranger.peer, session: strangerSession });
              // Nobody may join a websocket-only session: not a second websocket, not polling.
              expect(await openWebSocket(w, stranger.sid, "attacker")).toBe("refused");
              const get = await w.get(stranger.sid);
              expect(get.body).toBe('{"code":3,"message":"Bad request"}');
              expect(strangerSession.isClosed()).toBe(false);
              break;
            }
          }
          await settle();
          expect(upgrades).toBeLessThanOrEqual(1);
          // After the upgrade, only the socket that completed it has ever received the session's messages.
          for (const socket of sockets) {
            const got = socket.peer.packets.some((p) => typeof p.data === "string" && p.data.includes(`secret:${sid}:`));
            if (got) expect(socket).toBe(upgradedBy);
          }
          // A session's messages never reach another session's socket.
          for (const s of strangers) {
            for (const p of s.peer.packets) {
              if (typeof p.data === "string" && p.data.includes("secret:")) expect(p.data).toContain(`secret:${s.sid}:`);
            }
          }
        }
        if (upgrades === 1) expect(upgradedBy).toBeDefined();
        await w.io.close();
        w.clock.advance(120_000);
        await settle();
        expect(footprint(w.io)).toEqual(EMPTY);
      }),
      { numRuns: 300 },
    );
  });

  it("a websocket-only session: a second websocket, a probe and polling are refused; the session and its socket go on", async () => {
    const w = world();
    const victim = await w.joined();
    const second = await openWebSocket(w, victim.sid, "attacker");
    expect(second).toBe("refused");
    expect((await w.get(victim.sid)).body).toBe('{"code":3,"message":"Bad request"}');
    expect((await w.post(victim.sid, '42["echo"]')).body).toBe('{"code":3,"message":"Bad request"}');
    victim.send('421["echo","mine"]');
    await settle();
    expect(victim.peer.take()).toEqual(['431["mine"]']);
    expect(victim.peer.closedWith).toBeUndefined();
  });

  it("the Socket.IO socket id handed to the client is not the Engine.IO session id", async () => {
    const w = world();
    const client = await w.websocket();
    client.send("40");
    await settle();
    const [connect] = client.peer.take();
    const socketId = (JSON.parse(String(connect).slice(2)) as { sid: string }).sid;
    expect(socketId).not.toBe(client.sid);
    // Knowing the socket id gives nothing: it names no session.
    expect((await w.get(socketId)).body).toBe('{"code":1,"message":"Session ID unknown"}');
    expect(await openWebSocket(w, socketId, "attacker")).toBe("refused");
  });

  it("a closed session's id opens nothing", async () => {
    const w = world();
    const { sid } = await w.polling();
    await w.post(sid, "1");
    await settle();
    expect((await w.get(sid)).body).toBe('{"code":1,"message":"Session ID unknown"}');
    expect(await openWebSocket(w, sid, "attacker")).toBe("refused");
  });
});
