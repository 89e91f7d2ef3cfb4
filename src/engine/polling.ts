// HTTP long-polling for one session: at most one parked GET (answered when there is
// something to send) and at most one POST (whose body is a payload of client packets).
// The shim owns the HTTP exchange; the core only decides what each request is answered.
//
// What the reference server does, and we with it:
// - a second GET while one is parked: 400, and the session closes ("transport error"); the
//   parked GET is answered `1`.
// - a second POST while one is being read, or a binary (application/octet-stream) body: 400
//   and the session closes ("transport error").
// - a body over maxHttpBufferSize: 413, and the session is left alone. The client treats the
//   failed POST as a transport error, closes its side and reconnects; its leaving (the GET it
//   aborts, or the close it sends) is what ends the session, as "transport error" or
//   "transport close". The shim never buffers more than the limit (`readBody`), so the
//   refused body costs nothing here.
// - a body that does not decode: the session closes ("parse error"); we answer 400 where the
//   reference says "ok" to data it threw away.
// - an accepted POST: 200 "ok" as text/html (the reference's choice, against old IE download
//   dialogs).
// - a POST whose body is still arriving when the session ends, or moves to websocket, is
//   answered at once (`{"code":1,…}` / `{"code":3,…}`, what it would get had its body just
//   ended) instead of when the body ends, which may be never: the reference destroys such a
//   request. A shim that answers a request it has not read to the end closes its connection.

import { decodePayload } from "../codec/index.js";
import type { EnginePacket } from "../codec/index.js";
import type { EngineRequest, EngineResponse } from "./contract.js";
import { errorResponse } from "./errors.js";
import type { EngineSocket } from "./socket.js";
import { emptyResponse, payloadResponse, pollingHeaders } from "./wire.js";

type Headers = Readonly<Record<string, string>> | undefined;

/** A GET waiting for data: the shim holds the HTTP response, we hold its resolver. */
export interface ParkedPoll {
  readonly req: EngineRequest;
  readonly headers: Record<string, string>;
  readonly resolve: (response: EngineResponse) => void;
}

/** A POST whose body is being read: the shim holds the HTTP response, we hold its resolver. */
export interface PendingPost {
  readonly req: EngineRequest;
  readonly cors: Headers;
  readonly resolve: (response: EngineResponse) => void;
}

const PAYLOAD_TYPE = "text/plain; charset=UTF-8";
const OK_TYPE = "text/html";
const utf8 = new TextDecoder();

export class Polling {
  /** The parked GET, if any. */
  parked: ParkedPoll | undefined = undefined;
  /** The POST whose body is being read, if any. */
  posting: PendingPost | undefined = undefined;

  /** Answers the parked GET with `body` (a polling payload). */
  answer(body: string): void {
    const parked = this.parked;
    if (parked === undefined) return;
    this.parked = undefined;
    parked.resolve(payloadResponse(body, parked.headers));
  }

  /** A request of this session's polling transport (its sid and transport already checked). */
  request(session: EngineSocket, req: EngineRequest, cors: Headers): EngineResponse | Promise<EngineResponse> {
    if (req.method === "GET") return this.get(session, req, cors);
    if (req.method === "POST") return this.post(session, req, cors);
    return emptyResponse(500, cors);
  }

  /**
   * The session ended (code 1) or moved to websocket (code 3) while a POST body was still
   * arriving: answer the POST now, so that the shim can let its connection go.
   */
  dropPost(code: 1 | 3): void {
    const posting = this.posting;
    if (posting === undefined) return;
    this.posting = undefined;
    posting.resolve(errorResponse(code, posting.cors));
  }

  /** The shim saw `req` go away unanswered: if it is one of ours, the transport failed. */
  aborted(session: EngineSocket, req: EngineRequest): void {
    if (this.parked?.req === req) session.transportError("poll connection closed prematurely");
    else if (this.posting?.req === req) {
      this.posting = undefined;
      session.transportError("data request connection closed prematurely");
    }
  }

  private get(session: EngineSocket, req: EngineRequest, cors: Headers): EngineResponse | Promise<EngineResponse> {
    if (this.parked !== undefined) {
      session.transportError("overlap from client");
      return emptyResponse(400, cors);
    }
    const headers = pollingHeaders(cors, req.headers["user-agent"], PAYLOAD_TYPE);
    return new Promise((resolve) => {
      this.parked = { req, headers, resolve };
      session.pollParked();
    });
  }

  private post(session: EngineSocket, req: EngineRequest, cors: Headers): EngineResponse | Promise<EngineResponse> {
    if (this.posting !== undefined) {
      session.transportError("data request overlap from client");
      return emptyResponse(400, cors);
    }
    if (req.headers["content-type"] === "application/octet-stream") {
      session.transportError("invalid content");
      return emptyResponse(400, cors);
    }
    // Answered once the body is read, or earlier by `dropPost`: the first wins. No `async`
    // function in between: every polling round trip comes through here, and each promise
    // hop is a microtask and an allocation.
    return new Promise((resolve) => {
      const posting: PendingPost = { req, cors, resolve };
      this.posting = posting;
      req.readBody(session.maxPayload, "text").then(
        (body) => resolve(this.received(session, posting, body)),
        () => resolve(this.unread(session, posting)),
      );
    });
  }

  /** The body of `posting` could not be read: the request died first. */
  private unread(session: EngineSocket, posting: PendingPost): EngineResponse {
    if (this.posting === posting) {
      this.posting = undefined;
      session.transportError("data request failed");
    }
    return emptyResponse(400, posting.cors);
  }

  /** The body of `posting` is read (`undefined`: refused as too large): its packets go to the session. */
  private received(session: EngineSocket, posting: PendingPost, body: string | Uint8Array | undefined): EngineResponse {
    const { req, cors } = posting;
    // Aborted or dropped meanwhile: the answer has gone already (or nobody is left to read it).
    if (this.posting !== posting) return errorResponse(1, cors);
    this.posting = undefined;
    // The session may have ended or moved to websocket while the body was on its way.
    if (session.isClosed()) return errorResponse(1, cors);
    if (session.pollingTransport !== this) return errorResponse(3, cors);
    if (body === undefined) return emptyResponse(413, cors);
    let packets: EnginePacket[];
    try {
      packets = decodePayload(typeof body === "string" ? body : utf8.decode(body));
    } catch (error) {
      session.invalid(error instanceof Error ? error.message : String(error));
      return emptyResponse(400, cors);
    }
    for (const packet of packets) {
      session.receive(packet);
      if (session.isClosed()) break;
    }
    return { status: 200, headers: pollingHeaders(cors, req.headers["user-agent"], OK_TYPE), body: "ok" };
  }
}
