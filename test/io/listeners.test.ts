// The listener registry under every socket and namespace: one function per event is kept
// as the function itself, several as a list; past eight event names a Map takes over. The
// outside behaviour must not depend on which of these layouts holds the listeners.
import { describe, expect, it } from "vitest";
import { Listeners } from "../../src/util/listeners.js";

type Events = Record<string, (...args: unknown[]) => void>;

function recorder(log: string[], name: string): (...args: unknown[]) => void {
  return (...args) => log.push(`${name}(${args.join(",")})`);
}

describe("Listeners", () => {
  it("calls the listeners of an event in registration order, prepended ones first", () => {
    const log: string[] = [];
    const listeners = new Listeners<Events>();
    listeners.on("a", recorder(log, "one"));
    listeners.on("a", recorder(log, "two"));
    listeners.prepend("a", recorder(log, "zero"));
    listeners.on("b", recorder(log, "other"));
    expect(listeners.emit("a", 1, 2)).toBe(true);
    expect(log).toEqual(["zero(1,2)", "one(1,2)", "two(1,2)"]);
    expect(listeners.emit("missing")).toBe(false);
  });

  it("answers has, count, get and current the same for one listener and for several", () => {
    const listeners = new Listeners<Events>();
    const f = (): void => {};
    const g = (): void => {};
    expect([listeners.has("x"), listeners.count("x"), listeners.get("x"), listeners.current("x")]).toEqual([false, 0, [], undefined]);
    listeners.on("x", f);
    expect([listeners.has("x"), listeners.count("x"), listeners.get("x"), listeners.current("x")]).toEqual([true, 1, [f], f]);
    listeners.on("x", g);
    expect([listeners.count("x"), listeners.get("x"), listeners.current("x")]).toEqual([2, [f, g], [f, g]]);
    // `get` and `current` hand out copies: changing them changes nothing.
    (listeners.get("x") as unknown[]).length = 0;
    (listeners.current("x") as unknown[]).length = 0;
    expect(listeners.count("x")).toBe(2);
  });

  it("removes the last registration of a function, every listener of an event, or all", () => {
    const listeners = new Listeners<Events>();
    const f = (): void => {};
    const g = (): void => {};
    listeners.on("x", f);
    listeners.on("x", g);
    listeners.on("x", f);
    listeners.off("x", f);
    expect(listeners.get("x")).toEqual([f, g]);
    listeners.off("x", g);
    expect(listeners.current("x")).toBe(f); // back to a single function
    listeners.off("x", g); // not registered: nothing happens
    expect(listeners.get("x")).toEqual([f]);
    listeners.off("x", f);
    expect(listeners.has("x")).toBe(false);
    listeners.on("y", f);
    listeners.on("z", g);
    listeners.off("y");
    expect([listeners.has("y"), listeners.has("z")]).toEqual([false, true]);
    listeners.clear();
    expect(listeners.has("z")).toBe(false);
  });

  it("does not skip or repeat a listener when one removes itself or adds another during emit", () => {
    const log: string[] = [];
    const listeners = new Listeners<Events>();
    const once = (): void => {
      log.push("once");
      listeners.off("e", once);
      listeners.on("e", () => log.push("added later"));
    };
    listeners.on("e", once);
    listeners.on("e", () => log.push("second"));
    listeners.emit("e");
    listeners.emit("e");
    expect(log).toEqual(["once", "second", "second", "added later"]);
  });

  it("keeps every event and its order when the names outgrow the flat layout, and after it", () => {
    const log: string[] = [];
    const listeners = new Listeners<Events>();
    const names = Array.from({ length: 20 }, (_, i) => `event${i}`);
    for (const name of names) listeners.on(name, recorder(log, name));
    listeners.on("event3", recorder(log, "event3-again"));
    for (const name of names) listeners.emit(name);
    expect(log).toEqual([
      "event0()", "event1()", "event2()", "event3()", "event3-again()",
      ...names.slice(4).map((name) => `${name}()`),
    ]);
    listeners.off("event3");
    listeners.off("event19");
    expect(names.filter((name) => listeners.has(name))).toEqual(names.filter((name) => name !== "event3" && name !== "event19"));
  });

  it("tells event names apart from the listeners stored beside them", () => {
    // An event named like nothing else, next to one whose listener list is an array.
    const listeners = new Listeners<Events>();
    const f = (): void => {};
    listeners.on("a", f);
    listeners.on("a", f);
    listeners.on("b", f);
    listeners.off("a");
    expect([listeners.count("a"), listeners.count("b")]).toEqual([0, 1]);
  });
});
