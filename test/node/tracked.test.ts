// The attachment's bookkeeping of what it must finish on close: pending responses in reused
// slots, WebSocket peers in a set, both awaitable until empty.
import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { toEngineRequest } from "../../runtimes/node/request.js";
import { PendingResponses, TrackedSet } from "../../runtimes/node/tracked.js";

describe("PendingResponses", () => {
  it("reuses the slot of a finished response and lists only the pending ones", () => {
    const pending = new PendingResponses<object>();
    const [a, b, c] = [{ name: "a" }, { name: "b" }, { name: "c" }];
    pending.add(a);
    pending.add(b);
    pending.delete(a);
    pending.add(c); // takes a's slot
    expect(pending.size).toBe(2);
    expect([...pending.items()]).toEqual([c, b]);
    pending.delete(a); // already gone: no effect
    pending.delete(b);
    pending.delete(c);
    expect(pending.size).toBe(0);
    expect([...pending.items()]).toEqual([]);
  });

  it("ignores an object it never held, even one holding a slot in another collection", () => {
    const first = new PendingResponses<object>();
    const second = new PendingResponses<object>();
    const item = {};
    const other = {};
    first.add(other);
    second.add(item); // slot 0 in `second`
    first.delete(item); // slot 0 in `first` holds `other`
    expect([...first.items()]).toEqual([other]);
    expect(second.size).toBe(1);
  });

  it("resolves empty() when the last response goes, or false at the timeout", async () => {
    const pending = new PendingResponses<object>();
    const item = {};
    pending.add(item);
    expect(await pending.empty(5)).toBe(false);
    const waiting = pending.empty();
    pending.delete(item);
    expect(await waiting).toBe(true);
    expect(await pending.empty(0)).toBe(true);
  });
});

describe("TrackedSet", () => {
  it("resolves empty() once its last item is deleted", async () => {
    const peers = new TrackedSet<string>();
    peers.add("x");
    peers.add("y");
    const waiting = peers.empty();
    peers.delete("x");
    expect([...peers.items()]).toEqual(["y"]);
    peers.delete("y");
    expect(await waiting).toBe(true);
  });
});

describe("the Node request as the core sees it", () => {
  it("is a plain object with no accessor of its own (V8 allocates such literals old, and they keep requests alive)", () => {
    const req = new IncomingMessage(new Socket());
    req.method = "POST";
    req.url = "/socket.io/?EIO=4&transport=polling";
    const request = toEngineRequest(req);
    for (const key of Reflect.ownKeys(request)) {
      expect(Object.getOwnPropertyDescriptor(request, key)?.get, String(key)).toBeUndefined();
    }
    expect(request).toMatchObject({ method: "POST", url: "/socket.io/?EIO=4&transport=polling", bodyRefused: false, secure: false });
  });
});
