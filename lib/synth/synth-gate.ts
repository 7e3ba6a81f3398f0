import * as fs from "fs";

/**
 * The environment variable naming the file descriptor of a synth started
 * ahead of time (see `GatedSynth`). Set only in that child's environment.
 */
export const SYNTH_GATE_FD = "CRDR_SYNTH_GATE_FD";

/**
 * The environment variable holding the output folder the app writes to once
 * past its gate. Until then its CDKTF_OUTDIR names a folder nothing reads,
 * so an app that synthesizes before its gate (or never stops there) cannot
 * write into cdktf.out while the operation runs.
 */
export const SYNTH_GATE_OUTDIR = "CRDR_SYNTH_GATE_OUTDIR";

/** What the app says on the gate's channel once it waits there: the operation knows its synth reads no phase before the go. */
export const AT_GATE = "at-gate\n";
/** What the operation sends once the new phase is recorded and it holds the synth lock. */
export const GO = "g";

/**
 * Where a synth started ahead of time waits: its modules are loaded, and
 * nothing of the phase folder has been read yet. It goes on only once the
 * operation that started it has recorded the new phase (so the synth can
 * never see the old one); if that operation ends any other way, the channel
 * closes and this process ends without writing anything. Without the
 * variable (every ordinary synth) it does nothing. Only the first call
 * waits: the variable is removed once passed, which every copy of this
 * module in the process sees.
 */
export function passSynthGate(): void {
  const fd = Number(process.env[SYNTH_GATE_FD]);
  if (!process.env[SYNTH_GATE_FD]) return;
  delete process.env[SYNTH_GATE_FD];
  let answer = "";
  try {
    fs.writeSync(fd, AT_GATE);
    answer = readOneByte(fd);
  } catch {
    // The operation is gone (it closed the channel): nothing is synthesized.
  }
  if (answer !== GO) process.exit(0);
  // cdktf's App reads its output folder when it is made: an App made after
  // this point writes to cdktf.out, one made before to the unread folder.
  if (process.env[SYNTH_GATE_OUTDIR]) process.env.CDKTF_OUTDIR = process.env[SYNTH_GATE_OUTDIR];
  delete process.env[SYNTH_GATE_OUTDIR];
}

/** One byte from `fd`, waiting for it; "" once the other end closed. */
function readOneByte(fd: number): string {
  const byte = Buffer.alloc(1);
  for (;;) {
    try {
      return fs.readSync(fd, byte, 0, 1, null) === 1 ? byte.toString("latin1") : "";
    } catch (err) {
      // A descriptor left non-blocking: wait a moment, as a blocking read would.
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}
