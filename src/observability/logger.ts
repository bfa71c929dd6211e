import { hostname } from 'node:os';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from '../config.ts';

export type { Logger } from 'pino';

/**
 * Structured logs: one JSON object a line, for a log pipeline, or the same
 * lines made readable for a person at a terminal. Written synchronously, so
 * nothing logged just before an exit is lost.
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>, destination: NodeJS.WritableStream = process.stdout): Logger {
  const format = config.logFormat ?? ('isTTY' in destination && destination.isTTY === true ? 'pretty' : 'json');
  const options = {
    level: config.logLevel,
    base: { service: 'taskgate', pid: process.pid, hostname: hostname() },
    // Keys never reach a log: not a header, not a connection parameter.
    redact: { paths: ['req.headers.authorization', '*.authorization', 'authorization'], censor: '[redacted]' },
  };
  if (format === 'json') return pino(options, pino.destination({ dest: fdOf(destination), sync: true }));
  return pino(options, pretty({ destination: fdOf(destination), sync: true, ignore: 'pid,hostname,service', translateTime: 'HH:MM:ss.l' }));
}

function fdOf(destination: NodeJS.WritableStream): number {
  return 'fd' in destination && typeof destination.fd === 'number' ? destination.fd : 1;
}

/** A logger that writes nothing: for tools and tests that do not want the gateway's lines. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
