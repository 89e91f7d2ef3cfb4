import { describe, expect, it } from "vitest";
import { defaultGenerateId } from "../../src/engine/id.js";
import { parseQuery, pathOf } from "../../src/engine/query.js";

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

describe("default session ids", () => {
  it("are 20 base64url characters and differ", () => {
    const ids = new Set(Array.from({ length: 100 }, defaultGenerateId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{20}$/);
  });
});
