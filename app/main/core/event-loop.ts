/**
 * Lets queued I/O (API calls, events) run between slices of a long computation on the main
 * thread, so a fit keeps the host responsive.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
