import { describe, expect, it } from "vitest";
import { acceptKey, checkHandshake, switchingProtocols } from "../../runtimes/node/handshake.js";

const valid = {
  upgrade: "websocket",
  connection: "Upgrade",
  "sec-websocket-version": "13",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
};

describe("WebSocket opening handshake", () => {
  it("computes the RFC 6455 §1.3 accept value", () => {
    expect(acceptKey("dGhlIHNhbXBsZSBub25jZQ==")).toBe("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  });

  it("accepts a valid request, with case-insensitive token lists", () => {
    expect(checkHandshake("GET", valid)).toEqual({ kind: "valid", accept: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" });
    expect(checkHandshake("GET", { ...valid, upgrade: "WebSocket", connection: "keep-alive, Upgrade" }).kind).toBe("valid");
    expect(checkHandshake("GET", { ...valid, connection: ["keep-alive", "upgrade"] }).kind).toBe("valid");
  });

  it("writes the 101 response", () => {
    expect(new TextDecoder().decode(switchingProtocols("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))).toBe(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
    );
  });

  it("refuses what is not a version 13 handshake", () => {
    const refused = (method: string, headers: Record<string, string | string[] | undefined>): unknown => {
      const check = checkHandshake(method, headers);
      return check.kind === "invalid" ? [check.status, check.headers] : check.kind;
    };
    expect(refused("POST", valid)).toEqual([405, {}]);
    expect(refused("GET", { ...valid, upgrade: undefined })).toEqual([400, {}]);
    expect(refused("GET", { ...valid, upgrade: "h2c" })).toEqual([400, {}]);
    expect(refused("GET", { ...valid, connection: "keep-alive" })).toEqual([400, {}]);
    expect(refused("GET", { ...valid, connection: "upgraded" })).toEqual([400, {}]);
    expect(refused("GET", { ...valid, "sec-websocket-version": "8" })).toEqual([400, { "Sec-WebSocket-Version": "13" }]);
    expect(refused("GET", { ...valid, "sec-websocket-version": undefined })).toEqual([400, { "Sec-WebSocket-Version": "13" }]);
    expect(refused("GET", { ...valid, "sec-websocket-key": undefined })).toEqual([400, {}]);
    expect(refused("GET", { ...valid, "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ" })).toEqual([400, {}]);
    expect(refused("GET", { ...valid, "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZXg=" })).toEqual([400, {}]);
    expect(refused("GET", { ...valid, "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==" })).toEqual([400, {}]);
  });
});
