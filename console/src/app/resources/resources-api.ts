import { Injectable } from '@angular/core';
import type { Resource, ResourceCreate, ResourceUpdate } from '@shared/schemas/directory.ts';
import { CrudApi } from '../core/crud-api';
import { RESOURCES_ENDPOINTS } from './resources.endpoints';

@Injectable({ providedIn: 'root' })
export class ResourcesApi extends CrudApi<Resource, ResourceCreate, ResourceUpdate> {
  protected readonly endpoints = RESOURCES_ENDPOINTS;
}
