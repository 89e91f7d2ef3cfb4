// A Client is one per connection: JSC puts an object of up to 6 fields in its 64-byte size
// class and one of 7 or 8 in the 80-byte one, so its fields are counted, and the one that
// folds two states together (`matching`, which also says "closed") is checked for behaviour.
import { describe, expect, it } from "vitest";
import { setup } from "./support/harness.js";

describe("a Client's own fields", () => {
  it("stay at 6 or fewer, connected or closed", () => {
    const { connect } = setup();
    const { socket } = connect();
    expect(Reflect.ownKeys(socket.client).length).toBeLessThanOrEqual(6);
    socket.disconnect(true);
    expect(Reflect.ownKeys(socket.client).length).toBeLessThanOrEqual(6);
  });

  it("a closed Client ignores packets that arrive after its close", () => {
    const { connect } = setup();
    const { conn, socket } = connect();
    const heard: unknown[] = [];
    socket.on("late", (value: unknown) => heard.push(value));
    conn.receive('42["late",1]');
    expect(heard).toEqual([1]);
    socket.client.onClose("transport close");
    expect(socket.connected).toBe(false);
    conn.receive('42["late",2]', "40");
    expect(heard).toEqual([1]);
    expect(conn.take()).toEqual([]);
  });
});
