// unio on Node against the real socket.io-client: the same suite the official server passes
// in socketio-control.test.ts, with nothing relaxed.
import { defineClientSuite } from "./client-suite.js";
import { startUnioNodeServer } from "./unio-node-server.js";

defineClientSuite("unio on Node", startUnioNodeServer);
