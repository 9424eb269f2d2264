export declare const commandV8Flags: {
  scan: string[];
  ingest: string[];
  [command: string]: string[] | undefined;
};
export declare const flagsAbove: { ingest: number; [command: string]: number | undefined };
export declare const valueOptions: { ingest: string[]; [command: string]: string[] | undefined };
