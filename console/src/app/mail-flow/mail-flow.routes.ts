import type { Routes } from '@angular/router';
import { serverAdminGuard } from '../core/guards';

export const MAIL_FLOW_ROUTES: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'trace' },
  { path: 'queue', title: 'Queue · Stoa', canActivate: [serverAdminGuard], loadComponent: () => import('./queue-list').then((m) => m.QueueList) },
  { path: 'queue/:id', title: 'Queued message · Stoa', canActivate: [serverAdminGuard], loadComponent: () => import('./queue-detail').then((m) => m.QueueDetailPage) },
  { path: 'trace', title: 'Live trace · Stoa', loadComponent: () => import('./trace-page').then((m) => m.TracePage) },
  { path: 'dkim', title: 'DKIM keys · Stoa', loadComponent: () => import('./dkim-page').then((m) => m.DkimPage) },
  { path: 'policy', title: 'Spam and relay · Stoa', canActivate: [serverAdminGuard], loadComponent: () => import('./policy-page').then((m) => m.PolicyPage) },
];
