import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** What a metrics endpoint serves: one registry's metrics, or a whole cluster's. */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

const REQUEST = 'taskgate:metrics-request';
const ANSWER = 'taskgate:metrics';
const ANSWER_TIMEOUT_MS = 5_000;

interface MetricsMessage {
  type: typeof REQUEST | typeof ANSWER;
  id: number;
  text?: string;
  error?: string;
}

function isMetricsMessage(message: unknown): message is MetricsMessage {
  return typeof message === 'object' && message !== null && 'type' in message && (message.type === REQUEST || message.type === ANSWER);
}

/**
 * The primary's side: the metrics of every process added up (prom-client's
 * aggregator: counters and histograms summed, gauges as each declares), for
 * its own endpoint and for any process asked for them on the main port.
 */
export function clusterMetrics(): MetricsSource {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isMetricsMessage(message) || message.type !== REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: ANSWER, id: message.id, text }),
      (error: unknown) => worker.send({ type: ANSWER, id: message.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  return { metrics: () => aggregator.clusterMetrics(), contentType: aggregator.contentType };
}

/** A process's side: its own registry offered to the primary's aggregation, and the cluster's metrics asked of the primary. */
export function metricsOfCluster(registry: Registry): MetricsSource {
  AggregatorRegistry.setRegistries([registry]);
  // Made for its side effect: prom-client answers the primary's requests for this process's metrics once one exists here.
  new AggregatorRegistry();
  let nextId = 0;
  const waiting = new Map<number, (answer: MetricsMessage) => void>();
  process.on('message', (message: unknown) => {
    if (isMetricsMessage(message) && message.type === ANSWER) waiting.get(message.id)?.(message);
  });
  return {
    contentType: registry.contentType,
    metrics: () =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error('the primary process did not answer with the metrics'));
        }, ANSWER_TIMEOUT_MS);
        waiting.set(id, (answer) => {
          clearTimeout(timer);
          waiting.delete(id);
          if (answer.text === undefined) reject(new Error(answer.error ?? 'no metrics'));
          else resolve(answer.text);
        });
        process.send?.({ type: REQUEST, id });
      }),
  };
}
