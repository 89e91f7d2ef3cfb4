// `Encoder.encode(packet, true)`: the text frame written as an Engine.IO message ("4" first),
// which the Socket.IO layer hands to the engine as it is. Both writers of small values must
// give exactly the plain encoding with "4" before it, and leave the attachments alone.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Encoder, PacketType } from "../../src/codec/index.js";
import type { Packet } from "../../src/codec/index.js";
import { packet } from "./arbitraries.js";

const encoders = [
  ["js", new Encoder({ smallValues: "js" })],
  ["native", new Encoder({ smallValues: "native" })],
] as const;

describe.each(encoders)("encode(packet, true) with the %s writer", (_, encoder) => {
  it.each<[string, Packet, ReadonlyArray<string | Uint8Array>]>([
    ["an ack", { type: PacketType.ACK, nsp: "/", id: 54321, data: [{ n: 1234, s: "fox" }] }, ['4354321[{"n":1234,"s":"fox"}]']],
    ["an ack with id 0", { type: PacketType.ACK, nsp: "/", id: 0, data: [] }, ["430[]"]],
    ["an event", { type: PacketType.EVENT, nsp: "/", data: ["pong", 1] }, ['42["pong",1]']],
    ["an event asking for an ack", { type: PacketType.EVENT, nsp: "/", id: 7, data: ["q"] }, ['427["q"]']],
    ["an ack in a namespace", { type: PacketType.ACK, nsp: "/chat", id: 3, data: ["ok"] }, ['43/chat,3["ok"]']],
    ["an event in a namespace", { type: PacketType.EVENT, nsp: "/chat", data: ["m"] }, ['42/chat,["m"]']],
    ["a connect answer", { type: PacketType.CONNECT, nsp: "/", data: { sid: "abc" } }, ['40{"sid":"abc"}']],
    ["a disconnect in a namespace", { type: PacketType.DISCONNECT, nsp: "/admin" }, ["41/admin,"]],
    ["a refused join", { type: PacketType.CONNECT_ERROR, nsp: "/x", data: { message: "Invalid namespace" } }, ['44/x,{"message":"Invalid namespace"}']],
    [
      "a binary ack: only the text is an Engine.IO message",
      { type: PacketType.ACK, nsp: "/", id: 12, data: [new Uint8Array([1, 2])] },
      ['461-12[{"_placeholder":true,"num":0}]', new Uint8Array([1, 2])],
    ],
  ])("writes %s", (_, input, wire) => {
    expect(encoder.encode(input, true)).toEqual(wire);
  });

  it("is the plain encoding with the message type before its text, for any packet", () => {
    fc.assert(
      fc.property(packet(true), (p) => {
        const plain = encoder.encode(p);
        const message = encoder.encode(p, true);
        expect(message[0]).toBe(`4${plain[0]}`);
        expect(message.slice(1)).toEqual(plain.slice(1));
      }),
      { numRuns: 300 },
    );
  });

  it("checks the namespace and the ack id as the plain encoding does", () => {
    const badNamespace = { type: PacketType.ACK, nsp: "chat", id: 1, data: [] } as Packet;
    const badId = { type: PacketType.ACK, nsp: "/", id: -1, data: [] } as Packet;
    const both = { type: PacketType.ACK, nsp: "a,b", id: 1.5, data: [] } as Packet;
    expect(() => encoder.encode(badNamespace, true)).toThrow(expect.objectContaining({ code: "invalid namespace" }));
    expect(() => encoder.encode(badId, true)).toThrow(expect.objectContaining({ code: "invalid ack id" }));
    expect(() => encoder.encode(both, true)).toThrow(expect.objectContaining({ code: "invalid namespace" }));
  });
});
