// Public folders of one domain ("Shared Folders/…" in IMAP): create, rename,
// delete, and who may do what (RFC 4314 rights, in words).
import { ChangeDetectionStrategy, Component, effect, inject, signal, untracked } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { ActivatedRoute } from '@angular/router';
import type { PublicFolder, PublicFolderGrant } from '@shared/schemas/public-folders.ts';
import { type ApiProblem, problemFrom } from '../core/problem';
import { confirmAction } from '../ui/confirm-dialog';
import { DomainPicker } from '../ui/domain-picker';
import { errorText } from '../ui/form-errors';
import { Notifier } from '../ui/notifier';
import { PublicFoldersApi } from './public-folders-api';

/** RFC 4314 rights sets offered by name; anything else can be typed. */
export const RIGHTS_PRESETS = [
  { rights: 'lrs', label: 'Read' },
  { rights: 'lrswipkxte', label: 'Read and write' },
  { rights: 'lrswipkxtea', label: 'Full control (incl. rights)' },
] as const;

@Component({
  selector: 'stoa-public-folder-page',
  imports: [ReactiveFormsModule, MatCardModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, DomainPicker],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './public-folder-page.html',
  styles: `mat-card { margin-bottom: 16px; } .row { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; } .folders { display: grid; grid-template-columns: minmax(220px, 1fr) 2fr; gap: 16px; } @media (max-width: 900px) { .folders { grid-template-columns: 1fr; } } ul { list-style: none; padding: 0; } li button.selected { font-weight: 700; }`,
})
export class PublicFolderPage {
  readonly #api = inject(PublicFoldersApi);
  readonly #notify = inject(Notifier);
  readonly #dialog = inject(MatDialog);
  readonly #fb = inject(NonNullableFormBuilder);
  protected readonly errorText = errorText;
  protected readonly presets = RIGHTS_PRESETS;
  protected readonly domain = signal(inject(ActivatedRoute).snapshot.queryParamMap.get('domain') ?? '');
  protected readonly folders = signal<PublicFolder[]>([]);
  protected readonly selected = signal<PublicFolder | null>(null);
  protected readonly acl = signal<PublicFolderGrant[]>([]);
  protected readonly error = signal<ApiProblem | null>(null);
  protected readonly createForm = this.#fb.group({ name: ['', [Validators.required, Validators.maxLength(1000)]] });
  protected readonly grantForm = this.#fb.group({ grantee: ['anyone', [Validators.required]], rights: ['lrs', [Validators.pattern(/^[lrswipkxteacd]*$/)]] });

  constructor() {
    effect(() => {
      const d = this.domain();
      untracked(() => void this.loadFolders(d));
    });
  }

  async loadFolders(domain: string): Promise<void> {
    this.selected.set(null);
    this.folders.set([]);
    this.error.set(null);
    if (!domain) return;
    try {
      this.folders.set(await this.#api.list(domain));
    } catch (err) {
      this.error.set(problemFrom(err));
    }
  }

  async select(f: PublicFolder): Promise<void> {
    this.selected.set(f);
    try {
      this.acl.set(await this.#api.acl(this.domain(), f.id));
    } catch (err) {
      this.#notify.failed('Loading the access list', err);
    }
  }

  async createFolder(): Promise<void> {
    this.createForm.markAllAsTouched();
    if (this.createForm.invalid) return;
    try {
      await this.#api.create(this.domain(), this.createForm.getRawValue().name.trim());
      this.createForm.reset();
      await this.loadFolders(this.domain());
    } catch (err) {
      const p = problemFrom(err);
      this.createForm.controls.name.setErrors({ server: p.fields.get('name') ?? p.summary });
    }
  }

  async deleteFolder(f: PublicFolder): Promise<void> {
    if (!await confirmAction(this.#dialog, { title: `Delete ${f.name}?`, message: `Its ${f.messages} message(s) and sub-folders are deleted for everyone.`, action: 'Delete folder' })) return;
    try {
      await this.#api.remove(this.domain(), f.id);
      await this.loadFolders(this.domain());
    } catch (err) {
      this.#notify.failed('Deleting the folder', err);
    }
  }

  async grantRights(): Promise<void> {
    const f = this.selected();
    this.grantForm.markAllAsTouched();
    if (!f || this.grantForm.invalid) return;
    const { grantee, rights } = this.grantForm.getRawValue();
    try {
      this.acl.set(await this.#api.grant(this.domain(), f.id, grantee.trim(), rights));
      this.#notify.done('Rights saved');
    } catch (err) {
      const p = problemFrom(err);
      this.grantForm.controls.grantee.setErrors({ server: p.status === 404 ? 'No account or group with this address in the domain' : p.summary });
    }
  }

  async revoke(g: PublicFolderGrant): Promise<void> {
    const f = this.selected();
    if (!f) return;
    try {
      await this.#api.revoke(this.domain(), f.id, g.grantee.kind === 'anyone' ? 'anyone' : (g.grantee.id ?? ''));
      this.acl.set(await this.#api.acl(this.domain(), f.id));
    } catch (err) {
      this.#notify.failed('Removing the rights', err);
    }
  }
}
