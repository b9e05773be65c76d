// Scripted RFC checklist: binary-append (cases/binary-append.ts).
import { cases } from './cases/binary-append.ts';
import { conformanceSuite } from './stoa-suite.ts';

conformanceSuite('BINARY, APPEND and FETCH data', cases);
