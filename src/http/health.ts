import type { ServerResponse } from 'node:http';

/** One part of what makes an instance ready: undefined when fine, else why not. */
export type ReadinessCheck = () => Promise<string | undefined>;

const CHECK_TIMEOUT_MS = 2_000;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function run(check: ReadinessCheck): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`);
    }, CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check().catch((error: unknown) => (error instanceof Error ? error.message : String(error))), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness: the process answers. Nothing it depends on is asked, so a database outage never gets it restarted. */
export function serveHealth(res: ServerResponse): void {
  sendJson(res, 200, { status: 'ok' });
}

/**
 * Readiness: 200 when every check passes, else 503 naming each part that
 * failed and why, so a load balancer sends traffic elsewhere meanwhile.
 */
export async function serveReady(res: ServerResponse, checks: Readonly<Record<string, ReadinessCheck>>): Promise<void> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => run(checks[name] ?? (() => Promise.resolve(undefined)))));
  const failing = names.filter((_name, index) => results[index] !== undefined);
  const details = Object.fromEntries(names.map((name, index) => [name, results[index] ?? 'ok']));
  sendJson(res, failing.length === 0 ? 200 : 503, failing.length === 0 ? { status: 'ready', checks: details } : { status: 'unavailable', failing, checks: details });
}
