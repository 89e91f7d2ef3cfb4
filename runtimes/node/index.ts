export { attach } from "./attach.js";
export type { NodeAttachment } from "./attach.js";
export type { EngineHolder, EngineHost, HostedEngine } from "../shared/engine-host.js";
export { serve } from "./serve.js";
export type { NodeServer, ServeOptions } from "./serve.js";
