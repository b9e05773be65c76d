// Route guards. They refuse early for a better page; the server refuses
// anyway (every admin route checks the role and the domain scope itself).
import { inject } from '@angular/core';
import type { CanActivateFn } from '@angular/router';
import { Router } from '@angular/router';
import { SessionStore } from './session';

export const adminGuard: CanActivateFn = async (_route, state) => {
  const session = inject(SessionStore);
  const router = inject(Router);
  try {
    if (await session.ensureLoaded()) return true;
  } catch {
    return router.createUrlTree(['/sign-in'], { queryParams: { reason: 'unreachable' } });
  }
  const returnUrl = state.url && !['/', '/dashboard'].includes(state.url) ? { returnUrl: state.url } : {};
  return router.createUrlTree(['/sign-in'], { queryParams: { ...(session.endedWhileAway ? { reason: 'expired' } : {}), ...returnUrl } });
};

/** Pages only a server admin may open (queue, admins, settings): a domain admin is told so on the dashboard. */
export const serverAdminGuard: CanActivateFn = () => {
  const session = inject(SessionStore);
  if (session.isServerAdmin()) return true;
  return inject(Router).createUrlTree(['/dashboard'], { queryParams: { denied: 'server-admin' } });
};
