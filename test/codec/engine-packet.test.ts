import { describe, expect, it } from "vitest";
import { DecodeError, decodePacket, decodePayload, EncodeError, encodePacket, encodePayload } from "../../src/codec/index.js";
import type { EnginePacket } from "../../src/codec/index.js";

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

/** Text packets: the same wire string whatever the transport. */
const TEXT_TABLE: ReadonlyArray<[EnginePacket, string]> = [
  [{ type: "open", data: '{"sid":"abc","upgrades":["websocket"]}' }, '0{"sid":"abc","upgrades":["websocket"]}'],
  [{ type: "close" }, "1"],
  [{ type: "ping" }, "2"],
  [{ type: "ping", data: "probe" }, "2probe"],
  [{ type: "pong" }, "3"],
  [{ type: "pong", data: "probe" }, "3probe"],
  [{ type: "message", data: "hello" }, "4hello"],
  [{ type: "message", data: '2["foo"]' }, '42["foo"]'],
  [{ type: "message", data: "héllo ☃ 😀" }, "4héllo ☃ 😀"],
  [{ type: "message", data: "\x1e" }, "4\x1e"],
  [{ type: "upgrade" }, "5"],
  [{ type: "noop" }, "6"],
];

describe("engine packets: text", () => {
  it.each(TEXT_TABLE)("encodes %j as %j (both transports)", (packet, wire) => {
    expect(encodePacket(packet, true)).toBe(wire);
    expect(encodePacket(packet, false)).toBe(wire);
  });

  it.each(TEXT_TABLE)("decodes %j from %j", (packet, wire) => {
    expect(decodePacket(wire)).toStrictEqual(packet);
  });

  it("encodes empty text data like no data, and decodes it without data", () => {
    expect(encodePacket({ type: "message", data: "" }, true)).toBe("4");
    expect(decodePacket("4")).toStrictEqual({ type: "message" });
  });
});

describe("engine packets: binary", () => {
  it("sends raw bytes (no type byte, same object) when the transport carries binary", () => {
    const data = bytes(1, 2, 3);
    expect(encodePacket({ type: "message", data }, true)).toBe(data);
  });

  it.each<[Uint8Array, string]>([
    [bytes(), "b"],
    [bytes(0), "bAA=="],
    [bytes(1, 2), "bAQI="],
    [bytes(1, 2, 3), "bAQID"],
    [bytes(255, 254, 253, 252), "b//79/A=="],
  ])("sends %j as %j over text-only transports", (data, wire) => {
    expect(encodePacket({ type: "message", data }, false)).toBe(wire);
    expect(decodePacket(wire)).toStrictEqual({ type: "message", data });
  });

  it("decodes bytes as a binary message without copying them", () => {
    const data = bytes(4, 5);
    const packet = decodePacket(data);
    expect(packet.type).toBe("message");
    expect(packet.data).toBe(data);
  });

  it("refuses binary data in a packet that is not a message", () => {
    expect(() => encodePacket({ type: "ping", data: bytes(1) }, true)).toThrow(EncodeError);
    expect(() => encodePacket({ type: "ping", data: bytes(1) }, false)).toThrow(
      expect.objectContaining({ code: "binary not a message" }),
    );
  });
});

describe("engine packets: garbage", () => {
  it.each<[string, string]>([
    ["", "invalid engine packet"],
    ["7", "invalid engine packet"],
    ["9hello", "invalid engine packet"],
    ["/", "invalid engine packet"],
    ["x", "invalid engine packet"],
    ["B", "invalid engine packet"],
    ["\x1e", "invalid engine packet"],
    ["bA", "invalid base64"],
    ["bAQI", "invalid base64"],
    ["bAQ=D", "invalid base64"],
    ["b====", "invalid base64"],
    ["bAQ_D", "invalid base64"],
  ])("%j → DecodeError %j", (wire, code) => {
    expect(() => decodePacket(wire)).toThrow(DecodeError);
    expect(() => decodePacket(wire)).toThrow(expect.objectContaining({ code }));
  });
});

describe("polling payloads", () => {
  const TABLE: ReadonlyArray<[EnginePacket[], string]> = [
    [[{ type: "message", data: "hello" }], "4hello"],
    [[{ type: "noop" }], "6"],
    [
      [{ type: "message", data: "hello" }, { type: "ping" }, { type: "message", data: bytes(1, 2, 3) }],
      "4hello\x1e2\x1ebAQID",
    ],
    [
      [
        { type: "message", data: '2["a"]' },
        { type: "message", data: '51-["b",{"_placeholder":true,"num":0}]' },
        { type: "message", data: bytes(0xff) },
        { type: "close" },
      ],
      '42["a"]\x1e451-["b",{"_placeholder":true,"num":0}]\x1eb/w==\x1e1',
    ],
  ];

  it.each(TABLE)("encodes %j as %j", (packets, wire) => {
    expect(encodePayload(packets)).toBe(wire);
  });

  it.each(TABLE)("decodes %j from %j", (packets, wire) => {
    expect(decodePayload(wire)).toStrictEqual(packets);
  });

  it("encodes no packets as an empty body", () => {
    expect(encodePayload([])).toBe("");
  });

  it.each<[string, string]>([
    ["", "invalid payload"],
    ["\x1e", "invalid engine packet"],
    ["4a\x1e", "invalid engine packet"],
    ["\x1e4a", "invalid engine packet"],
    ["4a\x1e\x1e4b", "invalid engine packet"],
    ["4a\x1e9", "invalid engine packet"],
    ["4a\x1ebA", "invalid base64"],
  ])("%j → DecodeError %j", (wire, code) => {
    expect(() => decodePayload(wire)).toThrow(expect.objectContaining({ name: "DecodeError", code }));
  });
});
