import { Reporter } from "./reporter";

/** Tags every line and event with the pair it is about, for runs over many pairs. */
export class PrefixedReporter implements Reporter {
  constructor(
    private readonly inner: Reporter,
    private readonly stack: string,
  ) {}
  private tag(message: string) {
    return `[${this.stack}] ${message}`;
  }
  step(name: string, detail: string) {
    this.inner.step(name, this.tag(detail));
  }
  info(message: string, data?: Record<string, unknown>) {
    this.inner.info(this.tag(message), { ...data, stack: this.stack });
  }
  warn(message: string, data?: Record<string, unknown>) {
    this.inner.warn(this.tag(message), { ...data, stack: this.stack });
  }
  progress(message: string, data?: Record<string, unknown>) {
    this.inner.progress(this.tag(message), { ...data, stack: this.stack });
  }
  command(description: string, data?: Record<string, unknown>) {
    this.inner.command(this.tag(description), { ...data, stack: this.stack });
  }
  done(summary: string, data?: Record<string, unknown>) {
    this.inner.info(this.tag(summary), { ...data, stack: this.stack });
  }
}
