// Readiness of this node for orchestrators and load balancers (GET /readyz):
// the store answers. Liveness (the event loop answers) needs no service.
import type { Store } from '../store/port.ts';

export interface HealthService {
  /** Resolves when the store answers a round trip; throws STOA_STORE_UNAVAILABLE otherwise. */
  ready(): Promise<void>;
}

export function createHealthService(store: Pick<Store, 'ping'>): HealthService {
  return { ready: () => store.ping() };
}
