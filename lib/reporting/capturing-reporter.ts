import { Reporter } from "./reporter";

/** A reporter that keeps an operation's output for the report instead of printing it. */
export class CapturingReporter implements Reporter {
  readonly lines: string[] = [];
  step(name: string, detail: string) {
    this.lines.push(`${name}: ${detail}`);
  }
  info(m: string) {
    this.lines.push(m);
  }
  warn(m: string) {
    this.lines.push(`! ${m}`);
  }
  progress(m: string) {
    this.lines.push(m);
  }
  command(m: string) {
    this.lines.push(`$ ${m}`);
  }
  /** The data of the last `done` event (an operation's result and timeline). */
  lastDone?: Record<string, unknown>;
  done(m: string, data?: Record<string, unknown>) {
    this.lines.push(m);
    this.lastDone = data;
  }
}
