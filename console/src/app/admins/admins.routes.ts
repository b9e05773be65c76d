import type { Routes } from '@angular/router';

export const ADMINS_ROUTES: Routes = [
  { path: '', title: 'Administrators · Stoa', loadComponent: () => import('./admin-page').then((m) => m.AdminPage) },
];
