// RFC 2342 / RFC 9051 §6.3.10 NAMESPACE: personal "", other users' mailboxes
// under "Other Users/" (session/namespaces.ts), no shared namespace.
import { done, type CommandSpec } from '../context.ts';
import { DELIMITER, OTHER_USERS } from '../session/namespaces.ts';

export const namespace: CommandSpec<'NAMESPACE'> = {
  names: ['NAMESPACE'],
  states: ['authenticated', 'selected'],
  async handler(_ctx, command) {
    return done(command.tag, 'NAMESPACE completed', [{
      kind: 'namespace',
      personal: [{ prefix: '', delimiter: DELIMITER }],
      other: [{ prefix: OTHER_USERS + DELIMITER, delimiter: DELIMITER }],
      shared: null,
    }]);
  },
};
