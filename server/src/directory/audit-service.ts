// Reading the audit log: server admins see all of it, domain admins the
// entries of their domains (server-level entries have no domain and stay
// hidden from them), users none.
import type { AuditService } from './api.ts';
import type { DirectoryContext } from './context.ts';
import { domainFilter } from './domain-scope.ts';
import { listScope } from './access.ts';
import { toListOptions } from './list-params.ts';

export function createAuditService(ctx: DirectoryContext): AuditService {
  const { store } = ctx;
  return {
    async list(actor, params) {
      const scope = listScope(actor, 'the audit log');
      const domainId = await domainFilter(store, actor, params.domain);
      return store.audit.list({
        // Newest first: the question is almost always "what just happened?".
        ...toListOptions(params, 'at', 'desc'),
        scope,
        ...(domainId !== undefined ? { domainId } : {}),
        ...(params.objectType ? { objectType: params.objectType } : {}),
        ...(params.objectId ? { objectId: params.objectId } : {}),
        ...(params.actor ? { actor: params.actor } : {}),
        // Normalised to the stored form (UTC, milliseconds) so the text comparison is a time comparison.
        ...(params.since ? { since: new Date(params.since).toISOString() } : {}),
        ...(params.until ? { until: new Date(params.until).toISOString() } : {}),
      });
    },
  };
}
