// Every room change reaches the shim with the connection it concerns — joins and leaves from
// the socket's own handlers, from `io.in(...).socketsJoin/Leave` outside them, and the leave
// of every room when a socket disconnects — so its attachment can be saved again.
import { describe, expect, it } from "vitest";
import { InMemoryAdapter } from "../../src/io/adapter.js";
import { trackingAdapter, type SavableClient } from "../../runtimes/cloudflare/tracking-adapter.js";
import { setup } from "../io/support/harness.js";

function tracked() {
  const changes: string[] = [];
  const h = setup({ adapter: trackingAdapter(InMemoryAdapter, (client: SavableClient) => changes.push(client.conn.id)) });
  return { ...h, changes };
}

describe("trackingAdapter", () => {
  it("reports the connection of a socket that joins its own room on connect, then joins and leaves", () => {
    const { connect, changes } = tracked();
    const { conn, socket } = connect("/");
    expect(changes).toEqual([conn.id]);
    socket.join(["a", "b"]);
    socket.leave("a");
    expect(changes).toEqual([conn.id, conn.id, conn.id]);
  });

  it("reports joins made from outside the socket's handlers, for every socket they touch", () => {
    const { io, connect, changes } = tracked();
    const first = connect("/");
    const second = connect("/");
    changes.length = 0;
    io.socketsJoin("everyone");
    io.in("everyone").socketsLeave("everyone");
    expect(changes.sort()).toEqual([first.conn.id, first.conn.id, second.conn.id, second.conn.id].sort());
  });

  it("reports a disconnect, whose snapshot no longer holds the namespace", () => {
    const { connect, changes } = tracked();
    const { conn, socket } = connect("/");
    changes.length = 0;
    const client = socket.client;
    socket.disconnect();
    expect(changes).toEqual([conn.id]);
    expect(client.snapshot().sockets).toEqual([]);
  });

  it("keeps the adapter's behaviour: rooms and broadcasts work as with the base class", () => {
    const { io, connect } = tracked();
    const { conn, socket } = connect("/");
    socket.join("red");
    conn.take();
    io.to("red").emit("hi", 1);
    expect(conn.take()).toEqual(['42["hi",1]']);
    expect(socket.rooms).toEqual(new Set([socket.id, "red"]));
  });
});
