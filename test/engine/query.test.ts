import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultGenerateId } from "../../src/engine/id.js";
import { parseQuery, pathOf, routingParams } from "../../src/engine/query.js";

describe("request-line parsing", () => {
  it("splits the path from the query and fragment", () => {
    expect(pathOf("/engine.io/?EIO=4")).toBe("/engine.io/");
    expect(pathOf("/engine.io/#x?y")).toBe("/engine.io/");
    expect(pathOf("/engine.io/")).toBe("/engine.io/");
  });

  it("decodes like URLSearchParams", () => {
    const cases = [
      "/p?EIO=4&transport=polling&t=PX1",
      "/p?a=1&a=2&b",
      "/p?x=a+b%20c&y=%E2%82%AC&z=%ZZ&&=v",
      "/p?m=a%ZZ%20b%E2%82%AC%",
      "/p?k=v#frag&h=1",
      "/p?",
      "/p",
    ];
    for (const url of cases) {
      const q = url.indexOf("?");
      const h = url.indexOf("#");
      const search = q === -1 ? "" : url.slice(q + 1, h === -1 ? undefined : h);
      expect(parseQuery(url), url).toEqual(Object.fromEntries(new URLSearchParams(search)));
    }
  });

  it("keeps __proto__ as a plain key", () => {
    const q = parseQuery("/p?__proto__=x&sid=1");
    expect(Object.getPrototypeOf(q)).toBe(Object.prototype);
    expect(Object.keys(q)).toEqual(["__proto__", "sid"]);
  });
});

describe("the routing parameters (EIO, transport, sid) read without the whole query", () => {
  // What the reference server reads: `new URL(req.url, base).searchParams`.
  const routed = (url: string) => {
    const all = new URL(url, "http://localhost").searchParams;
    const last = (key: string): string | undefined => all.getAll(key).at(-1);
    return { EIO: last("EIO"), transport: last("transport"), sid: last("sid") };
  };

  it("reads them as URLSearchParams does, the last of repeated keys winning", () => {
    const cases = [
      "/socket.io/?EIO=4&transport=polling&t=PX1&sid=abc_-1",
      "/socket.io/?sid=a&sid=b&EIO=3&EIO=4",
      "/socket.io/?transport&sid=&EIO",
      "/socket.io/?sidx=1&xsid=2&SID=3&transports=websocket",
      "/socket.io/?%73id=escaped-key&transport=a+b",
      "/socket.io/?sid=a%2Fb#sid=fragment",
      "/socket.io/#?sid=fragment",
      "/socket.io/?",
      "/socket.io/",
    ];
    for (const url of cases) expect(routingParams(url), url).toEqual(routed(url));
  });

  it("agrees with URLSearchParams on arbitrary queries", () => {
    // What a request line can carry: printable ASCII without spaces (the line is split on them).
    const printable = fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code));
    const part = fc.oneof(fc.constantFrom("sid", "EIO", "transport", "t", "", "=", "&", "%73", "+", "%", "#", "?"), fc.string({ maxLength: 4, unit: printable }));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 12 }), (parts) => {
        const url = `/socket.io/?${parts.join("")}`;
        expect(routingParams(url)).toEqual(routed(url));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("default session ids", () => {
  it("are 20 base64url characters and differ", () => {
    const ids = new Set(Array.from({ length: 100 }, defaultGenerateId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{20}$/);
  });
});
