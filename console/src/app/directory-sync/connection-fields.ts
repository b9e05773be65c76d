// The fields of a directory connection, shared by the "new connection" form
// and the connection page (inside their <form>, on the same FormGroup).
import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { ReactiveFormsModule } from '@angular/forms';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { errorText } from '../ui/form-errors';
import type { ConnectionForm } from './connection-form';

@Component({
  selector: 'stoa-connection-fields',
  imports: [ReactiveFormsModule, MatFormFieldModule, MatInputModule, MatCheckboxModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './connection-fields.html',
  styles: `.row { display: flex; gap: 8px 16px; align-items: baseline; flex-wrap: wrap; margin-bottom: 8px; }`,
})
export class ConnectionFields {
  readonly form = input.required<ConnectionForm>();
  readonly passwordHint = input('Stored encrypted, never shown again');
  protected readonly errorText = errorText;
}
