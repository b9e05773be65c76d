// Errors of the Sieve language. A script that does not parse or validate is
// refused with the line and column of the offending token (ManageSieve
// PUTSCRIPT/CHECKSCRIPT, the API); a run-time error never loses the message:
// the interpreter answers with implicit keep and reports the error.

export interface SievePosition {
  line: number;
  column: number;
}

/** A parse or validation error at a place in the script. */
export class SieveSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  /** The message without the position, for clients that show it themselves. */
  readonly reason: string;

  constructor(reason: string, at: SievePosition) {
    super(`line ${at.line}, column ${at.column}: ${reason}`);
    this.name = 'SieveSyntaxError';
    this.reason = reason;
    this.line = at.line;
    this.column = at.column;
  }
}

/** Why a run stopped early: the message is then kept (implicit keep). */
export type SieveRuntimeErrorKind =
  | 'budget' | 'redirect-limit' | 'action-limit' | 'include-missing' | 'include-loop' | 'include-depth'
  | 'conflict' | 'invalid-value' | 'internal';

export class SieveRuntimeError extends Error {
  readonly kind: SieveRuntimeErrorKind;
  readonly line: number | null;
  readonly column: number | null;

  constructor(kind: SieveRuntimeErrorKind, message: string, at?: SievePosition | null) {
    super(at ? `line ${at.line}, column ${at.column}: ${message}` : message);
    this.name = 'SieveRuntimeError';
    this.kind = kind;
    this.line = at?.line ?? null;
    this.column = at?.column ?? null;
  }
}
