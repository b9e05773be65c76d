import type { Routes } from '@angular/router';

export const DOMAINS_ROUTES: Routes = [
  { path: '', title: 'Domains · Stoa', loadComponent: () => import('./domain-list').then((m) => m.DomainList) },
  { path: ':id', title: 'Domain · Stoa', loadComponent: () => import('./domain-detail').then((m) => m.DomainDetail) },
];
