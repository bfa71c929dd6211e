import type { StreamResult, Subscription } from './subscriptions.ts';

export const TASK_EVENTS = 'subscription Events($after: String) { taskEvents(after: $after) { cursor type } }';

export interface TaskEvents {
  taskEvents: { cursor: string; type: string };
}

type StreamError = NonNullable<StreamResult<TaskEvents>['errors']>[number];

/** Opens `TASK_EVENTS` after a cursor (from the start of the live log when undefined) on some transport. */
export type OpenEvents = (after: string | undefined) => Promise<Subscription<TaskEvents>>;

/**
 * A taskEvents client as the README asks clients to be: whenever its stream
 * ends or fails, it subscribes again with the last cursor it received.
 */
export interface ResumingListener {
  /** Cursors of the events received, in order of arrival. */
  readonly cursors: readonly string[];
  /** The errors its streams ended with, and those of attempts to subscribe again. */
  readonly errors: readonly StreamError[];
  /** How many times it subscribed again. */
  readonly resumes: number;
  /** Drops the current stream, as a client whose connection broke would; it resumes by itself. */
  interrupt(): void;
  stop(): Promise<void>;
}

const RETRY_MS = 100;
const READ_MS = 250;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function listenResuming(open: OpenEvents): ResumingListener {
  const cursors: string[] = [];
  const errors: StreamError[] = [];
  let resumes = 0;
  let stopped = false;
  let current: Subscription<TaskEvents> | undefined;

  /** Reads one stream to its end; false when it ended with an error. */
  const drain = async (stream: Subscription<TaskEvents>): Promise<boolean> => {
    let failed = false;
    for (;;) {
      // Short reads, so a stop is noticed while the stream is quiet.
      const result = await stream.next(READ_MS).catch(() => null);
      if (result === null) {
        if (stopped) return !failed;
        continue;
      }
      if (result === undefined) return !failed;
      if (result.errors) {
        errors.push(...result.errors);
        failed = true;
      }
      const cursor = result.data?.taskEvents.cursor;
      if (cursor) cursors.push(cursor);
    }
  };

  const run = async (): Promise<void> => {
    for (let first = true; !stopped; first = false) {
      if (!first) resumes += 1;
      let stream: Subscription<TaskEvents>;
      try {
        stream = await open(cursors.at(-1));
      } catch (error) {
        errors.push({ message: error instanceof Error ? error.message : String(error) });
        await pause(RETRY_MS);
        continue;
      }
      current = stream;
      const clean = await drain(stream);
      current = undefined;
      await stream.close();
      if (!clean) await pause(RETRY_MS);
    }
  };
  const running = run();

  return {
    cursors,
    errors,
    get resumes() {
      return resumes;
    },
    interrupt() {
      void current?.close();
    },
    async stop() {
      stopped = true;
      await current?.close();
      await running;
    },
  };
}
