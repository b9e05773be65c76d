import type { Routes } from '@angular/router';

export const AUDIT_ROUTES: Routes = [
  { path: '', title: 'Audit log · Stoa', loadComponent: () => import('./audit-page').then((m) => m.AuditPage) },
];
