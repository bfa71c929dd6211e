/** What a client may see of a failure that is the server's and not its own (the database down, say). */
export const MASKED_ERROR = { message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } };

/** Words that would give internals away: stack frames, the driver, hosts, source files. */
export const INTERNALS = /stack|prisma|postgres|ECONN|database server|127\.0\.0\.1|\.ts:\d/i;
