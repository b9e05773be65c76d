// A REPORT handler: the parsed body in, a response out (one file per report, registry in methods/report.ts).
import type { DavContext, DavResponse } from '../context.ts';
import type { XmlElement } from '../wire/xml-parser.ts';

export interface DavReport {
  /** Clark name of the report's root element. */
  name: string;
  handle(ctx: DavContext, body: XmlElement): Promise<DavResponse>;
}
