// The shape of data/report.yaml (report-data.ts), loaded only to check a text not checked before.
import { z } from 'zod';

export const reportDataSchema = z.object({ headline_families: z.array(z.string().min(1)).min(1) });
export type ReportDataFile = z.infer<typeof reportDataSchema>;
