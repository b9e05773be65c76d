// The SMTP session as the intake service sees where a message comes from.
import type { IntakeOrigin } from '../../../intake/api.ts';
import type { HookContext } from '../smtp-context.ts';

export function originOf(ctx: HookContext): IntakeOrigin {
  const { session, state } = ctx;
  const rdns = session.clientHostname && !session.clientHostname.startsWith('[') ? session.clientHostname : null;
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
