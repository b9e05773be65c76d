// The outbound queue as the server runs it: one QueueService shared by the
// SMTP front end, the admin API and the notice path, and (unless turned off
// for this node) one DeliveryWorker that an enqueue wakes at once.
import type { AddressService } from '../directory/api.ts';
import type { DeliveryService } from '../mail/api.ts';
import type { Store } from '../store/port.ts';
import type { Registry } from 'prom-client';
import { DeliveryWorker, type QueueLogger } from './delivery-worker.ts';
import type { TracePublisher } from '../events/trace-bus.ts';
import { createLocalTransport } from './local-transport.ts';
import { createNoticeSubmit } from './notice-submit.ts';
import type { QueueConfig } from './queue-config.ts';
import { registerQueueMetrics } from './queue-metrics.ts';
import { createQueueService, type QueueService } from './queue-service.ts';

export interface OutboundQueueDeps {
  store: Store;
  config: QueueConfig;
  /** Run a delivery worker in this process (`queue.worker.enabled`). */
  runWorker: boolean;
  addresses: Pick<AddressService, 'resolve' | 'isLocalDomain'>;
  delivery: Pick<DeliveryService, 'deliver'>;
  /** The registry GET /metrics reports. */
  registry: Registry;
  /** Message trace for the console (events/trace-bus.ts). */
  trace?: TracePublisher;
  logger: QueueLogger;
}

export interface OutboundQueue {
  service: QueueService;
  worker: DeliveryWorker | null;
  /** Graceful: running sessions get `worker.stopTimeoutMs`, leases not used are given back. Call before the store closes. */
  stop(): Promise<void>;
}

export function startOutboundQueue(deps: OutboundQueueDeps): OutboundQueue {
  let worker: DeliveryWorker | null = null;
  const service = createQueueService({ store: deps.store, config: deps.config, onEnqueue: () => worker?.wake() });
  const metrics = registerQueueMetrics(deps.registry);
  if (deps.runWorker) {
    const submit = createNoticeSubmit({
      addresses: deps.addresses, delivery: deps.delivery, queue: service,
      warn: (obj, msg) => deps.logger.warn(obj, msg),
    });
    const local = createLocalTransport({ addresses: deps.addresses, delivery: deps.delivery });
    worker = new DeliveryWorker({ store: deps.store, config: deps.config, submit, local, metrics, trace: deps.trace, logger: deps.logger });
    worker.start();
  }
  return {
    service,
    worker,
    async stop() {
      await worker?.stop();
    },
  };
}
