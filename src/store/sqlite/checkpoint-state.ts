// The word the writer and the checkpoint thread share (checkpoint-thread.ts).
export const CHECKPOINT_IDLE = 0;
export const CHECKPOINT_RUNNING = 1;
export const CHECKPOINT_DONE = 2;
export const CHECKPOINT_FAILED = 3;
