export { attach } from "./attach.js";
export type { NodeAttachment } from "./attach.js";
export type { Attachable, EngineHolder, ShimEngine } from "./engine.js";
export { serve } from "./serve.js";
export type { NodeServer, ServeOptions } from "./serve.js";
