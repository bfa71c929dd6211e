import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorExtensions } from '../domain/error-codes.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export function rejectTooLarge(res: ServerResponse, limit: number): void {
  const message = `Request body over the limit of ${limit} bytes.`;
  const extensions = errorExtensions('REQUEST_TOO_LARGE');
  res.writeHead(extensions.status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  res.end(JSON.stringify({ errors: [{ message, extensions }] }));
}

/** True when the request declares a body over the limit. */
export function declaresTooLarge(req: IncomingMessage, limit: number): boolean {
  return Number(req.headers['content-length'] ?? 0) > limit;
}

/** True when the body's size is not declared up front (chunked), so it must be counted. */
export function isUnsizedBody(req: IncomingMessage): boolean {
  return req.headers['content-length'] === undefined && req.headers['transfer-encoding'] !== undefined;
}

/** Reads a streamed body, or undefined as soon as it passes the limit; fails when the client goes away first. */
export function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
    };
    function onData(chunk: Buffer): void {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      settle();
      resolve(undefined);
    }
    function onEnd(): void {
      settle();
      resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size));
    }
    function onClose(): void {
      settle();
      reject(new Error('the client went away before its body arrived'));
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
  });
}
