import { describe, expect, it } from "vitest";
import { encodeResponse } from "../../runtimes/shared/http1/index.js";
import { text } from "./support.js";

describe("encodeResponse", () => {
  it("writes the status line, the core's fields and a Content-Length", () => {
    expect(text(encodeResponse(200, { "Content-Type": "text/plain; charset=UTF-8" }, "ok"))).toBe(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: 2\r\n\r\nok",
    );
  });

  it("counts UTF-8 bytes, says Connection when asked, and leaves out the core's framing fields", () => {
    expect(text(encodeResponse(400, { "Content-Length": "99", Connection: "keep-alive" }, "é", { connection: "close" }))).toBe(
      "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 2\r\n\r\n\xc3\xa9",
    );
  });

  it("never writes a field that would split the response", () => {
    expect(text(encodeResponse(204, { "X-A": "1\r\nSet-Cookie: x", "X-B": "2" }, ""))).toBe("HTTP/1.1 204 No Content\r\nX-B: 2\r\n\r\n");
  });

  it("writes the length but not the body of an answer to HEAD", () => {
    expect(text(encodeResponse(200, {}, "abc", { headOnly: true }))).toBe("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n");
  });
});
