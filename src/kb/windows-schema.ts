// The shape of data/windows.json (windows.ts), loaded only to check a text not checked before.
import { z } from 'zod';

export const windowsFile = z
  .object({
    about: z.string().min(10),
    releases: z
      .array(
        z
          .object({
            version: z.string().regex(/^\d+\.\d+\.\d+$/),
            product: z.string().min(3),
            end_of_support: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
            source: z.string().url(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type WindowsRow = z.infer<typeof windowsFile>['releases'][number];
export const prettifyError = z.prettifyError;
