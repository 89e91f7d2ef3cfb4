import { describe, expect, it } from "vitest";
import { FrameDecoder } from "../../runtimes/shared/websocket/index.js";
import { clientFrame, concatBytes, decodeChunks, hex, plain, splits, toHex } from "./support/frames.js";
import type { PlainEvent } from "./support/frames.js";

/** Decodes `wire` whole, byte by byte and split at every position: all must give `expected`. */
function expectEverySplit(wire: string | Uint8Array, expected: PlainEvent[], maxPayload = 1 << 20): void {
  const bytes = typeof wire === "string" ? hex(wire) : wire;
  for (const { name, chunks } of splits(bytes)) {
    expect(decodeChunks(chunks, { maxPayload }), name).toEqual(expected);
  }
}

describe("FrameDecoder: RFC 6455 §5.7 examples", () => {
  it("a single-frame masked text message", () => {
    expectEverySplit("81 85 37 fa 21 3d 7f 9f 4d 51 58", [{ kind: "message", text: "Hello" }]);
  });

  it("a fragmented masked text message", () => {
    expectEverySplit("01 83 37 fa 21 3d 7f 9f 4d  80 82 37 fa 21 3d 5b 95", [{ kind: "message", text: "Hello" }]);
  });

  it("a masked ping and a masked pong", () => {
    expectEverySplit("89 85 37 fa 21 3d 7f 9f 4d 51 58", [{ kind: "ping", bytes: "48 65 6c 6c 6f" }]);
    expectEverySplit("8a 85 37 fa 21 3d 7f 9f 4d 51 58", [{ kind: "pong", bytes: "48 65 6c 6c 6f" }]);
  });

  it("the unmasked single-frame text example is refused from a client", () => {
    expectEverySplit("81 05 48 65 6c 6c 6f", [{ kind: "error", code: 1002, reason: "frame not masked" }]);
  });

  it("256 bytes in one frame (16-bit length) and 64 KiB (64-bit length)", () => {
    const small = Uint8Array.from({ length: 256 }, (_, i) => i);
    const framed = clientFrame(0x82, small);
    expect(toHex(framed.subarray(0, 8))).toBe("82 fe 01 00 37 fa 21 3d");
    expect(decodeChunks([framed])).toEqual([{ kind: "message", bytes: toHex(small) }]);

    const big = Uint8Array.from({ length: 65536 }, (_, i) => (i * 7) & 255);
    const framedBig = clientFrame(0x82, big);
    expect(toHex(framedBig.subarray(0, 14))).toBe("82 ff 00 00 00 00 00 01 00 00 37 fa 21 3d");
    const expected = [{ kind: "message", bytes: toHex(big) }];
    expect(decodeChunks([framedBig])).toEqual(expected);
    expect(decodeChunks([framedBig.subarray(0, 3), framedBig.subarray(3, 12), framedBig.subarray(12, 40001), framedBig.subarray(40001)])).toEqual(expected);
  });
});

describe("FrameDecoder: messages and control frames", () => {
  it("a ping between two fragments comes out first", () => {
    expectEverySplit("01 83 37 fa 21 3d 7f 9f 4d  89 80 00 00 00 00  80 82 37 fa 21 3d 5b 95", [
      { kind: "ping", bytes: "" },
      { kind: "message", text: "Hello" },
    ]);
  });

  it("several frames in one chunk, and the trailing partial frame kept for the next push", () => {
    const decoder = new FrameDecoder({ maxPayload: 100 });
    const first = decoder.push(hex("81 81 37 fa 21 3d 55  82 82 37 fa 21 3d 36 f8  81 85 37 fa 21"));
    expect(first.map(plain)).toEqual([
      { kind: "message", text: "b" },
      { kind: "message", bytes: "01 02" },
    ]);
    expect(decoder.push(hex("3d 7f 9f"))).toEqual([]);
    expect(decoder.push(hex("4d 51 58")).map(plain)).toEqual([{ kind: "message", text: "Hello" }]);
  });

  it("an empty text message and a zero mask", () => {
    expectEverySplit("81 80 37 fa 21 3d", [{ kind: "message", text: "" }]);
    expectEverySplit("82 83 00 00 00 00 01 02 03", [{ kind: "message", bytes: "01 02 03" }]);
  });

  it("a UTF-8 character split across fragments", () => {
    expectEverySplit("01 81 37 fa 21 3d d5  80 82 37 fa 21 3d b5 56", [{ kind: "message", text: "€" }]);
  });

  it("keeps a leading U+FEFF as content", () => {
    expectEverySplit("81 84 37 fa 21 3d d8 41 9e 5c", [{ kind: "message", text: "\ufeffa" }]);
  });

  it("binary fragments are joined", () => {
    expectEverySplit("02 81 37 fa 21 3d 56  00 80 37 fa 21 3d  80 81 37 fa 21 3d 55", [{ kind: "message", bytes: "61 62" }]);
  });

  it("a close frame with code and reason; bytes after it are ignored", () => {
    expectEverySplit("88 85 37 fa 21 3d 34 12 43 44 52  81 85 37 fa 21 3d 7f 9f 4d 51 58", [
      { kind: "close", code: 1000, reason: "bye" },
    ]);
  });

  it("an empty close frame reports 1005", () => {
    expectEverySplit("88 80 37 fa 21 3d", [{ kind: "close", code: 1005, reason: "" }]);
  });

  it("accepts every valid close code", () => {
    for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999]) {
      const frame = clientFrame(0x88, Uint8Array.of(code >> 8, code & 255));
      expect(decodeChunks([frame]), String(code)).toEqual([{ kind: "close", code, reason: "" }]);
    }
  });

  it("a binary message inside one chunk is a view of that chunk (no copy)", () => {
    const chunk = hex("82 83 37 fa 21 3d 36 f8 22");
    const [event] = new FrameDecoder({ maxPayload: 10 }).push(chunk);
    expect(event?.kind).toBe("message");
    if (event?.kind !== "message" || typeof event.data === "string") throw new Error("expected bytes");
    expect(event.data.buffer).toBe(chunk.buffer);
    expect(toHex(event.data)).toBe("01 02 03");
  });

  it("unmasks large payloads correctly at every alignment and phase", () => {
    const payload = Uint8Array.from({ length: 1000 }, (_, i) => (i * 31 + 7) & 255);
    const frame = clientFrame(0x82, payload, hex("a1 b2 c3 d4"));
    const expected = [{ kind: "message", bytes: toHex(payload) }];
    for (const offset of [0, 1, 2, 3]) {
      for (const cut of [4, 9, 10, 11, 333, 334, 335, 336]) {
        // Place the chunks at an odd offset in their buffer to exercise the unaligned head.
        const chunks = [frame.subarray(0, cut), frame.subarray(cut)].map((c) => {
          const host = new Uint8Array(c.length + offset);
          host.set(c, offset);
          return host.subarray(offset);
        });
        const decoder = new FrameDecoder({ maxPayload: 2000 });
        const events = chunks.flatMap((c) => decoder.push(c).map(plain));
        expect(events, `offset ${offset} cut ${cut}`).toEqual(expected);
      }
    }
  });
});

describe("FrameDecoder: unmasking every length", () => {
  it("payloads of 0–140 bytes at every buffer alignment", () => {
    for (let length = 0; length <= 140; length++) {
      const payload = Uint8Array.from({ length }, (_, i) => (i * 13 + length) & 255);
      const frame = clientFrame(0x82, payload, hex("9e 01 ff 42"));
      for (const offset of [0, 1, 2, 3]) {
        const host = new Uint8Array(frame.length + offset);
        host.set(frame, offset);
        const events = new FrameDecoder({ maxPayload: 200 }).push(host.subarray(offset)).map(plain);
        expect(events, `length ${length} offset ${offset}`).toEqual([{ kind: "message", bytes: toHex(payload) }]);
      }
    }
  });
});

describe("FrameDecoder: protocol errors carry the close code", () => {
  const cases: Array<[string, string, number, string]> = [
    ["RSV1 set", "c1 85 37 fa 21 3d 7f 9f 4d 51 58", 1002, "reserved bits set"],
    ["RSV2 set", "a1 85 37 fa 21 3d 7f 9f 4d 51 58", 1002, "reserved bits set"],
    ["RSV3 set", "91 85 37 fa 21 3d 7f 9f 4d 51 58", 1002, "reserved bits set"],
    ["opcode 0x3", "83 80 37 fa 21 3d", 1002, "reserved opcode"],
    ["opcode 0x7", "87 80 37 fa 21 3d", 1002, "reserved opcode"],
    ["opcode 0xb", "8b 80 37 fa 21 3d", 1002, "reserved opcode"],
    ["opcode 0xf", "8f 80 37 fa 21 3d", 1002, "reserved opcode"],
    ["ping of 126 bytes", "89 fe 00 7e", 1002, "control frame too long"],
    ["fragmented ping", "09 80 37 fa 21 3d", 1002, "fragmented control frame"],
    ["fragmented close", "08 80 37 fa 21 3d", 1002, "fragmented control frame"],
    ["continuation without a start", "80 81 37 fa 21 3d 56", 1002, "continuation without a message"],
    ["text while a fragmented message is open", "01 81 37 fa 21 3d 56  81 81 37 fa 21 3d 55", 1002, "message interrupted"],
    ["binary while a fragmented message is open", "01 81 37 fa 21 3d 56  82 80 37 fa 21 3d", 1002, "message interrupted"],
    ["a 1-byte close payload", "88 81 37 fa 21 3d 34", 1002, "invalid close payload"],
    ["invalid UTF-8 text", "81 94 37 fa 21 3d f9 40 c0 80 8e 35 a2 f3 8b 34 94 d0 97 7a 44 59 5e 8e 44 59", 1007, "invalid UTF-8"],
    ["a close reason that is not UTF-8", "88 83 37 fa 21 3d 34 12 de", 1007, "invalid UTF-8"],
    ["a text message ending mid-character", "01 81 37 fa 21 3d d5  80 80 37 fa 21 3d", 1007, "invalid UTF-8"],
    ["64-bit length with the top bit set", "82 ff 80 00 00 00 00 00 00 00", 1002, "invalid length"],
    ["64-bit length of 2^53", "82 ff 00 20 00 00 00 00 00 00", 1009, "message too big"],
    ["64-bit length of 2^32", "82 ff 00 00 00 01 00 00 00 00", 1009, "message too big"],
  ];
  for (const [name, wire, code, reason] of cases) {
    it(`${name} → ${code}`, () => {
      expectEverySplit(wire, [{ kind: "error", code, reason }]);
    });
  }

  it("refuses every invalid close code with 1002", () => {
    for (const code of [0, 999, 1004, 1005, 1006, 1012, 1013, 1014, 1015, 1016, 1100, 2000, 2999, 5000, 65535]) {
      const frame = clientFrame(0x88, Uint8Array.of(code >> 8, code & 255));
      expect(decodeChunks([frame]), String(code)).toEqual([{ kind: "error", code: 1002, reason: "invalid close code" }]);
    }
  });

  it("invalid UTF-8 in a first fragment fails before the message ends", () => {
    const events = decodeChunks([hex("01 8e 37 fa 21 3d f9 40 c0 80 8e 35 a2 f3 8b 34 94 d0 97 7a")]);
    expect(events).toEqual([{ kind: "error", code: 1007, reason: "invalid UTF-8" }]);
  });

  it("the events before an error in the same chunk still come out, nothing after", () => {
    const decoder = new FrameDecoder({ maxPayload: 100 });
    const events = decoder.push(hex("81 81 37 fa 21 3d 55  83 80 37 fa 21 3d  81 81 37 fa 21 3d 55"));
    expect(events.map(plain)).toEqual([
      { kind: "message", text: "b" },
      { kind: "error", code: 1002, reason: "reserved opcode" },
    ]);
    expect(decoder.finished).toBe(true);
    expect(decoder.push(hex("81 81 37 fa 21 3d 55"))).toEqual([]);
  });
});

describe("FrameDecoder: size limits", () => {
  it("refuses a frame over maxPayload from its header alone", () => {
    const decoder = new FrameDecoder({ maxPayload: 10 });
    expect(decoder.push(hex("82 8b")).map(plain)).toEqual([{ kind: "error", code: 1009, reason: "message too big" }]);
    const decoder16 = new FrameDecoder({ maxPayload: 1000 });
    expect(decoder16.push(hex("82 fe 10 00")).map(plain)).toEqual([{ kind: "error", code: 1009, reason: "message too big" }]);
    const decoder64 = new FrameDecoder({ maxPayload: 1_000_000 });
    expect(decoder64.push(hex("82 ff 00 00 00 00 7f ff ff ff")).map(plain)).toEqual([{ kind: "error", code: 1009, reason: "message too big" }]);
  });

  it("accepts a message of exactly maxPayload", () => {
    expectEverySplit(clientFrame(0x82, new Uint8Array(10).fill(9)), [{ kind: "message", bytes: "09 09 09 09 09 09 09 09 09 09" }], 10);
  });

  it("refuses fragments whose sum exceeds maxPayload at the header of the one that crosses it", () => {
    const first = clientFrame(0x02, new Uint8Array(6));
    const decoder = new FrameDecoder({ maxPayload: 10 });
    expect(decoder.push(first)).toEqual([]);
    expect(decoder.push(hex("80 85")).map(plain)).toEqual([{ kind: "error", code: 1009, reason: "message too big" }]);
  });

  it("control frames do not count toward the message size", () => {
    const wire = concatBytes(clientFrame(0x02, new Uint8Array(8)), clientFrame(0x89, new Uint8Array(100)), clientFrame(0x80, new Uint8Array(2)));
    const events = decodeChunks([wire], { maxPayload: 10 });
    expect(events.map((e) => e.kind)).toEqual(["ping", "message"]);
  });

  it("a flood of empty fragments is cut off at maxFragments (1008)", () => {
    const decoder = new FrameDecoder({ maxPayload: 100, maxFragments: 4 });
    expect(decoder.push(hex("01 81 37 fa 21 3d 56"))).toEqual([]);
    for (let i = 0; i < 3; i++) expect(decoder.push(hex("00 80 37 fa 21 3d"))).toEqual([]);
    expect(decoder.push(hex("00 80 37 fa 21 3d")).map(plain)).toEqual([{ kind: "error", code: 1008, reason: "too many fragments" }]);
  });

  it("the default fragment cap stops a flood of one-byte fragments", () => {
    const fragment = hex("00 81 37 fa 21 3d 56");
    const flood = concatBytes(hex("01 81 37 fa 21 3d 56"), ...Array.from({ length: 2000 }, () => fragment));
    const events = decodeChunks([flood], { maxPayload: 1 << 20 });
    expect(events).toEqual([{ kind: "error", code: 1008, reason: "too many fragments" }]);
  });

  it("the fragment count resets after each message", () => {
    const decoder = new FrameDecoder({ maxPayload: 100, maxFragments: 2 });
    const message = hex("01 81 37 fa 21 3d 56  80 81 37 fa 21 3d 55");
    for (let i = 0; i < 5; i++) expect(decoder.push(message.slice()).map(plain)).toEqual([{ kind: "message", text: "ab" }]);
  });

  it("rejects a meaningless configuration at once", () => {
    expect(() => new FrameDecoder({ maxPayload: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => new FrameDecoder({ maxPayload: -1 })).toThrow(RangeError);
    expect(() => new FrameDecoder({ maxPayload: 10, maxFragments: 0 })).toThrow(RangeError);
  });
});

describe("FrameDecoder: what it holds between pushes", () => {
  it("gathers a payload that arrives in many pieces, through a buffer that grows as it comes", () => {
    const payload = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7 + 3) & 255);
    // A 64-bit length (payload ≥ 65536) and a mask whose bytes have their top bits set.
    const frame = clientFrame(0x82, payload, hex("ff 80 c1 fe"));
    for (const size of [1, 7, 1000, 4096, 33_333]) {
      const chunks: Uint8Array[] = [];
      // Byte by byte through the header, then in `size` pieces.
      for (let i = 0; i < 14; i++) chunks.push(frame.subarray(i, i + 1));
      for (let at = 14; at < frame.length; at += size) chunks.push(frame.subarray(at, Math.min(at + size, frame.length)));
      const events = decodeChunks(chunks, { maxPayload: 100_000 });
      expect(events, `pieces of ${size}`).toEqual([{ kind: "message", bytes: toHex(payload) }]);
    }
  });

  it("unmasks a high-bit mask the same whole, split in its field, and split in the payload", () => {
    expectEverySplit("81 85 80 ff 7f 01 c8 9a 13 6d ef", [{ kind: "message", text: "Hello" }]);
  });

  it("a fragmented message, then whole ones, then another fragmented one: each complete and in order", () => {
    const wire = concatBytes(
      clientFrame(0x01, text("fra")),
      clientFrame(0x80, text("gment")),
      clientFrame(0x81, text("whole")),
      clientFrame(0x82, Uint8Array.of(1, 2)),
      clientFrame(0x02, Uint8Array.of(3)),
      clientFrame(0x89, text("p")),
      clientFrame(0x80, Uint8Array.of(4)),
      clientFrame(0x81, text("last")),
    );
    expectEverySplit(wire, [
      { kind: "message", text: "fragment" },
      { kind: "message", text: "whole" },
      { kind: "message", bytes: "01 02" },
      { kind: "ping", bytes: "70" },
      { kind: "message", bytes: "03 04" },
      { kind: "message", text: "last" },
    ]);
  });

  it("counts a fragmented message's size and fragments from its first frame, and forgets them after it", () => {
    const decoder = new FrameDecoder({ maxPayload: 6, maxFragments: 3 });
    const first = [clientFrame(0x01, text("abc")), clientFrame(0x00, text("d")), clientFrame(0x80, text("ef"))];
    expect(first.flatMap((f) => decoder.push(f.slice()).map(plain))).toEqual([{ kind: "message", text: "abcdef" }]);
    // The next message starts from zero again: 6 bytes whole are fine.
    expect(decoder.push(clientFrame(0x81, text("ghijkl"))).map(plain)).toEqual([{ kind: "message", text: "ghijkl" }]);
    // Over the size across fragments.
    const over = new FrameDecoder({ maxPayload: 6 });
    over.push(clientFrame(0x01, text("abcd")));
    expect(over.push(clientFrame(0x80, text("efg"))).map(plain)).toEqual([{ kind: "error", code: 1009, reason: "message too big" }]);
  });
});

function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
