// The chat demo's server without a browser: its static files, and its Socket.IO events as
// the page uses them, driven by the real socket.io-client (Node build) against unio on Node.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { startChat, type RunningChat } from "../../examples/chat/start.js";
import { ClientPool, nextEvent, record } from "../interop/clients.js";

type Answer = { ok: boolean; error?: string; [key: string]: unknown };

describe("the chat demo server (unio on Node)", () => {
  let chat: RunningChat | undefined;
  let url = "";
  let pool: ClientPool;

  beforeAll(async () => {
    chat = await startChat({ port: 0, hostname: "127.0.0.1" });
    url = `http://127.0.0.1:${chat.port}`;
    pool = new ClientPool(url);
  });
  afterEach(async () => {
    await pool.closeAll();
  });
  afterAll(async () => {
    await chat?.close();
  });

  const ask = async (socket: Socket, event: string, payload: unknown): Promise<Answer> =>
    (await socket.timeout(3000).emitWithAck(event, payload)) as Answer;

  /** A connected client that said hello as `nick` and joined `room`. */
  const member = async (nick: string, room: string): Promise<Socket> => {
    const socket = await pool.connect("/", { transports: ["websocket"] });
    expect(await ask(socket, "hello", { nick })).toMatchObject({ ok: true, nick });
    expect(await ask(socket, "room:join", { room })).toMatchObject({ ok: true, room });
    return socket;
  };

  describe("static files", () => {
    it.each([
      ["/", "text/html; charset=utf-8", "<title>unio chat</title>"],
      ["/app.js", "text/javascript; charset=utf-8", 'emit("chat:send"'],
      ["/style.css", "text/css; charset=utf-8", ".composer"],
      ["/vendor/socket.io.min.js", "text/javascript; charset=utf-8", "Socket.IO v4"],
    ])("serves %s", async (path, type, excerpt) => {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(type);
      expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(await response.text()).toContain(excerpt);
    });

    it.each(["/nope.html", "/%2e%2e/chat.ts", "/..%2fstart.ts", "/%2e%2e/%2e%2e/package.json"])("answers 404 for %s", async (path) => {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(404);
      await response.arrayBuffer();
    });
  });

  describe("the chat protocol", () => {
    it("refuses bad nicknames and rooms, and posting before joining", async () => {
      const socket = await pool.connect("/", { transports: ["websocket"] });
      expect(await ask(socket, "room:join", { room: "general" })).toEqual({ ok: false, error: "Say hello first." });
      expect(await ask(socket, "hello", { nick: "   " })).toMatchObject({ ok: false });
      expect(await ask(socket, "hello", { nick: "x".repeat(25) })).toMatchObject({ ok: false });
      expect(await ask(socket, "hello", { nick: "  zoë  " })).toMatchObject({ ok: true, nick: "zoë" });
      expect(await ask(socket, "chat:send", { text: "too early" })).toEqual({ ok: false, error: "Join a room first." });
      expect(await ask(socket, "room:join", { room: "Not Valid!" })).toMatchObject({ ok: false });
      expect(await ask(socket, "room:join", { room: "#General" })).toMatchObject({ ok: true, room: "general" });
      expect(await ask(socket, "chat:send", { text: "   " })).toMatchObject({ ok: false });
      expect(await ask(socket, "chat:send", { text: "y".repeat(1001) })).toMatchObject({ ok: false });
    });

    it("delivers messages to the room only, acks the sender, and keeps history", async () => {
      const room = `proto-${Date.now().toString(36)}`;
      const alice = await member("alice", room);
      const bob = await member("bob", room);
      const outsider = await member("olga", "random");
      const bobHears = nextEvent(bob, "chat:message");
      const outsiderHeard = record(outsider, "chat:message");
      const aliceHeard = record(alice, "chat:message");

      const receipt = await ask(alice, "chat:send", { text: "  hello bob  " });
      expect(receipt).toMatchObject({ ok: true, id: expect.stringMatching(/^m\d+$/) as unknown });
      const [message] = (await bobHears) as [Record<string, unknown>];
      expect(message).toEqual({ id: receipt["id"], room, nick: "alice", text: "hello bob", at: receipt["at"] });

      // A later join sees the history; nobody outside the room (nor the sender) got the event.
      const carol = await member("carol", room);
      const joined = await ask(carol, "room:join", { room });
      expect(joined["history"]).toEqual([message]);
      expect(joined["members"]).toEqual(["alice", "bob", "carol"]);
      expect(outsiderHeard).toEqual([]);
      expect(aliceHeard).toEqual([]);
    });

    it("announces members and typing, and updates both when someone leaves", async () => {
      const room = `presence-${Date.now().toString(36)}`;
      const alice = await member("alice", room);
      const membersSeen = record(alice, "room:members");
      const bob = await member("bob", room);
      const typing = nextEvent(alice, "typing");
      bob.emit("typing", true);
      expect((await typing)[0]).toEqual({ id: bob.id, nick: "bob", typing: true });

      const afterLeave = nextEvent(alice, "room:members");
      // Switching rooms leaves the old one.
      expect(await ask(bob, "room:join", { room: "random" })).toMatchObject({ ok: true, room: "random" });
      expect((await afterLeave)[0]).toEqual({ room, members: ["alice"] });
      expect(membersSeen[0]).toEqual([{ room, members: ["alice", "bob"] }]);

      // Disconnecting in the middle of typing clears the indicator for others.
      const carol = await member("carol", room);
      const carolTyping = nextEvent(alice, "typing");
      carol.emit("typing", true);
      expect((await carolTyping)[0]).toEqual({ id: carol.id, nick: "carol", typing: true });
      const stopped = nextEvent(alice, "typing");
      const list = nextEvent(alice, "room:list");
      carol.disconnect();
      expect((await stopped)[0]).toMatchObject({ nick: "carol", typing: false });
      const rooms = (await list)[0] as Array<{ name: string; online: number }>;
      expect(rooms.find((r) => r.name === room)).toEqual({ name: room, online: 1 });
      expect(rooms.slice(0, 2).map((r) => r.name)).toEqual(["general", "random"]);
    });
  });
});
