// The default report for errors thrown by application callbacks (listeners, allowRequest):
// they must not break the protocol machine that called them, nor vanish silently.

export function reportError(context: string, error: unknown): void {
  console.error(`unio: ${context}`, error);
}
