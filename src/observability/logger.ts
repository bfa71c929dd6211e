import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from '../config.ts';

export type { Logger } from 'pino';

/** Lines are written in batches of this much, or of whatever a flush finds. */
const LOG_BATCH_BYTES = 4_096;
/** A batch waits at most this long, so a quiet gateway's lines still show at once to a reader. */
const LOG_FLUSH_MS = 100;

/**
 * Structured logs: one JSON object a line, for a log pipeline, or the same
 * lines made readable for a person at a terminal. JSON lines are written in
 * batches, off the request's path: a write per line costs a busy gateway a
 * system call per request. What is batched is written out at exit, so
 * nothing logged just before one is lost; the terminal's lines go at once.
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>, destination: NodeJS.WritableStream = process.stdout): Logger {
  const format = config.logFormat ?? ('isTTY' in destination && destination.isTTY === true ? 'pretty' : 'json');
  const options = {
    level: config.logLevel,
    base: { service: 'taskgate', pid: process.pid, hostname: hostname() },
    // Keys never reach a log: not a header, not a connection parameter.
    redact: { paths: ['req.headers.authorization', '*.authorization', 'authorization'], censor: '[redacted]' },
  };
  if (format === 'json') {
    const batched = pino.destination({ dest: fdOf(destination), sync: false, minLength: LOG_BATCH_BYTES });
    setInterval(() => {
      batched.flush();
    }, LOG_FLUSH_MS).unref();
    return pino(options, batched);
  }
  return pino(options, pretty({ destination: fdOf(destination), sync: true, ignore: 'pid,hostname,service', translateTime: 'HH:MM:ss.l' }));
}

function fdOf(destination: NodeJS.WritableStream): number {
  return 'fd' in destination && typeof destination.fd === 'number' ? destination.fd : 1;
}

/** A logger that writes nothing: for tools and tests that do not want the gateway's lines. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
