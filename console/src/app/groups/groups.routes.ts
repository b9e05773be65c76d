import type { Routes } from '@angular/router';

export const GROUPS_ROUTES: Routes = [
  { path: '', title: 'Groups · Stoa', loadComponent: () => import('./group-list').then((m) => m.GroupList) },
  { path: 'new', title: 'New group · Stoa', loadComponent: () => import('./group-editor').then((m) => m.GroupEditor) },
  { path: ':id', title: 'Group · Stoa', loadComponent: () => import('./group-editor').then((m) => m.GroupEditor) },
];
