// Public folders of one domain ("Shared Folders/…" in IMAP): create, rename,
// delete, who may do what (RFC 4314 rights, in words), and the address that
// files mail into a folder (docs/shared-mailboxes.md, "Public folders with an address").
import { ChangeDetectionStrategy, Component, effect, inject, signal, untracked } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { ActivatedRoute } from '@angular/router';
import { PublicFolderAddressSet, type PublicFolder, type PublicFolderGrant } from '@shared/schemas/public-folders.ts';
import { type ApiProblem, problemFrom } from '../core/problem';
import { confirmAction } from '../ui/confirm-dialog';
import { DomainPicker } from '../ui/domain-picker';
import { applyProblem, errorText, schemaValidators } from '../ui/form-errors';
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
  imports: [ReactiveFormsModule, MatCardModule, MatButtonModule, MatCheckboxModule, MatFormFieldModule, MatInputModule, MatSelectModule, DomainPicker],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './public-folder-page.html',
  styles: `mat-card { margin-bottom: 16px; } .row { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; } .folders { display: grid; grid-template-columns: minmax(220px, 1fr) 2fr; gap: 16px; } @media (max-width: 900px) { .folders { grid-template-columns: 1fr; } } ul { list-style: none; padding: 0; } h2.sub { font-size: 15px; margin: 16px 0 0; } li button.selected { font-weight: 700; }`,
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
  protected readonly addressForm = this.#fb.group({ address: ['', schemaValidators(PublicFolderAddressSet, 'address')], acceptExternal: [false] });
  protected readonly addressError = signal<string | null>(null);
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
    this.addressForm.reset({ address: f.address ?? '', acceptExternal: f.acceptExternal });
    this.addressError.set(null);
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

  async saveAddress(): Promise<void> {
    const f = this.selected();
    this.addressForm.markAllAsTouched();
    if (!f || this.addressForm.invalid) return;
    const { address, acceptExternal } = this.addressForm.getRawValue();
    this.addressError.set(null);
    try {
      this.#replace(await this.#api.setAddress(this.domain(), f.id, { address: address.trim(), acceptExternal }));
      this.#notify.done(`Mail to ${address.trim()} is filed in ${f.name}`);
    } catch (err) {
      const rest = applyProblem(this.addressForm, problemFrom(err));
      this.addressError.set(rest.length ? rest.join(' — ') : null);
    }
  }

  async removeAddress(f: PublicFolder): Promise<void> {
    if (!await confirmAction(this.#dialog, { title: `Remove ${f.address}?`, message: 'Mail to this address is refused from now on; the folder and its messages stay.', action: 'Remove address' })) return;
    try {
      await this.#api.removeAddress(this.domain(), f.id);
      this.#replace({ ...f, address: null, acceptExternal: false });
      this.addressForm.reset({ address: '', acceptExternal: false });
      this.#notify.done('Address removed');
    } catch (err) {
      this.#notify.failed('Removing the address', err);
    }
  }

  #replace(f: PublicFolder): void {
    this.folders.update((list) => list.map((x) => (x.id === f.id ? f : x)));
    this.selected.set(f);
  }
}
