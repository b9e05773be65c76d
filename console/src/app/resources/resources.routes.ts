import type { Routes } from '@angular/router';

export const RESOURCES_ROUTES: Routes = [
  { path: '', title: 'Resources · Stoa', loadComponent: () => import('./resource-list').then((m) => m.ResourceList) },
];
