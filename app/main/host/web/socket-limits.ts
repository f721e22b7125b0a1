/**
 * What one local web host accepts and holds per client. docs/reliability.md ("Limits of the web
 * host") gives the reasons and the memory bound they add up to; the schema limits in app/api are
 * chosen so that every input they accept fits in one message.
 */
export const socketLimits = {
  /** Largest call the host parses. Bigger messages up to `maxFrameBytes` get PAYLOAD_TOO_LARGE and the socket stays open. */
  maxMessageBytes: 2 << 20,
  /** Largest message the socket reads at all; beyond it the client is not ours and the socket closes (1009). */
  maxFrameBytes: 4 << 20,
  /** JSON nesting a call may have; checked before parsing, which takes time in proportion to depth. */
  maxNestingDepth: 32,
  /** Largest reply the host sends; a bigger result becomes PAYLOAD_TOO_LARGE ("ask for fewer items"). */
  maxReplyBytes: 4 << 20,
  /** Calls of one socket running at once. */
  maxRunningCalls: 4,
  /** Calls of one socket waiting to run; beyond it the host stops reading that socket until it catches up. */
  maxQueuedCalls: 256,
  /** Bytes waiting to go out to one socket; a client that lets more pile up is not reading and is dropped. */
  sendHighWater: 8 << 20,
  /** Bytes waiting to go out to all sockets together; over it the socket holding the most is dropped. */
  totalSendBudget: 48 << 20,
  /** Sockets open at once; a browser tab uses one. */
  maxSockets: 16,
} as const;

export type SocketLimits = { readonly [K in keyof typeof socketLimits]: number };
