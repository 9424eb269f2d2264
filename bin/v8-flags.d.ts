export declare const commandV8Flags: Record<string, string[]>;
