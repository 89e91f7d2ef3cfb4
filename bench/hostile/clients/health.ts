// The well-behaved client of every health check: the official socket.io-client connects
// (websocket only, and polling with the upgrade), sends `echo` with an ack, and must get
// its argument back.

import { io } from "socket.io-client";

/** "ok", or what went wrong, for one transport setting. */
async function check(url: string, transports: Array<"polling" | "websocket">): Promise<string> {
  const socket = io(url, { forceNew: true, reconnection: false, transports, timeout: 5000 });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", (error: Error) => reject(error));
    });
    const answer: unknown = await socket.timeout(5000).emitWithAck("echo", "health");
    return answer === "health" ? "ok" : `wrong answer ${JSON.stringify(answer)}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    socket.disconnect();
  }
}

/** Checks both ways in; "ok" when both work. */
export async function healthy(url: string): Promise<string> {
  const [ws, polling] = await Promise.all([check(url, ["websocket"]), check(url, ["polling", "websocket"])]);
  if (ws === "ok" && polling === "ok") return "ok";
  return `websocket: ${ws}; polling: ${polling}`;
}
