// Where a connection's durable state goes: the attachment while it fits the budget, storage
// for the parts that do not (the immutable handshake first, the per-heartbeat engine part last).
import { describe, expect, it } from "vitest";
import { placeParts, storageKey, tryReadAttachment } from "../../runtimes/cloudflare/attachment.js";

const small = { h: '{"url":"/socket.io/?EIO=4"}', e: '{"v":1,"sid":"abc"}', c: '{"v":1,"sockets":[]}' };

describe("placeParts", () => {
  it("keeps every part inline when they fit", () => {
    const { attachment, stored } = placeParts("abc", small, 2048);
    expect(stored).toEqual([]);
    expect(attachment).toEqual({ v: 1, sid: "abc", h: small.h, e: small.e, c: small.c });
  });

  it("moves the handshake out first, then the client part, and the engine part last", () => {
    const big = "x".repeat(1000);
    const parts = { h: `"${big}"`, e: small.e, c: `"${big}"` };
    expect(placeParts("abc", parts, 1500).stored).toEqual(["h"]);
    expect(placeParts("abc", parts, 500)).toEqual({ attachment: { v: 1, sid: "abc", e: small.e, s: "hc" }, stored: ["h", "c"] });
    expect(placeParts("abc", parts, 10).stored).toEqual(["h", "c", "e"]);
  });

  it("counts characters beyond Latin-1 twice, as workerd serializes them", () => {
    const latin = { ...small, c: `"${"é".repeat(900)}"` };
    const wide = { ...small, c: `"${"€".repeat(900)}"` };
    expect(placeParts("abc", latin, 1200).stored).toEqual([]);
    expect(placeParts("abc", wide, 1200).stored).toEqual(["h", "c"]);
  });
});

describe("tryReadAttachment", () => {
  it("reads back what placeParts wrote, inline and stored", () => {
    expect(tryReadAttachment({ v: 1, sid: "abc", h: "1", e: "2", c: "3" })).toEqual({
      sid: "abc",
      inline: { h: "1", e: "2", c: "3" },
      stored: [],
    });
    expect(tryReadAttachment({ v: 1, sid: "abc", e: "2", s: "hc" })).toEqual({ sid: "abc", inline: { e: "2" }, stored: ["h", "c"] });
  });

  it.each([
    ["nothing", undefined],
    ["null", null],
    ["another version", { v: 2, sid: "abc", h: "1", e: "2", c: "3" }],
    ["no sid", { v: 1, h: "1", e: "2", c: "3" }],
    ["an empty sid", { v: 1, sid: "", h: "1", e: "2", c: "3" }],
    ["a missing part", { v: 1, sid: "abc", h: "1", c: "3" }],
    ["a part that is not text", { v: 1, sid: "abc", h: "1", e: 2, c: "3" }],
    ["a bad stored list", { v: 1, sid: "abc", h: "1", e: "2", s: 7 }],
  ])("refuses %s", (_name, value) => {
    expect(tryReadAttachment(value)).toBeUndefined();
  });
});

it("names storage keys by session and part", () => {
  expect(storageKey("abc", "c")).toBe("unio:ws:abc:c");
});
