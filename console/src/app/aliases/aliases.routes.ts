import type { Routes } from '@angular/router';

export const ALIASES_ROUTES: Routes = [
  { path: '', title: 'Aliases · Stoa', loadComponent: () => import('./alias-list').then((m) => m.AliasList) },
];
