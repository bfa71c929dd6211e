export interface WokenLoop {
  /** Something may be due: run a pass soon (passes never overlap; wakes during one make one more). */
  wake(): void;
  /** Ends after the pass in flight. */
  stop(): Promise<void>;
}

/**
 * A background job's rhythm: a pass every `pollMs`, and one on each wake;
 * a pass that reports more work is followed by another at once. Failures
 * go to `failed`, and the next pass tries again.
 */
export function startWokenLoop(pollMs: number, pass: () => Promise<boolean>, failed: (error: unknown) => void, succeeded: () => void): WokenLoop {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;

  const run = (): void => {
    running = pass()
      .then((more) => {
        succeeded();
        return more;
      })
      .catch((error: unknown) => {
        failed(error);
        return false;
      })
      .then((more) => {
        running = undefined;
        if (stopped) return;
        if (more || again) {
          again = false;
          run();
        }
      });
  };

  const wake = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    run();
  };
  const poll = setInterval(wake, pollMs).unref();
  return {
    wake,
    async stop() {
      stopped = true;
      clearInterval(poll);
      await running;
    },
  };
}
