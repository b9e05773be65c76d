import type { Routes } from '@angular/router';

export const FILTER_ROUTES: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'quarantine' },
  { path: 'quarantine', title: 'Quarantine · Stoa', data: { scope: 'domains' }, loadComponent: () => import('./quarantine-list').then((m) => m.QuarantineList) },
  { path: 'quarantine/:id', title: 'Held message · Stoa', loadComponent: () => import('./quarantine-detail').then((m) => m.QuarantineDetail) },
  { path: 'mine', title: 'My held mail · Stoa', data: { scope: 'mine' }, loadComponent: () => import('./quarantine-list').then((m) => m.QuarantineList) },
  { path: 'verdicts', title: 'Verdicts · Stoa', loadComponent: () => import('./verdict-list').then((m) => m.VerdictList) },
  { path: 'verdicts/:id', title: 'Verdict · Stoa', loadComponent: () => import('./verdict-detail').then((m) => m.VerdictDetail) },
  { path: 'rules', title: 'Filter rules · Stoa', loadComponent: () => import('./filter-rules-page').then((m) => m.FilterRulesPage) },
];
