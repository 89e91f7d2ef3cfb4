// The load generator's WebSocket on the `ws` package (no compression, as browsers to a
// socket.io server with its defaults).

import WebSocket from "ws";
import type { TextSocket, TextSocketEvents } from "./text-socket.js";

export function openWsTextSocket(port: number, path: string, events: TextSocketEvents): TextSocket {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false });
  let done = false;
  const finish = (): void => {
    if (done) return;
    done = true;
    events.closed();
  };
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (!isBinary) events.text(data.toString("utf8"));
  });
  ws.on("close", finish);
  ws.on("error", () => {
    ws.terminate();
    finish();
  });
  return {
    send: (text) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
    },
    close: () => {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
    },
  };
}
