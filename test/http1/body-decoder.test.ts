import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BodyDecoder } from "../../runtimes/shared/http1/index.js";
import { bytes, readAll, text } from "./support.js";

const chunkedPost = (body: string): string => `POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${body}`;

describe("BodyDecoder", () => {
  it("reads a Content-Length body and leaves what follows", () => {
    const decoder = new BodyDecoder({ kind: "length", length: 5 }, 100);
    expect(decoder.push(bytes("hel"))).toBe(3);
    expect(decoder.status).toBe("reading");
    expect(decoder.push(bytes("loGET"))).toBe(2);
    expect(decoder.status).toBe("done");
    expect(text(decoder.take()!)).toBe("hello");
  });

  it("reads a chunked body with extensions and trailers", () => {
    const decoder = new BodyDecoder({ kind: "chunked" }, 100);
    const input = bytes("5;name=v\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT");
    expect(decoder.push(input)).toBe(input.length - 4);
    expect(decoder.status).toBe("done");
    expect(text(decoder.take()!)).toBe("hello world");
  });

  it.each([
    ["a size that is not hex", "zz\r\nab\r\n0\r\n\r\n"],
    ["data longer than its size", "2\r\nabc\r\n0\r\n\r\n"],
    ["a size line ending in a bare LF", "2\nab\r\n0\r\n\r\n"],
    ["a size line without end", "1".repeat(2000)],
    ["endless trailers", "0\r\n" + "X: y\r\n".repeat(2000)],
  ])("refuses %s", (_name, body) => {
    const decoder = new BodyDecoder({ kind: "chunked" }, 1 << 20);
    decoder.push(bytes(body));
    expect(decoder.status).toBe("error");
  });

  it("stops keeping bytes past the cap but still finds the end", () => {
    const decoder = new BodyDecoder({ kind: "chunked" }, 4);
    decoder.push(bytes("3\r\nabc\r\n3\r\ndef\r\n"));
    expect(decoder.over).toBe(true);
    expect(decoder.push(bytes("0\r\n\r\nrest"))).toBe(5);
    expect(decoder.status).toBe("done");
    expect(decoder.take()).toBeUndefined();
  });

  it("says whether any of the body came yet (for 100-continue)", () => {
    const decoder = new BodyDecoder({ kind: "chunked" }, 10);
    expect(decoder.untouched).toBe(true);
    decoder.push(bytes("1"));
    expect(decoder.untouched).toBe(false);
  });

  it("gives the same body however a chunked request is split", () => {
    const input = bytes(chunkedPost("3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n") + "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    const whole = readAll(input, []);
    expect(whole.map((r) => r.body)).toEqual(["abc0123456789abcdef", ""]);
    for (let cut = 1; cut < input.length; cut++) expect(readAll(input, [cut])).toEqual(whole);
    fc.assert(fc.property(fc.array(fc.nat(input.length), { maxLength: 12 }), (cuts) => {
      expect(readAll(input, cuts)).toEqual(whole);
    }));
  });

  it("decodes any chunking of any body, and never throws on mutated chunked bytes", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 40 }), { maxLength: 6 }), fc.array(fc.nat(400), { maxLength: 6 }), (parts, cuts) => {
        const body = parts.map((p) => `${p.length.toString(16)}\r\n${p}\r\n`).join("") + "0\r\n\r\n";
        const [read] = readAll(bytes(chunkedPost(body).replace(/[^\x00-\xff]/g, "?")), cuts);
        expect(read?.body).toBe(parts.join("").replace(/[^\x00-\xff]/g, "?"));
      }),
    );
    const valid = bytes("3\r\nabc\r\n0\r\n\r\n");
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.nat(valid.length - 1), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 4 }), (edits) => {
        const mutated = valid.slice();
        for (const { at, value } of edits) mutated[at] = value;
        const decoder = new BodyDecoder({ kind: "chunked" }, 2);
        decoder.push(mutated);
        expect(["reading", "done", "error"]).toContain(decoder.status);
      }),
    );
  });
});
