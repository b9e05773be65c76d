// The outbound queue's delivery worker as the server runs it (unless turned
// off for this node): one DeliveryWorker that an enqueue wakes at once. The
// QueueService itself is built by the composition root (services.ts) and
// shared by the intake, the admin API and the CLI; local recipients and
// notices go back through the intake (its LocalTransport and notice submit).
import type { Registry } from 'prom-client';
import type { Store } from '../store/port.ts';
import type { TracePublisher } from '../events/trace-bus.ts';
import { DeliveryWorker, type QueueLogger } from './delivery-worker.ts';
import type { LocalTransport } from './local-transport.ts';
import type { SubmitFn } from './notifier.ts';
import type { QueueConfig } from './queue-config.ts';
import { registerQueueMetrics } from './queue-metrics.ts';

export interface DeliveryWorkerDeps {
  store: Store;
  config: QueueConfig;
  local: LocalTransport;
  submit: SubmitFn;
  /** The registry GET /metrics reports. */
  registry: Registry;
  /** The console's message trace (events/trace-bus.ts): one event per recipient outcome the worker records. */
  trace?: TracePublisher;
  logger: QueueLogger;
}

/** Starts the worker; `stop()` is graceful (running sessions get `worker.stopTimeoutMs`, unused leases are given back). */
export function startDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const metrics = registerQueueMetrics(deps.registry);
  const worker = new DeliveryWorker({ store: deps.store, config: deps.config, submit: deps.submit, local: deps.local, metrics, trace: deps.trace, logger: deps.logger });
  worker.start();
  return worker;
}
