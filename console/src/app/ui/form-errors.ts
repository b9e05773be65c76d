// Both-side validation: the browser checks what the shared schema says
// (schemaValidators), and what only the server can know (an address already
// taken, a domain outside your scope) comes back as problem+json whose field
// errors are put on the matching control (applyProblem). One errorText()
// turns either into the words shown under the field.
import type { AbstractControl, FormGroup, ValidatorFn } from '@angular/forms';
import { Validators } from '@angular/forms';
import type { ApiProblem } from '../core/problem';

interface FieldSchema { type?: string | string[]; minLength?: number; maxLength?: number; pattern?: string; minimum?: number; maximum?: number; format?: string; anyOf?: FieldSchema[] }
interface ObjectSchema { properties?: Record<string, FieldSchema>; required?: string[] }

/** Angular validators for one property of a shared TypeBox object schema. */
export function schemaValidators(schema: unknown, field: string, opts: { required?: boolean } = {}): ValidatorFn[] {
  const s = schema as ObjectSchema;
  const prop = s.properties?.[field];
  if (!prop) throw new Error(`schema has no field ${field}`);
  const v: ValidatorFn[] = [];
  if (opts.required ?? s.required?.includes(field)) v.push(Validators.required);
  const p = prop.anyOf?.find((a) => a.type !== 'null') ?? prop;
  if (p.minLength !== undefined) v.push(Validators.minLength(p.minLength));
  if (p.maxLength !== undefined) v.push(Validators.maxLength(p.maxLength));
  if (p.pattern !== undefined) v.push(Validators.pattern(new RegExp(p.pattern, 'u')));
  if (p.minimum !== undefined) v.push(Validators.min(p.minimum));
  if (p.maximum !== undefined) v.push(Validators.max(p.maximum));
  return v;
}

/** The message to show under a field, or null when it is valid or untouched. */
export function errorText(control: AbstractControl | null | undefined): string | null {
  if (!control || !control.errors || !(control.touched || control.dirty)) return null;
  const e = control.errors;
  if (e['server']) return String(e['server']);
  if (e['required']) return 'Required';
  if (e['minlength']) return `At least ${e['minlength'].requiredLength} characters`;
  if (e['maxlength']) return `At most ${e['maxlength'].requiredLength} characters`;
  if (e['pattern']) return 'Not in the expected form';
  if (e['min']) return `At least ${e['min'].min}`;
  if (e['max']) return `At most ${e['max'].max}`;
  if (e['email']) return 'Not an e-mail address';
  if (e['list']) return String(e['list']);
  return 'Not valid';
}

/**
 * Errors whose code names the field they concern even though the server sent
 * no JSON Pointer (they come from the directory, not from schema validation).
 */
export const CODE_FIELDS: Record<string, string> = {
  STOA_ADDRESS_TAKEN: 'address', STOA_INVALID_ADDRESS: 'address', STOA_UNKNOWN_DOMAIN: 'address', STOA_ALIAS_DOMAIN: 'address',
  STOA_DOMAIN_EXISTS: 'name', STOA_INVALID_DOMAIN: 'name', STOA_WEAK_PASSWORD: 'password',
  STOA_FORWARD_LOOP: 'forwardTo', STOA_GRANT_INVALID: 'grantee', STOA_MIXED_SCRIPT: 'address',
};

/**
 * Puts the server's field errors on the form's controls (`address` →
 * controls.address; `forwardTo.1` → controls.forwardTo; a STOA_ADDRESS_TAKEN
 * without a pointer → controls.address). Returns the messages for the
 * form-level banner: those no control took, or the problem's summary when
 * nothing could be placed next to a field.
 */
export function applyProblem(form: FormGroup, problem: ApiProblem, aliases: Record<string, string> = {}): string[] {
  const rest: string[] = [];
  let placed = 0;
  const place = (name: string, message: string): boolean => {
    const control = form.get(aliases[name] ?? name);
    if (!control || control.disabled) return false;
    control.setErrors({ ...(control.errors ?? {}), server: message });
    control.markAsTouched();
    placed++;
    return true;
  };
  for (const [path, message] of problem.fields) {
    const head = path.split('.')[0] ?? '';
    if (!place(head, `${path.includes('.') ? `${path}: ` : ''}${message}`)) rest.push(`${path || 'request'}: ${message}`);
  }
  if (problem.fields.size === 0 && CODE_FIELDS[problem.code]) place(CODE_FIELDS[problem.code], problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
  if (placed === 0) return [problem.summary, ...rest];
  return rest;
}

/** A comma- or newline-separated list of addresses, each checked like the shared EmailAddress schema. */
export function addressListValidator(pattern: string, max: number): ValidatorFn {
  const re = new RegExp(pattern, 'u');
  return (control) => {
    const items = splitList(String(control.value ?? ''));
    if (items.length > max) return { list: `At most ${max} addresses` };
    const bad = items.find((a) => !re.test(a));
    return bad ? { list: `"${bad}" is not an address` } : null;
  };
}

export function splitList(text: string): string[] {
  return text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
}
