import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HeadReader } from "../../runtimes/shared/http1/index.js";
import { bytes, readAll } from "./support.js";

const GET = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n";

describe("HeadReader", () => {
  it("reads a request line and fields: lower-case names, repeated fields joined", () => {
    const result = new HeadReader().push(
      bytes("POST /x?y=1 HTTP/1.1\r\nHost: a\r\nX-Tag: one\r\nx-tag:two \r\nCookie: a=1\r\nCookie: b=2\r\nContent-Length: 2\r\n\r\nhi"),
    );
    expect(result.kind).toBe("head");
    if (result.kind !== "head") return;
    expect(result.head.method).toBe("POST");
    expect(result.head.target).toBe("/x?y=1");
    expect(result.head.minorVersion).toBe(1);
    expect({ ...result.head.headers }).toEqual({ host: "a", "x-tag": "one, two", cookie: "a=1; b=2", "content-length": "2" });
    expect(result.head.body).toEqual({ kind: "length", length: 2 });
    expect(result.head.keepAlive).toBe(true);
    expect(Array.from(result.rest)).toEqual([104, 105]);
  });

  it("keeps HTTP/1.0 only with keep-alive, HTTP/1.1 unless told to close", () => {
    const keep = (head: string): boolean | undefined => {
      const r = new HeadReader().push(bytes(head));
      return r.kind === "head" ? r.head.keepAlive : undefined;
    };
    expect(keep("GET / HTTP/1.0\r\n\r\n")).toBe(false);
    expect(keep("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")).toBe(true);
    expect(keep("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")).toBe(false);
    expect(keep("GET / HTTP/1.1\r\nHost: a\r\n\r\n")).toBe(true);
  });

  it("sees Expect: 100-continue, and an upgrade only with Upgrade listed in Connection", () => {
    const head = (text: string) => {
      const r = new HeadReader().push(bytes(`GET / HTTP/1.1\r\nHost: a\r\n${text}\r\n`));
      return r.kind === "head" ? r.head : undefined;
    };
    expect(head("Expect: 100-Continue\r\n")?.expectContinue).toBe(true);
    expect(head("Upgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n")?.upgrade).toBe(true);
    expect(head("Upgrade: h2c\r\nConnection: Upgrade\r\n")?.upgrade).toBe(true);
    expect(head("Upgrade: websocket\r\n")?.upgrade).toBe(false);
  });

  it("skips empty lines before a request line", () => {
    const reads = readAll(bytes("\r\n\r\n" + GET), []);
    expect(reads).toHaveLength(1);
    expect(reads).toMatchObject([{ head: { method: "GET" } }]);
  });

  it.each([
    ["both Content-Length and Transfer-Encoding", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400],
    ["two different Content-Lengths", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400],
    ["a Content-Length that is not a number", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3x\r\n\r\n", 400],
    ["a negative Content-Length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400],
    ["a Transfer-Encoding other than chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501],
    ["chunked in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400],
    ["whitespace before a colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400],
    ["a folded field", "GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n", 400],
    ["a bare LF", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400],
    ["a field without a colon", "GET / HTTP/1.1\r\nHost\r\n\r\n", 400],
    ["a control character in a value", "GET / HTTP/1.1\r\nHost: a\u0001b\r\n\r\n", 400],
    ["a garbage request line", "HELLO\r\n\r\n", 400],
    ["a space in the target", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400],
    ["no Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400],
    ["HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505],
  ])("refuses %s", (_name, head, status) => {
    expect(new HeadReader().push(bytes(head))).toMatchObject({ kind: "error", status });
  });

  it("accepts a Content-Length sent twice with the same value", () => {
    const r = new HeadReader().push(bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\n"));
    expect(r.kind === "head" && r.head.body).toEqual({ kind: "length", length: 3 });
  });

  it("answers 431 to a head over maxHeaderSize, complete or still arriving", () => {
    const big = `GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ${"a".repeat(2000)}\r\n\r\n`;
    expect(new HeadReader(1024).push(bytes(big))).toMatchObject({ kind: "error", status: 431 });
    const reader = new HeadReader(1024);
    let last;
    for (let i = 0; i < 1100; i += 100) last = reader.push(bytes("a".repeat(100)));
    expect(last).toMatchObject({ kind: "error", status: 431 });
    expect(new HeadReader(1024).push(bytes(`GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ${"a".repeat(900)}\r\n\r\n`)).kind).toBe("head");
  });

  it("holds no more than maxHeaderSize bytes of an unfinished head", () => {
    const reader = new HeadReader(1024);
    for (let i = 0; i < 100; i++) {
      const result = reader.push(bytes("x".repeat(50)));
      expect(reader.buffered).toBeLessThanOrEqual(1024);
      if (result.kind === "error") return;
    }
    expect.unreachable("a head growing past the limit must be refused");
  });

  it("holds no endless run of empty lines before a request line", () => {
    const reader = new HeadReader(1024);
    let result;
    for (let i = 0; i < 1000 && result?.kind !== "error"; i++) result = reader.push(bytes("\r\n".repeat(10)));
    expect(result).toMatchObject({ kind: "error", status: 431 });
  });

  it("a field named __proto__ is just a field", () => {
    const r = new HeadReader().push(bytes("GET / HTTP/1.1\r\nHost: a\r\n__proto__: x\r\n\r\n"));
    expect(r.kind === "head" && r.head.headers["__proto__"]).toBe("x");
  });

  it("gives the same heads however the bytes are split, pipelined requests included", () => {
    const input = bytes(GET + "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello" + GET);
    const whole = readAll(input, []);
    expect(whole.map((r) => [r.head?.method, r.body])).toEqual([
      ["GET", ""],
      ["POST", "hello"],
      ["GET", ""],
    ]);
    for (let cut = 1; cut < input.length; cut++) expect(readAll(input, [cut])).toEqual(whole);
    fc.assert(fc.property(fc.array(fc.nat(input.length), { maxLength: 10 }), (cuts) => {
      expect(readAll(input, cuts)).toEqual(whole);
    }));
  });

  it("never throws on random or mutated bytes, and holds within its limit", () => {
    const valid = bytes(GET);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }),
          fc.array(fc.record({ at: fc.nat(valid.length - 1), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }).map((edits) => {
            const mutated = valid.slice();
            for (const { at, value } of edits) mutated[at] = value;
            return mutated;
          }),
        ),
        fc.array(fc.nat(3000), { maxLength: 6 }),
        (input, cuts) => {
          const reader = new HeadReader(1024);
          let from = 0;
          for (const p of [...new Set(cuts)].sort((a, b) => a - b).concat(input.length)) {
            if (p <= from || p > input.length) continue;
            const result = reader.push(input.subarray(from, p));
            from = p;
            expect(reader.buffered).toBeLessThanOrEqual(1024);
            if (result.kind !== "partial") break;
          }
        },
      ),
    );
  });
});
