import { describe, expect, it } from "vitest";
import { FrameDecoder, Opcode, encodeClose, encodeFrame, utf8Length } from "../../runtimes/shared/websocket/index.js";
import { hex, plain, toHex } from "./support/frames.js";

describe("encodeFrame", () => {
  it("writes the RFC 6455 §5.7 unmasked examples", () => {
    expect(toHex(encodeFrame(Opcode.text, "Hello"))).toBe("81 05 48 65 6c 6c 6f");
    expect(toHex(encodeFrame(Opcode.text, "Hel", false))).toBe("01 03 48 65 6c");
    expect(toHex(encodeFrame(Opcode.continuation, "lo"))).toBe("80 02 6c 6f");
    expect(toHex(encodeFrame(Opcode.ping, "Hello"))).toBe("89 05 48 65 6c 6c 6f");
    expect(toHex(encodeFrame(Opcode.pong, new Uint8Array(0)))).toBe("8a 00");
  });

  it("uses 7, 16 and 64-bit lengths at the right boundaries", () => {
    const header = (n: number, bytes: number): string => toHex(encodeFrame(Opcode.binary, new Uint8Array(n)).subarray(0, bytes));
    expect(header(0, 2)).toBe("82 00");
    expect(header(125, 2)).toBe("82 7d");
    expect(header(126, 4)).toBe("82 7e 00 7e");
    expect(header(256, 4)).toBe("82 7e 01 00");
    expect(header(65535, 4)).toBe("82 7e ff ff");
    expect(header(65536, 10)).toBe("82 7f 00 00 00 00 00 01 00 00");
    expect(header(0x123456, 10)).toBe("82 7f 00 00 00 00 00 12 34 56");
    expect(encodeFrame(Opcode.binary, new Uint8Array(65536)).length).toBe(65546);
  });

  it("copies binary payloads after the header", () => {
    expect(toHex(encodeFrame(Opcode.binary, hex("01 02 03")))).toBe("82 03 01 02 03");
    const big = Uint8Array.from({ length: 300 }, (_, i) => i & 255);
    const frame = encodeFrame(Opcode.binary, big);
    expect(toHex(frame.subarray(0, 6))).toBe("82 7e 01 2c 00 01");
    expect(toHex(frame.subarray(frame.length - 2))).toBe("2a 2b");
  });

  it("encodes text as UTF-8 straight into the frame", () => {
    expect(toHex(encodeFrame(Opcode.text, "€"))).toBe("81 03 e2 82 ac");
    expect(toHex(encodeFrame(Opcode.text, "😀"))).toBe("81 04 f0 9f 98 80");
    expect(toHex(encodeFrame(Opcode.text, "\ud800"))).toBe("81 03 ef bf bd");
    expect(toHex(encodeFrame(Opcode.text, ""))).toBe("81 00");
    const long = "é".repeat(100); // 200 bytes → 16-bit length
    const frame = encodeFrame(Opcode.text, long);
    expect(toHex(frame.subarray(0, 6))).toBe("81 7e 00 c8 c3 a9");
    expect(frame.length).toBe(204);
  });

  it("refuses control frames over 125 bytes", () => {
    expect(() => encodeFrame(Opcode.ping, new Uint8Array(126))).toThrow(RangeError);
    expect(toHex(encodeFrame(Opcode.ping, new Uint8Array(125)).subarray(0, 2))).toBe("89 7d");
  });
});

describe("encodeFrame buffers", () => {
  it("small frames never overlap, large ones have their own buffer", () => {
    const frames = Array.from({ length: 100 }, (_, i) => encodeFrame(Opcode.text, String(i).repeat(i % 7 + 1)));
    const big = encodeFrame(Opcode.binary, new Uint8Array(5000).fill(1));
    frames.forEach((frame, i) => {
      const text = String(i).repeat(i % 7 + 1);
      expect(toHex(frame)).toBe(toHex(Uint8Array.from([0x81, text.length, ...Array.from(text, (c) => c.charCodeAt(0))])));
    });
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(5004);
  });
});

describe("utf8Length", () => {
  it("matches TextEncoder on short, long, ASCII and non-ASCII strings", () => {
    const samples = [
      "",
      "a",
      "Hello",
      "€",
      "😀",
      "\ud800",
      "\udc00a",
      "a\ud800\udc00b",
      "x".repeat(64),
      "x".repeat(100) + "é",
      "😀".repeat(40),
      '42["chat",{"text":"' + "ü".repeat(70) + '"}]',
      "\ud83d".repeat(70),
    ];
    for (const s of samples) expect(utf8Length(s), JSON.stringify(s)).toBe(new TextEncoder().encode(s).length);
  });
});

describe("encodeClose", () => {
  it("writes code and reason", () => {
    expect(toHex(encodeClose(1000, "bye"))).toBe("88 05 03 e8 62 79 65");
    expect(toHex(encodeClose(1009))).toBe("88 02 03 f1");
    expect(toHex(encodeClose(4000, "é"))).toBe("88 04 0f a0 c3 a9");
    expect(toHex(encodeClose())).toBe("88 00");
  });

  it("throws on codes we may not send and reasons that do not fit", () => {
    expect(() => encodeClose(1005)).toThrow(RangeError);
    expect(() => encodeClose(1006)).toThrow(RangeError);
    expect(() => encodeClose(999)).toThrow(RangeError);
    expect(() => encodeClose(1000, "x".repeat(124))).toThrow(RangeError);
    expect(() => encodeClose(undefined, "why")).toThrow(TypeError);
    expect(encodeClose(1000, "x".repeat(123)).length).toBe(127);
    expect(toHex(encodeClose(1012))).toBe("88 02 03 f4");
  });
});

describe("encoder → decoder round trip (after masking, as a client would)", () => {
  it("decodes what it encodes", () => {
    const mask = hex("12 34 56 78");
    for (const payload of ["", "Hello", "é".repeat(40_000), "x".repeat(70_000)]) {
      const frame = encodeFrame(Opcode.text, payload);
      // Turn the server frame into a client frame: set the mask bit, insert the key, mask.
      const head = frame[1] === 127 ? 10 : frame[1] === 126 ? 4 : 2;
      const masked = new Uint8Array(frame.length + 4);
      masked.set(frame.subarray(0, head));
      masked[1] = (masked[1] ?? 0) | 0x80;
      masked.set(mask, head);
      for (let i = head; i < frame.length; i++) masked[i + 4] = (frame[i] ?? 0) ^ (mask[(i - head) % 4] ?? 0);
      const events = new FrameDecoder({ maxPayload: 1 << 20 }).push(masked).map(plain);
      expect(events).toEqual([{ kind: "message", text: payload }]);
    }
  });
});
