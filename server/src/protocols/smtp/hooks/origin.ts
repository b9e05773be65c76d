// The SMTP session as the intake service sees where a message comes from.
import type { IntakeOrigin } from '../../../intake/api.ts';
import type { HookContext } from '../smtp-context.ts';

export function originOf(ctx: HookContext): IntakeOrigin {
  const { session, state } = ctx;
  // Looked up beside the session (reverse-name.ts): whatever is known now; MAIL FROM waits for it a little.
  const rdns = state.reverse?.name ?? null;
  return {
    kind: state.listener === 'smtp' ? 'smtp' : 'submission',
    ip: state.ip,
    helo: String(session.hostNameAppearsAs || ''),
    clientHostname: rdns,
    esmtp: String(session.openingCommand).toUpperCase() === 'EHLO',
    tls: session.tlsOptions ? { protocol: session.tlsOptions.version, cipher: session.tlsOptions.name } : null,
    utf8: session.envelope.smtpUtf8 === true,
    ...(state.session ? { session: state.session } : {}),
    log: state.log,
  };
}
