import type { Routes } from '@angular/router';

export const PUBLIC_FOLDERS_ROUTES: Routes = [
  { path: '', title: 'Public folders · Stoa', loadComponent: () => import('./public-folder-page').then((m) => m.PublicFolderPage) },
];
