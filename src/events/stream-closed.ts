import type { ErrorCode } from '../domain/error-codes.ts';
import type { EndReason } from './event-hub.ts';

/**
 * The last item of a stream cut off by the server, with why and where to
 * resume: the subscription resolver turns it into a GraphQL error.
 */
export class StreamClosed {
  constructor(
    readonly code: Extract<ErrorCode, 'SLOW_CONSUMER' | 'SHUTTING_DOWN' | 'KEY_REVOKED'>,
    readonly message: string,
    /** The cursor of the last event delivered; null when none was. */
    readonly resumeAfter: string | null,
  ) {}
}

export function slowConsumer(resumeAfter: string | null): StreamClosed {
  return new StreamClosed(
    'SLOW_CONSUMER',
    resumeAfter === null
      ? 'This listener fell too far behind and was closed; subscribe again.'
      : 'This listener fell too far behind and was closed; subscribe again with after: resumeAfter to continue without a gap.',
    resumeAfter,
  );
}

export function shuttingDown(resumeAfter: string | null): StreamClosed {
  return new StreamClosed(
    'SHUTTING_DOWN',
    resumeAfter === null
      ? 'This server is shutting down; subscribe again, to another instance.'
      : 'This server is shutting down; subscribe again, to another instance, with after: resumeAfter to continue without a gap.',
    resumeAfter,
  );
}

/** The key the stream was opened with was revoked: no resuming with it. */
export function keyRevoked(): StreamClosed {
  return new StreamClosed('KEY_REVOKED', 'The API key of this stream was revoked; the stream is closed.', null);
}

/** Why the hub ended a stream, as its last item. */
export function endedStream(reason: EndReason, resumeAfter: string | null): StreamClosed {
  return reason === 'KEY_REVOKED' ? keyRevoked() : shuttingDown(resumeAfter);
}
