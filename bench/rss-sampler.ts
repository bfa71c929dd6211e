import type { BenchServer } from './child-server.ts';

export interface RssSamples {
  /** RSS at the first reading. */
  startBytes: number;
  /** The largest RSS seen while sampling, the final reading included. */
  peakBytes: number;
  /** RSS when sampling stopped. */
  endBytes: number;
  samples: number;
}

export interface RssSampler {
  stop(): Promise<RssSamples>;
}

/**
 * Reads a server's RSS every `intervalMs` until stopped. The kernel's own
 * high-water mark (VmHWM) covers the process's whole life, so a window's
 * peak has to be sampled: a spike between two readings is missed, so the
 * figure is a lower bound of the true peak.
 */
export function sampleRss(server: BenchServer, intervalMs: number): RssSampler {
  let startBytes: number | undefined;
  let peakBytes = 0;
  let samples = 0;
  /** Set by stop, which the loop's own code does not show the type checker. */
  const control: { stopped: boolean; wake?: () => void } = { stopped: false };
  const read = async (): Promise<number> => {
    const { rssBytes } = await server.memory();
    startBytes ??= rssBytes;
    peakBytes = Math.max(peakBytes, rssBytes);
    samples += 1;
    return rssBytes;
  };
  const loop = (async (): Promise<void> => {
    while (!control.stopped) {
      await read();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        control.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  // A failed reading (the server gone) is rethrown by stop, not left unhandled meanwhile.
  loop.catch(() => undefined);
  return {
    async stop() {
      control.stopped = true;
      control.wake?.();
      await loop;
      const endBytes = await read();
      return { startBytes: startBytes ?? endBytes, peakBytes, endBytes, samples };
    },
  };
}
