/**
 * How often an instance reads the event log unwoken, by default: it covers a
 * wake-up lost while LISTEN was down, or a read that passed over events of a
 * transaction still running then. Often enough that such events wait a
 * moment, rare enough to cost nothing.
 */
export const DEFAULT_EVENT_POLL_MS = 200;
