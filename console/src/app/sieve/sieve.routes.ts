import type { Routes } from '@angular/router';

export const SIEVE_ROUTES: Routes = [
  { path: 'accounts/:id/out-of-office', title: 'Out of office · Stoa', loadComponent: () => import('./out-of-office-page').then((m) => m.OutOfOfficePage) },
  { path: 'domains/:id', title: 'Domain Sieve script · Stoa', loadComponent: () => import('./domain-sieve-page').then((m) => m.DomainSievePage) },
  { path: 'my/rules', title: 'My mail rules · Stoa', loadComponent: () => import('./my-rules-page').then((m) => m.MyRulesPage) },
  { path: 'my/out-of-office', title: 'My out of office · Stoa', data: { mine: true }, loadComponent: () => import('./out-of-office-page').then((m) => m.OutOfOfficePage) },
];
