import { Injectable } from '@angular/core';
import type { Alias, AliasCreate, AliasUpdate } from '@shared/schemas/directory.ts';
import { CrudApi } from '../core/crud-api';
import { ALIASES_ENDPOINTS } from './aliases.endpoints';

@Injectable({ providedIn: 'root' })
export class AliasesApi extends CrudApi<Alias, AliasCreate, AliasUpdate> {
  protected readonly endpoints = ALIASES_ENDPOINTS;
}
