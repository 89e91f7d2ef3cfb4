import { describe, expect, it } from "vitest";
import {
  DecodeError,
  Decoder,
  EncodeError,
  Encoder,
  MAX_ENCODE_DEPTH,
  PacketType,
  RESERVED_EVENTS,
} from "../../src/codec/index.js";
import type { Packet } from "../../src/codec/index.js";

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);
const B1 = bytes(1, 2, 3);
const B2 = bytes();
const B3 = bytes(255);

/** Feeds frames one by one; every frame but the last must answer "not yet". */
function decodeFrames(frames: ReadonlyArray<string | Uint8Array>, decoder = new Decoder()): Packet | undefined {
  for (let i = 0; i < frames.length - 1; i++) {
    expect(decoder.add(frames[i]!)).toBeUndefined();
    expect(decoder.attachmentsDue).toBe(frames.length - 1 - i);
  }
  const packet = decoder.add(frames[frames.length - 1]!);
  expect(decoder.attachmentsDue).toBe(0);
  return packet;
}

/** Packets and their exact wire frames, checked by encoding and by decoding. */
const WIRE_TABLE: ReadonlyArray<[string, Packet, Array<string | Uint8Array>]> = [
  ["CONNECT on /", { type: 0, nsp: "/" }, ["0"]],
  ["CONNECT on /admin", { type: 0, nsp: "/admin" }, ["0/admin,"]],
  ["CONNECT with auth", { type: 0, nsp: "/", data: { token: "123" } }, ['0{"token":"123"}']],
  ["CONNECT reply", { type: 0, nsp: "/admin", data: { sid: "oSO0OpakMV_3jnilAAAA" } }, ['0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}']],
  ["DISCONNECT on /", { type: 1, nsp: "/" }, ["1"]],
  ["DISCONNECT on /admin", { type: 1, nsp: "/admin" }, ["1/admin,"]],
  ["EVENT", { type: 2, nsp: "/", data: ["foo"] }, ['2["foo"]']],
  ["EVENT with ack id", { type: 2, nsp: "/", id: 12, data: ["foo", 1, { a: true }] }, ['212["foo",1,{"a":true}]']],
  ["EVENT with ack id 0", { type: 2, nsp: "/", id: 0, data: ["x"] }, ['20["x"]']],
  ["EVENT named by a number", { type: 2, nsp: "/chat", data: [42, null] }, ["2/chat,[42,null]"]],
  ["EVENT on a namespace that looks like digits", { type: 2, nsp: "/12", id: 3, data: ["a"] }, ['2/12,3["a"]']],
  ["EVENT, unicode", { type: 2, nsp: "/ünï cødé", data: ["é", "😀", "\u2028"] }, ['2/ünï cødé,["é","😀","\u2028"]']],
  ["ACK", { type: 3, nsp: "/admin", id: 13, data: ["bar"] }, ['3/admin,13["bar"]']],
  ["ACK with no args", { type: 3, nsp: "/", id: 0, data: [] }, ["30[]"]],
  ["ACK without id", { type: 3, nsp: "/", data: [1] }, ["3[1]"]],
  ["CONNECT_ERROR object", { type: 4, nsp: "/", data: { message: "Invalid namespace" } }, ['4{"message":"Invalid namespace"}']],
  ["CONNECT_ERROR with data", { type: 4, nsp: "/random", data: { message: "no", data: { x: 1 } } }, ['4/random,{"message":"no","data":{"x":1}}']],
  ["CONNECT_ERROR string", { type: 4, nsp: "/", data: "not authorized" }, ['4"not authorized"']],
  ["BINARY_EVENT", { type: 2, nsp: "/", data: ["baz", B1] }, ['51-["baz",{"_placeholder":true,"num":0}]', B1]],
  [
    "BINARY_EVENT nested, with id and namespace",
    { type: 2, nsp: "/files", id: 7, data: ["up", { name: "a", parts: [B1, { b: B2 }] }, B3] },
    [
      '53-/files,7["up",{"name":"a","parts":[{"_placeholder":true,"num":0},{"b":{"_placeholder":true,"num":1}}]},{"_placeholder":true,"num":2}]',
      B1,
      B2,
      B3,
    ],
  ],
  [
    "BINARY_ACK",
    { type: 3, nsp: "/admin", id: 7, data: [{ a: B1, b: [B2] }] },
    ['62-/admin,7[{"a":{"_placeholder":true,"num":0},"b":[{"_placeholder":true,"num":1}]}]', B1, B2],
  ],
  ["BINARY_ACK without namespace", { type: 3, nsp: "/", id: 1, data: [B3] }, ['61-1[{"_placeholder":true,"num":0}]', B3]],
];

describe("socket packets: wire table", () => {
  const encoder = new Encoder();

  it.each(WIRE_TABLE)("encodes %s", (_, packet, frames) => {
    const encoded = encoder.encode(packet);
    expect(encoded).toHaveLength(frames.length);
    expect(encoded[0]).toBe(frames[0]);
    for (let i = 1; i < frames.length; i++) expect(encoded[i]).toBe(frames[i]); // the same bytes, not a copy
  });

  it.each(WIRE_TABLE)("decodes %s, attachments one at a time", (_, packet, frames) => {
    const decoded = decodeFrames(frames);
    expect(decoded).toStrictEqual(packet);
  });

  it("decodes attachments as the very objects it was given", () => {
    const a = bytes(9);
    const b = bytes(8);
    const decoded = decodeFrames([
      '52-["x",{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}]',
      a,
      b,
    ]);
    const data = decoded?.data as unknown[];
    expect(data[1]).toBe(b);
    expect(data[2]).toBe(a);
  });

  it.each<[string, Packet]>([
    ["0/admin", { type: 0, nsp: "/admin" }],
    ["1/admin", { type: 1, nsp: "/admin" }],
    ["0/", { type: 0, nsp: "/" }],
    ["0/,", { type: 0, nsp: "/" }],
    ['2/,["a"]', { type: 2, nsp: "/", data: ["a"] }],
    ['2007["a"]', { type: 2, nsp: "/", id: 7, data: ["a"] }],
    ['501-["a",{"_placeholder":true,"num":0}]', { type: 5, nsp: "/", data: ["a", { _placeholder: true, num: 0 }], attachments: 1 }],
    ['2["a",{"_placeholder":true,"num":0}]', { type: 2, nsp: "/", data: ["a", { _placeholder: true, num: 0 }] }],
    ['2[" x",  1 ]', { type: 2, nsp: "/", data: [" x", 1] }],
    // socket.io-parser reads an id on any type, and so do we.
    ["01", { type: 0, nsp: "/", id: 1 }],
    ['4/x,5"no"', { type: 4, nsp: "/x", id: 5, data: "no" }],
    ['2[-1.5e3]', { type: 2, nsp: "/", data: [-1500] }],
    ['29007199254740991["a"]', { type: 2, nsp: "/", id: 9007199254740991, data: ["a"] }],
  ])("also accepts %j", (wire, packet) => {
    const decoder = new Decoder();
    const decoded = decoder.add(wire);
    if (packet.attachments === undefined) expect(decoded).toStrictEqual(packet);
    else expect(decoded).toBeUndefined();
  });

  it("keeps a '__proto__' key an own property when it holds an attachment", () => {
    const decoded = decodeFrames(['51-["x",{"__proto__":{"_placeholder":true,"num":0}}]', B1]);
    const arg = (decoded?.data as unknown[])[1] as object;
    expect(Object.getPrototypeOf(arg)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(arg, "__proto__")?.value).toBe(B1);
  });
});

describe("socket packets: namespace reuse between packets", () => {
  it("reads each namespace whole, whatever the packet before named", () => {
    const decoder = new Decoder();
    // Each pair: a wire string, then the namespace it names. Consecutive namespaces are
    // prefixes, extensions and look-alikes of each other, with and without a following ",".
    const cases: Array<[string, string]> = [
      ['2/admin,["a"]', "/admin"],
      ['2/admin,["b"]', "/admin"],
      ['2/admin2,["c"]', "/admin2"],
      ['2/admin,["d"]', "/admin"],
      ['2/adm,["e"]', "/adm"],
      ["0/adm", "/adm"],
      ["0/admin", "/admin"],
      ['2/,["f"]', "/"],
      ['2/,["g"]', "/"],
      ['2/x,["h"]', "/x"],
      ['2["i"]', "/"],
      ['2/x,["j"]', "/x"],
      ['2/y,["k"]', "/y"],
    ];
    expect(cases.map(([wire]) => decoder.add(wire)?.nsp)).toStrictEqual(cases.map(([, nsp]) => nsp));
  });
});

describe("socket packets: one decoder, binary packets in a row", () => {
  it("keeps no attachment of a packet for the next one, after success or failure", () => {
    const decoder = new Decoder();
    expect(decoder.add('52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]')).toBeUndefined();
    expect(decoder.add(B1)).toBeUndefined();
    expect(decoder.add(B3)).toStrictEqual({ type: 2, nsp: "/", data: ["a", B1, B3] });
    // A placeholder naming attachment 1 of a packet that has only one.
    expect(decoder.add('51-["b",{"_placeholder":true,"num":1}]')).toBeUndefined();
    expect(() => decoder.add(B2)).toThrow(DecodeError);
    expect(decoder.attachmentsDue).toBe(0);
    expect(decoder.add('51-["c",{"_placeholder":true,"num":0}]')).toBeUndefined();
    expect(decoder.add(B3)).toStrictEqual({ type: 2, nsp: "/", data: ["c", B3] });
  });
});

describe("socket packets: decoding garbage", () => {
  const cases: Array<[string, string]> = [
    ["", "invalid packet type"],
    ["7", "invalid packet type"],
    ["a", "invalid packet type"],
    [" 2", "invalid packet type"],
    ['-2["a"]', "invalid packet type"],
    ["2", "invalid payload for type"],
    ["2/admin,", "invalid payload for type"],
    ["21", "invalid payload for type"],
    ['2{"a":1}', "invalid payload for type"],
    ["2[]", "invalid payload for type"],
    ["2[null]", "invalid payload for type"],
    ["2[[\"a\"]]", "invalid payload for type"],
    ['2"foo"', "invalid payload for type"],
    ['2["foo"', "invalid json"],
    ['2["foo"]x', "invalid json"],
    ["2undefined", "invalid json"],
    ['2 ["a"]', "invalid json"],
    ['2\n["a"]', "invalid json"],
    ['2/a, ["a"]', "invalid json"],
    ['21 ["a"]', "invalid json"],
    ['2/admin["a"]', "invalid payload for type"],
    ["0[1]", "invalid payload for type"],
    ['0"x"', "invalid payload for type"],
    ["0null", "invalid payload for type"],
    ["1{}", "invalid payload for type"],
    ["1/admin,null", "invalid payload for type"],
    ["4", "invalid payload for type"],
    ["4[1]", "invalid payload for type"],
    ["4null", "invalid payload for type"],
    ["3", "invalid payload for type"],
    ["31", "invalid payload for type"],
    ["3{}", "invalid payload for type"],
    ['29007199254740992["a"]', "invalid ack id"],
    ['2123456789012345678901234567890["a"]', "invalid ack id"],
    ['5-["a"]', "invalid attachments"],
    ['50-["a"]', "invalid attachments"],
    ['5["a"]', "invalid attachments"],
    ['51["a"]', "invalid attachments"],
    ["5", "invalid attachments"],
    ["51", "invalid attachments"],
    ['5x-["a"]', "invalid attachments"],
    ['6 1-[1]', "invalid attachments"],
    ['511-["a"]', "too many attachments"],
    ['599999999999999999999999-["a"]', "too many attachments"],
    ['51-', "invalid payload for type"],
    ['51-{"a":1}', "invalid payload for type"],
    ['61-{"a":1}', "invalid payload for type"],
  ];
  for (const name of RESERVED_EVENTS) cases.push([`2["${name}"]`, "reserved event name"], [`51-["${name}",1]`, "reserved event name"]);

  it.each(cases)("%j → DecodeError %j", (wire, code) => {
    const decoder = new Decoder();
    expect(() => decoder.add(wire)).toThrow(DecodeError);
    expect(() => decoder.add(wire)).toThrow(expect.objectContaining({ code }));
    expect(decoder.attachmentsDue).toBe(0);
  });

  it("refuses binary when no attachment is due", () => {
    const decoder = new Decoder();
    expect(() => decoder.add(B1)).toThrow(expect.objectContaining({ name: "DecodeError", code: "unexpected binary" }));
    expect(decoder.add('2["a"]')).toStrictEqual({ type: 2, nsp: "/", data: ["a"] });
    expect(() => decoder.add(B1)).toThrow(expect.objectContaining({ code: "unexpected binary" }));
  });

  it("refuses text while attachments are due, then starts afresh", () => {
    const decoder = new Decoder();
    expect(decoder.add('52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]')).toBeUndefined();
    expect(decoder.add(B1)).toBeUndefined();
    expect(() => decoder.add('2["b"]')).toThrow(expect.objectContaining({ code: "unexpected text" }));
    expect(decoder.attachmentsDue).toBe(0);
    expect(decoder.add('2["c"]')).toStrictEqual({ type: 2, nsp: "/", data: ["c"] });
  });

  it.each<[string, number, string]>([
    ['51-["a",{"_placeholder":true,"num":1}]', 1, "invalid placeholder"],
    ['51-["a",{"_placeholder":true,"num":-1}]', 1, "invalid placeholder"],
    ['51-["a",{"_placeholder":true,"num":0.5}]', 1, "invalid placeholder"],
    ['51-["a",{"_placeholder":true,"num":"0"}]', 1, "invalid placeholder"],
    ['51-["a",{"_placeholder":true}]', 1, "invalid placeholder"],
    ['51-["a",{"_placeholder":true,"num":null}]', 1, "invalid placeholder"],
    ['51-["a"]', 1, "unused attachment"],
    ['51-["a",{"_placeholder":"true","num":0}]', 1, "unused attachment"],
    ['52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}]', 2, "unused attachment"],
  ])("%j with %i attachment(s) → DecodeError %j once complete", (wire, count, code) => {
    const decoder = new Decoder();
    expect(decoder.add(wire)).toBeUndefined();
    for (let i = 0; i < count - 1; i++) expect(decoder.add(B1)).toBeUndefined();
    expect(() => decoder.add(B1)).toThrow(expect.objectContaining({ name: "DecodeError", code }));
    expect(decoder.attachmentsDue).toBe(0);
    expect(decoder.add("0")).toStrictEqual({ type: 0, nsp: "/" });
  });

  it("describes a deeply nested placeholder num without overflowing the stack", () => {
    const decoder = new Decoder();
    const num = "[".repeat(100_000) + "]".repeat(100_000);
    expect(decoder.add('51-["a",{"_placeholder":true,"num":' + num + "}]")).toBeUndefined();
    expect(() => decoder.add(B1)).toThrow(expect.objectContaining({ name: "DecodeError", code: "invalid placeholder" }));
  });

  it("lets one attachment fill several placeholders when every attachment is used", () => {
    const decoded = decodeFrames(['51-["a",{"_placeholder":true,"num":0},[{"_placeholder":true,"num":0}]]', B1]);
    expect(decoded).toStrictEqual({ type: 2, nsp: "/", data: ["a", B1, [B1]] });
  });

  it("honours maxAttachments, and refuses before any attachment is awaited", () => {
    const decoder = new Decoder({ maxAttachments: 2 });
    expect(() => decoder.add('53-["a"]')).toThrow(expect.objectContaining({ code: "too many attachments" }));
    expect(decoder.attachmentsDue).toBe(0);
    expect(decoder.add('52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]')).toBeUndefined();
    expect(decoder.attachmentsDue).toBe(2);
    const none = new Decoder({ maxAttachments: 0 });
    expect(() => none.add('51-["a"]')).toThrow(expect.objectContaining({ code: "too many attachments" }));
    expect(() => new Decoder({ maxAttachments: -1 })).toThrow(RangeError);
    expect(() => new Decoder({ maxAttachments: 1.5 })).toThrow(RangeError);
  });

  it("reset() and destroy() drop a packet waiting for attachments", () => {
    for (const drop of ["reset", "destroy"] as const) {
      const decoder = new Decoder();
      expect(decoder.add('51-["a",{"_placeholder":true,"num":0}]')).toBeUndefined();
      decoder[drop]();
      expect(decoder.attachmentsDue).toBe(0);
      expect(() => decoder.add(B1)).toThrow(expect.objectContaining({ code: "unexpected binary" }));
      expect(decoder.add("1")).toStrictEqual({ type: 1, nsp: "/" });
    }
  });

  it("reconstructs attachments in JSON nested 200 000 levels deep without overflowing the stack", () => {
    const depth = 200_000;
    const wire = '51-["deep",' + "[".repeat(depth) + '{"_placeholder":true,"num":0}' + "]".repeat(depth) + "]";
    const decoder = new Decoder();
    expect(decoder.add(wire)).toBeUndefined();
    const packet = decoder.add(B1);
    let node: unknown = (packet?.data as unknown[])[1];
    for (let i = 0; i < depth; i++) node = (node as unknown[])[0];
    expect(node).toBe(B1);
  });

  it("decodes a deeply nested text packet without overflowing the stack", () => {
    const depth = 200_000;
    const decoder = new Decoder();
    const packet = decoder.add('2["deep",' + "[".repeat(depth) + "]".repeat(depth) + "]");
    expect(packet?.type).toBe(PacketType.EVENT);
  });
});

describe("socket packets: encoding", () => {
  const encoder = new Encoder();

  it("finds binary of every kind, anywhere, depth first, as views of the same memory", () => {
    const buffer = new ArrayBuffer(8);
    const u16 = new Uint16Array(buffer, 2, 2);
    const view = new DataView(buffer, 4, 4);
    const nodeBuffer = Buffer.from([7, 7]);
    const frames = encoder.encode({ type: 2, nsp: "/", data: ["kinds", buffer, { deep: [[u16]], view }, nodeBuffer] });
    expect(frames[0]).toBe(
      '54-["kinds",{"_placeholder":true,"num":0},{"deep":[[{"_placeholder":true,"num":1}]],"view":{"_placeholder":true,"num":2}},{"_placeholder":true,"num":3}]',
    );
    const [, a, b, c, d] = frames;
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a?.buffer).toBe(buffer);
    expect([a?.byteOffset, a?.byteLength]).toStrictEqual([0, 8]);
    expect(b?.buffer).toBe(buffer);
    expect([b?.byteOffset, b?.byteLength]).toStrictEqual([2, 4]);
    expect(c?.buffer).toBe(buffer);
    expect([c?.byteOffset, c?.byteLength]).toStrictEqual([4, 4]);
    expect(d).toBe(nodeBuffer);
  });

  it("finds binary behind toJSON() like socket.io-parser, and leaves the caller's data untouched", () => {
    const withToJSON = { toJSON: () => ({ file: B1 }) };
    const args = ["x", withToJSON, { keep: 1, bin: B2, after: "z" }, new Date(0)];
    const frames = encoder.encode({ type: 2, nsp: "/", data: args });
    expect(frames[0]).toBe(
      '52-["x",{"file":{"_placeholder":true,"num":0}},{"keep":1,"bin":{"_placeholder":true,"num":1},"after":"z"},"1970-01-01T00:00:00.000Z"]',
    );
    expect(args[2]).toStrictEqual({ keep: 1, bin: B2, after: "z" });
  });

  it("treats BINARY_EVENT/BINARY_ACK like EVENT/ACK, so the attachment count is always right", () => {
    expect(encoder.encode({ type: 5, nsp: "/", data: ["a"], attachments: 3 })).toStrictEqual(['2["a"]']);
    expect(encoder.encode({ type: 6, nsp: "/", id: 1, data: [B1] })[0]).toBe('61-1[{"_placeholder":true,"num":0}]');
  });

  it("survives a getter or toJSON that encodes another packet in the middle", () => {
    const inner = { type: 2 as const, nsp: "/", data: ["inner"] };
    const sneaky = {
      get value(): string {
        encoder.encode(inner);
        return "v";
      },
    };
    const withToJSON = { toJSON: () => (encoder.encode(inner), "t") };
    const long = "x".repeat(2000);
    // Binary BEFORE the nested encode, and large enough for the JSON.stringify path.
    expect(encoder.encode({ type: 2, nsp: "/", data: ["a", B1, sneaky, long] })).toStrictEqual([
      `51-["a",{"_placeholder":true,"num":0},{"value":"v"},"${long}"]`,
      B1,
    ]);
    expect(encoder.encode({ type: 2, nsp: "/", data: ["b", B3, withToJSON, long] })).toStrictEqual([
      `51-["b",{"_placeholder":true,"num":0},"t","${long}"]`,
      B3,
    ]);
    // And small enough for the small writer.
    expect(encoder.encode({ type: 2, nsp: "/", data: ["c", B1, sneaky] })).toStrictEqual([
      '51-["c",{"_placeholder":true,"num":0},{"value":"v"}]',
      B1,
    ]);
  });

  it("writes no data for null, like socket.io-parser", () => {
    expect(encoder.encode({ type: 0, nsp: "/", data: null })).toStrictEqual(["0"]);
    expect(encoder.encode({ type: 1, nsp: "/x", data: null })).toStrictEqual(["1/x,"]);
  });

  it("writes a '__proto__' key of a copied object as an own key", () => {
    const arg = JSON.parse('{"__proto__":{"a":1},"b":null}') as Record<string, unknown>;
    arg["b"] = B1;
    expect(encoder.encode({ type: 2, nsp: "/", data: ["x", arg] })[0]).toBe(
      '51-["x",{"__proto__":{"a":1},"b":{"_placeholder":true,"num":0}}]',
    );
  });

  const circular: unknown[] = ["loop"];
  circular.push({ back: circular });
  const deep = (levels: number): unknown[] => {
    let value: unknown = "bottom";
    for (let i = 0; i < levels; i++) value = [value];
    return ["deep", value];
  };

  it.each<[string, Packet, string]>([
    ["type 7", { type: 7 as PacketType, nsp: "/" }, "invalid packet type"],
    ["type -1", { type: -1 as PacketType, nsp: "/" }, "invalid packet type"],
    ["a namespace without /", { type: 2, nsp: "admin", data: ["a"] }, "invalid namespace"],
    ["an empty namespace", { type: 0, nsp: "" }, "invalid namespace"],
    ["a namespace with a comma", { type: 2, nsp: "/a,b", data: ["a"] }, "invalid namespace"],
    ["a negative ack id", { type: 2, nsp: "/", id: -1, data: ["a"] }, "invalid ack id"],
    ["a fractional ack id", { type: 3, nsp: "/", id: 1.5, data: [] }, "invalid ack id"],
    ["an unsafe ack id", { type: 3, nsp: "/", id: 2 ** 53, data: [] }, "invalid ack id"],
    ["an EVENT that is not an array", { type: 2, nsp: "/", data: "a" }, "invalid payload for type"],
    ["an EVENT without a name", { type: 2, nsp: "/", data: [] }, "invalid payload for type"],
    ["an EVENT without data", { type: 2, nsp: "/" }, "invalid payload for type"],
    ["an ACK that is not an array", { type: 3, nsp: "/", id: 1, data: {} }, "invalid payload for type"],
    ["a CONNECT with an array", { type: 0, nsp: "/", data: [] }, "invalid payload for type"],
    ["a DISCONNECT with data", { type: 1, nsp: "/", data: {} }, "invalid payload for type"],
    ["a CONNECT_ERROR with a number", { type: 4, nsp: "/", data: 1 }, "invalid payload for type"],
    ["a reserved event", { type: 2, nsp: "/", data: ["disconnecting"] }, "reserved event name"],
    ["a circular value", { type: 2, nsp: "/", data: circular }, "circular value"],
    ["a value nested too deeply", { type: 2, nsp: "/", data: deep(MAX_ENCODE_DEPTH + 5) }, "too deep"],
    ["a BigInt", { type: 2, nsp: "/", data: ["n", 1n] }, "unserializable value"],
    ["a throwing toJSON", { type: 2, nsp: "/", data: ["t", { toJSON: () => { throw new Error("nope"); } }] }, "unserializable value"],
    ["a circular CONNECT payload", { type: 0, nsp: "/", data: { self: circular } }, "unserializable value"],
  ])("refuses %s with EncodeError", (_, packet, code) => {
    expect(() => encoder.encode(packet)).toThrow(EncodeError);
    expect(() => encoder.encode(packet)).toThrow(expect.objectContaining({ code }));
  });

  it("encodes values nested up to the depth limit", () => {
    const frames = encoder.encode({ type: 2, nsp: "/", data: deep(MAX_ENCODE_DEPTH - 2) });
    expect(frames[0].startsWith('2["deep",[[[')).toBe(true);
  });

  it("refuses a deeply nested CONNECT_ERROR payload with EncodeError, not a RangeError", () => {
    let value: unknown = {};
    for (let i = 0; i < 100_000; i++) value = { v: value };
    expect(() => encoder.encode({ type: 4, nsp: "/", data: value as object })).toThrow(
      expect.objectContaining({ name: "EncodeError", code: "too deep" }),
    );
  });
});
