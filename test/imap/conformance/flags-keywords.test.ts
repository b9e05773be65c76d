// Scripted RFC checklist: flags and keywords (cases/flags-keywords.ts).
import { cases } from './cases/flags-keywords.ts';
import { conformanceSuite } from './stoa-suite.ts';

conformanceSuite('flags and keywords', cases);
