import { FormControl, FormGroup } from '@angular/forms';
import { AccountCreate } from '@shared/schemas/directory.ts';
import { ApiProblem, fieldOfPointer } from '../core/problem';
import { addressListValidator, applyProblem, errorText, schemaValidators } from './form-errors';

describe('form errors', () => {
  it('builds validators from the same shared schema the server validates with', () => {
    const address = new FormControl('', schemaValidators(AccountCreate, 'address', { required: true }));
    address.markAsTouched();
    expect(errorText(address)).toBe('Required');
    address.setValue('x');
    expect(errorText(address)).toBe('At least 3 characters');
    address.setValue('not an address');
    expect(errorText(address)).toBe('Not in the expected form');
    address.setValue('a@b.example');
    expect(errorText(address)).toBeNull();
    expect(() => schemaValidators(AccountCreate, 'nope')).toThrow(/no field nope/);
  });

  it('places field errors by JSON pointer and code, and returns the rest for the banner', () => {
    const form = new FormGroup({ address: new FormControl(''), quota: new FormControl('') });
    const fields = new Map([['quotaBytes', 'must be >= 0'], ['forwardTo.1', 'must match format "email"']]);
    const rest = applyProblem(form, new ApiProblem({ status: 400, code: 'STOA_VALIDATION', title: 'The request is not valid', fields }), { quotaBytes: 'quota' });
    expect(errorText(form.controls.quota)).toBe('must be >= 0');
    expect(rest).toEqual(['forwardTo.1: must match format "email"']);
    const taken = applyProblem(form, new ApiProblem({ status: 409, code: 'STOA_ADDRESS_TAKEN', title: 'The address is already in use' }));
    expect(taken).toEqual([]);
    expect(errorText(form.controls.address)).toBe('The address is already in use');
    expect(applyProblem(form, new ApiProblem({ status: 503, code: 'STOA_STORE_UNAVAILABLE', title: 'Store down', detail: 'try later' }))).toEqual(['Store down: try later']);
  });

  it('reads field pointers from schema validation (/body/…) and from the services (/forwardTo)', () => {
    expect(fieldOfPointer('/body/forwardTo/1')).toBe('forwardTo.1');
    expect(fieldOfPointer('/querystring/ids')).toBe('ids');
    expect(fieldOfPointer('/grantee')).toBe('grantee');
    expect(fieldOfPointer('/forwardTo')).toBe('forwardTo');
    expect(fieldOfPointer('/body/a~1b')).toBe('a/b');
    expect(fieldOfPointer('')).toBe('');
  });

  it('checks address lists item by item, with a bound', () => {
    const v = addressListValidator('^[^\\s@]+@[^\\s@]+$', 2);
    expect(v(new FormControl('a@x.test; b@x.test'))).toBeNull();
    expect(v(new FormControl('a@x.test, nope'))).toEqual({ list: '"nope" is not an address' });
    expect(v(new FormControl('a@x.test b@x.test c@x.test'))).toEqual({ list: 'At most 2 addresses' });
  });
});
