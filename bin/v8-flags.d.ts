export declare const commandV8Flags: {
  scan: string[];
  ingest: string[];
  [command: string]: string[] | undefined;
};
