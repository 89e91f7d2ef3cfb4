export { BodyDecoder } from "./body-decoder.js";
export type { BodyState } from "./body-decoder.js";
export { DEFAULT_MAX_HEADER_SIZE, HeadReader } from "./head-reader.js";
export type { HeadResult } from "./head-reader.js";
export { CONTINUE, encodeResponse } from "./response.js";
export type { ResponseFraming } from "./response.js";
export type { BodyFraming, HeadError, RequestHead } from "./request-head.js";
