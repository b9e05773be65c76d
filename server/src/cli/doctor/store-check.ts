// Doctor: can the configured store be opened, does it answer, and is its
// schema current?
import type { StoaConfig } from '../../config/types.ts';
import type { Store } from '../../store/port.ts';
import type { Finding } from './finding.ts';

export async function checkStore(store: Store, config: StoaConfig): Promise<Finding[]> {
  const section = 'store';
  const findings: Finding[] = [];
  const where = config.store.driver === 'sqlite' ? config.store.sqlite.path : `database ${config.store.mongodb.database}`;
  const t0 = performance.now();
  await store.ping();
  findings.push({ section, level: 'ok', message: `${store.kind} store at ${where} answers (${Math.round(performance.now() - t0)} ms)` });
  findings.push({ section, level: 'ok', message: `schema version ${await store.schemaVersion()}` });
  return findings;
}
