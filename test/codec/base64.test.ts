import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError, decodeBase64, encodeBase64 } from "../../src/codec/index.js";

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("base64", () => {
  // RFC 4648 §10 test vectors.
  it.each<[string, string]>([
    ["", ""],
    ["f", "Zg=="],
    ["fo", "Zm8="],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg=="],
    ["fooba", "Zm9vYmE="],
    ["foobar", "Zm9vYmFy"],
  ])("RFC 4648: %j ↔ %j", (plain, encoded) => {
    expect(encodeBase64(ascii(plain))).toBe(encoded);
    expect(decodeBase64(encoded)).toStrictEqual(ascii(plain));
  });

  it("uses the + and / alphabet", () => {
    expect(encodeBase64(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe("+/+/");
    expect(decodeBase64("+/+/")).toStrictEqual(new Uint8Array([0xfb, 0xff, 0xbf]));
  });

  it("writes a one-character prefix into the same string", () => {
    expect(encodeBase64(new Uint8Array([1, 2, 3]), "b")).toBe("bAQID");
    const large = new Uint8Array(300).fill(0);
    expect(encodeBase64(large, "b")).toBe("b" + "A".repeat(400));
  });

  it("decodes from an offset", () => {
    expect(decodeBase64("bAQID", 1)).toStrictEqual(new Uint8Array([1, 2, 3]));
  });

  it("agrees with Node's Buffer on every length from 0 to 300 and on random bytes", () => {
    for (let n = 0; n <= 300; n++) {
      const data = new Uint8Array(n).map((_, i) => (i * 151 + n * 7) & 255);
      const expected = Buffer.from(data).toString("base64");
      expect(encodeBase64(data)).toBe(expected);
      expect(decodeBase64(expected)).toStrictEqual(data);
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
        const expected = Buffer.from(data).toString("base64");
        expect(encodeBase64(data)).toBe(expected);
        expect(Buffer.from(decodeBase64(expected)).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ["A", "length"],
    ["AB", "length"],
    ["ABC", "length"],
    ["AQID=", "length"],
    ["AQ==AQ==", "padding inside"],
    ["A===", "three pads"],
    ["====", "only pads"],
    ["AQ=D", "pad then char"],
    ["AR==", "stray bits after one byte"],
    ["AQJ=", "stray bits after two bytes"],
    ["AQI D", "space"],
    ["AQI\n", "newline"],
    ["AQ-_", "url-safe alphabet"],
    ["AQIé", "non-ASCII"],
    ["AQI\u0100", "char above 255"],
  ])("rejects %j (%s)", (text) => {
    expect(() => decodeBase64(text)).toThrow(DecodeError);
    expect(() => decodeBase64(text)).toThrow(expect.objectContaining({ code: "invalid base64" }));
  });

  it("rejects every string that is not exactly what it would encode", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: "binary" }), (text) => {
        let decoded: Uint8Array;
        try {
          decoded = decodeBase64(text);
        } catch (error) {
          expect(error).toBeInstanceOf(DecodeError);
          return;
        }
        expect(encodeBase64(decoded)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });
});
