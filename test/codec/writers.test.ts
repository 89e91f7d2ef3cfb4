// The encoder's two writers of small values ("js": small-json.ts; "native": JSON.stringify)
// must give the same frames for every packet, throw the same errors, and be chosen per
// encoder or for the whole process. And the decoder's `addText(text, start)` must read a
// message inside a larger string exactly as `add` reads it cut out.

import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { DecodeError, Decoder, Encoder, PacketType, setSmallValueWriter } from "../../src/codec/index.js";
import type { Packet } from "../../src/codec/index.js";
import { packet } from "./arbitraries.js";

const js = new Encoder({ smallValues: "js" });
const native = new Encoder({ smallValues: "native" });

afterEach(() => setSmallValueWriter("js"));

describe("the native writer of small values", () => {
  it.each<[string, Packet, ReadonlyArray<string | Uint8Array>]>([
    ["an ack", { type: PacketType.ACK, nsp: "/", id: 12, data: [{ n: 1234, s: "fox" }] }, ['312[{"n":1234,"s":"fox"}]']],
    ["an event in a namespace", { type: PacketType.EVENT, nsp: "/chat", data: ["msg", "hi", 1.5, null, true] }, ['2/chat,["msg","hi",1.5,null,true]']],
    ["an ack id written next to the data", { type: PacketType.EVENT, nsp: "/", id: 9007199254740991, data: ["x"] }, ['29007199254740991["x"]']],
    ["text that needs escaping", { type: PacketType.EVENT, nsp: "/", data: ["q", 'a"b\\c\n\u0001\ud800'] }, ['2["q","a\\"b\\\\c\\n\\u0001\\ud800"]']],
    [
      "binary, as placeholders and attachments",
      { type: PacketType.EVENT, nsp: "/", data: ["up", new Uint8Array([1, 2]), { b: new Uint8Array([3]) }] },
      ['52-["up",{"_placeholder":true,"num":0},{"b":{"_placeholder":true,"num":1}}]', new Uint8Array([1, 2]), new Uint8Array([3])],
    ],
  ])("writes %s", (_, input, wire) => {
    expect(native.encode(input)).toEqual(wire);
    expect(js.encode(input)).toEqual(wire);
  });

  it("gives exactly the JS writer's frames for any packet", () => {
    fc.assert(
      fc.property(packet(true), (p) => {
        expect(native.encode(p)).toEqual(js.encode(p));
      }),
      { numRuns: 500 },
    );
  });

  it.each<[string, () => unknown, string]>([
    ["a circular value", () => { const a: unknown[] = []; a.push(a); return a; }, "circular value"],
    ["a BigInt", () => 1n, "unserializable value"],
    ["a throwing toJSON", () => ({ toJSON: () => { throw new Error("no"); } }), "unserializable value"],
  ])("refuses %s with the same error as the JS writer", (_, make, code) => {
    const data = ["e", make()];
    for (const encoder of [native, js]) {
      expect(() => encoder.encode({ type: PacketType.EVENT, nsp: "/", data })).toThrow(expect.objectContaining({ name: "EncodeError", code }));
    }
  });
});

describe("choosing the writer", () => {
  it("an encoder without a choice follows the process-wide one, at each encode", () => {
    const follower = new Encoder();
    expect(follower.smallValues).toBeUndefined();
    const p: Packet = { type: PacketType.ACK, nsp: "/", id: 1, data: [{ a: [1, "x"] }] };
    setSmallValueWriter("native");
    expect(follower.encode(p)).toEqual(['31[{"a":[1,"x"]}]']);
    setSmallValueWriter("js");
    expect(follower.encode(p)).toEqual(['31[{"a":[1,"x"]}]']);
    expect(native.smallValues).toBe("native");
  });

  it("throws at once for a writer it does not know", () => {
    expect(() => new Encoder({ smallValues: "fast" as never })).toThrow(TypeError);
    expect(() => setSmallValueWriter("fast" as never)).toThrow(TypeError);
  });
});

describe("Decoder.addText", () => {
  it.each<[string, string, number, Packet]>([
    ["an event after an Engine.IO digit", '42["chat","hi"]', 1, { type: PacketType.EVENT, nsp: "/", data: ["chat", "hi"] }],
    ["an ack with an id", '4312[{"n":1}]', 1, { type: PacketType.ACK, nsp: "/", id: 12, data: [{ n: 1 }] }],
    ["a connect in a namespace", "xx40/admin,", 3, { type: PacketType.CONNECT, nsp: "/admin" }],
    ["the whole string", '2/a,7["x"]', 0, { type: PacketType.EVENT, nsp: "/a", id: 7, data: ["x"] }],
  ])("reads %s", (_, text, start, expected) => {
    expect(new Decoder().addText(text, start)).toEqual(expected);
  });

  it.each<[string, string, number, string]>([
    ["nothing after the start", "4", 1, "invalid packet type"],
    ["a bad type digit", "47[]", 1, "invalid packet type"],
    ["whitespace before the data", '42 ["a"]', 1, "invalid json"],
    ["bad JSON", "42[", 1, "invalid json"],
  ])("refuses %s with a DecodeError", (_, text, start, code) => {
    expect(() => new Decoder().addText(text, start)).toThrow(expect.objectContaining({ name: "DecodeError", code }));
  });

  it("waits for the attachments of a binary packet, as add does", () => {
    const decoder = new Decoder();
    expect(decoder.addText('451-["up",{"_placeholder":true,"num":0}]', 1)).toBeUndefined();
    expect(decoder.attachmentsDue).toBe(1);
    expect(decoder.add(new Uint8Array([7]))).toEqual({ type: PacketType.EVENT, nsp: "/", data: ["up", new Uint8Array([7])] });
  });

  it("reads what add reads, or fails with the same code, for any frame after any prefix", () => {
    fc.assert(
      fc.property(packet(false), fc.string({ maxLength: 5 }), (p, prefix) => {
        const text = js.encode(p)[0];
        const outcome = (read: () => Packet | undefined): unknown => {
          try {
            return read();
          } catch (error) {
            if (!(error instanceof DecodeError)) throw error;
            return error.code;
          }
        };
        expect(outcome(() => new Decoder().addText(prefix + text, prefix.length))).toEqual(outcome(() => new Decoder().add(text)));
      }),
      { numRuns: 500 },
    );
  });
});
