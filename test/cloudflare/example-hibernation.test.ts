// The chat example's Durable Object forgets its memory (as a hibernation does) while its
// WebSockets stay open: the chat must go on as if nothing happened — nicknames, rooms and
// who is online come back from each socket's `socket.data` and rooms, and the wake-up itself
// sends nobody anything. The object is examples/cloudflare/worker.ts's own class, with a
// test-only route that calls `simulateHibernation()` (test/cloudflare/workers/).
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { nextEvent, upgraded } from "../interop/clients.js";
import { workerWithClients } from "./support/worker-with-clients.js";

const entry = fileURLToPath(new URL("./workers/example-hibernation-worker.ts", import.meta.url));

type Answer = { ok: boolean; error?: string; [key: string]: unknown };

const fixture = workerWithClients(entry, { CHAT: "ChatRoom" });
let objectCounter = 0;

/** A fresh object per case, so that cases do not share rooms. */
function objectName(): string {
  objectCounter += 1;
  return `chat-${objectCounter}`;
}

async function ask(socket: Socket, event: string, payload: unknown): Promise<Answer> {
  return (await socket.timeout(3000).emitWithAck(event, payload)) as Answer;
}

async function hibernate(object: string): Promise<void> {
  const response = await fetch(`${fixture.worker.url}/__test/hibernate?object=${object}`);
  expect(await response.text()).toBe("ok");
}

/** A client of `object` that said hello as `nick` and joined `room`. */
async function member(object: string, nick: string, room: string, transports = ["websocket"]): Promise<Socket> {
  const socket = await fixture.pool.connect("/", { transports, query: { object } });
  await upgraded(socket);
  expect(await ask(socket, "hello", { nick })).toMatchObject({ ok: true, nick });
  expect(await ask(socket, "room:join", { room })).toMatchObject({ ok: true, room });
  return socket;
}

/** Every event `socket` receives, as `[event, ...args]`, in order. */
function everything(socket: Socket): unknown[][] {
  const heard: unknown[][] = [];
  socket.onAny((event: string, ...args: unknown[]) => heard.push([event, ...args]));
  return heard;
}

it("delivers a message with the sender's nickname after a wake-up, and keeps who is online", async () => {
  const object = objectName();
  // ann as the page connects (polling, then the upgrade), bob straight over WebSocket.
  const ann = await member(object, "ann", "general", ["polling", "websocket"]);
  const bob = await member(object, "bob", "general");
  const annHeard = everything(ann);
  const bobHeard = everything(bob);

  await hibernate(object);

  const bobHears = nextEvent(bob, "chat:message", 3000);
  const receipt = await ask(ann, "chat:send", { text: "still there?" });
  expect(receipt).toEqual({ ok: true, id: expect.stringMatching(/^m\d+$/) as unknown, at: expect.any(Number) as unknown });
  const message = { id: receipt["id"], room: "general", nick: "ann", text: "still there?", at: receipt["at"] };
  expect((await bobHears)[0]).toEqual(message);

  // Joining the room one is in already changes nothing and answers who is in it.
  expect(await ask(ann, "room:join", { room: "general" })).toMatchObject({ ok: true, members: ["ann", "bob"] });
  expect(await ask(bob, "room:join", { room: "general" })).toMatchObject({ ok: true, members: ["ann", "bob"], history: [message] });
  // The wake-up announced nothing (no join, no member list, no room list): each ack above
  // came after anything sent to that client before it.
  expect(annHeard).toEqual([]);
  expect(bobHeard).toEqual([["chat:message", message]]);

  const typing = nextEvent(ann, "typing", 3000);
  bob.emit("typing", true);
  expect((await typing)[0]).toEqual({ id: bob.id, nick: "bob", typing: true });

  // A newcomer sees the same head count, and joining adds to the list instead of replacing it.
  const carol = await fixture.pool.connect("/", { transports: ["websocket"], query: { object } });
  const hello = await ask(carol, "hello", { nick: "carol" });
  expect(hello["rooms"]).toEqual([
    { name: "general", online: 2 },
    { name: "random", online: 0 },
  ]);
  const annSeesCarol = nextEvent(ann, "room:members", 3000);
  expect(await ask(carol, "room:join", { room: "general" })).toMatchObject({ ok: true, members: ["ann", "bob", "carol"] });
  expect((await annSeesCarol)[0]).toEqual({ room: "general", members: ["ann", "bob", "carol"] });
});

it("keeps room changes made after a wake-up for the next one, and lets people leave", async () => {
  const object = objectName();
  const ann = await member(object, "ann", "night-shift");
  const bob = await member(object, "bob", "night-shift");

  await hibernate(object);

  // Switching rooms after the wake-up leaves the room the socket was restored in.
  const annSeesBobLeave = nextEvent(ann, "room:members", 3000);
  expect(await ask(bob, "room:join", { room: "random" })).toMatchObject({ ok: true, room: "random", members: ["bob"] });
  expect((await annSeesBobLeave)[0]).toEqual({ room: "night-shift", members: ["ann"] });

  await hibernate(object);

  expect(await ask(ann, "hello", { nick: "ann" })).toMatchObject({
    ok: true,
    rooms: [
      { name: "general", online: 0 },
      { name: "random", online: 1 },
      { name: "night-shift", online: 1 },
    ],
  });
  const bobHears = nextEvent(bob, "chat:message", 3000);
  const carol = await member(object, "carol", "random");
  expect(await ask(carol, "chat:send", { text: "hi bob" })).toMatchObject({ ok: true });
  expect((await bobHears)[0]).toMatchObject({ room: "random", nick: "carol", text: "hi bob" });

  // Leaving after a wake-up takes bob out of the list rebuilt for it.
  const carolSeesBobGo = nextEvent(carol, "room:members", 3000);
  bob.disconnect();
  expect((await carolSeesBobGo)[0]).toEqual({ room: "random", members: ["carol"] });
});
