// The control run: the same suite against the official `socket.io` server. A case that
// fails here is a wrong test, not a unio bug.
import { defineClientSuite } from "./client-suite.js";
import { startReferenceServer } from "./reference-server.js";

defineClientSuite("the official socket.io (control)", startReferenceServer, {
  closePacketWaitsForPingTimeout: true,
});
