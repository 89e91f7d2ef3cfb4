// Errors thrown by application callbacks (allowRequest, the CORS origin function, generateId,
// listeners) must not break the protocol machine that called them, nor vanish silently. They
// go to the engine's `onError` option when there is one (the Socket.IO server passes its
// `onUserError` there), otherwise to the console.

/** Receives what application code threw or rejected with. */
export type EngineErrorReporter = (error: unknown) => void;

/**
 * Reports `error` to `onError`, or to the console without one. `context` says which callback
 * threw; it only appears on the console. A reporter that throws falls back to the console too.
 */
export function reportError(onError: EngineErrorReporter | undefined, context: string, error: unknown): void {
  if (onError === undefined) {
    console.error(`unio: ${context}`, error);
    return;
  }
  try {
    onError(error);
  } catch (reporterError) {
    console.error(`unio: onError threw while reporting (${context}):`, error, reporterError);
  }
}
