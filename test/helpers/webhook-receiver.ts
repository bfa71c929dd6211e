import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** A message as the receiver got it, with what checking its signature found. */
export interface Received {
  webhookId: string;
  type: string;
  body: { type: string; timestamp: string; data: Record<string, unknown> & { cursor?: string; task?: Record<string, unknown> } };
  /** The secrets, among those the receiver holds, whose signature verified. */
  verifiedBy: string[];
  at: number;
}

/** How the receiver answers one message: a status, or `hang` to never answer. */
export type Answer = number | 'hang';

/**
 * A real HTTP receiver of webhooks, as a backend would run one: it checks
 * each signature with the standardwebhooks library against the secrets it
 * holds and answers as the test says.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  secrets: string[] = [];
  answer: (message: Received) => Answer = () => 204;
  private server: Server | undefined;
  private port = 0;
  private readonly hanging = new Set<ServerResponse>();

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  /** Listens, on the port it had before when it is started again. */
  async start(): Promise<void> {
    const server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Down: nothing listens on its port, and connections in progress are cut. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  }

  /** The distinct webhook ids of messages that verified, in the order they first arrived. */
  deliveredIds(): string[] {
    return [...new Set(this.received.filter((message) => message.verifiedBy.length > 0).map((message) => message.webhookId))];
  }

  /** Resolves once `predicate` holds of what was received, or fails after `ms`. */
  async until(predicate: (received: Received[]) => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate(this.received)) {
      if (Date.now() > deadline) throw new Error(`receiver: condition not met within ${ms} ms; got ${this.received.map((r) => r.type).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const payload = Buffer.concat(chunks).toString('utf8');
    const headers = {
      'webhook-id': String(req.headers['webhook-id'] ?? ''),
      'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
      'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
    };
    const verifiedBy = this.secrets.filter((secret) => {
      try {
        new Webhook(secret).verify(payload, headers);
        return true;
      } catch {
        return false;
      }
    });
    const message: Received = { webhookId: headers['webhook-id'], type: '', body: JSON.parse(payload) as Received['body'], verifiedBy, at: Date.now() };
    message.type = message.body.type;
    this.received.push(message);
    const answer = this.answer(message);
    if (answer === 'hang') {
      this.hanging.add(res);
      return;
    }
    res.writeHead(answer).end();
  }
}
