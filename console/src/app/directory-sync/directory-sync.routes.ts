import type { Routes } from '@angular/router';

export const DIRECTORY_SYNC_ROUTES: Routes = [
  { path: 'new', title: 'New directory connection · Stoa', loadComponent: () => import('./connection-editor').then((m) => m.ConnectionEditor) },
  { path: ':id', title: 'Directory connection · Stoa', loadComponent: () => import('./connection-page').then((m) => m.ConnectionPage) },
];
