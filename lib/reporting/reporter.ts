/**
 * Where an operation tells the engineer what it does: readable lines, or JSON
 * events with `--json`. Every string passes through redaction, so a token that
 * slipped into an error message is never printed.
 */
export interface Reporter {
  step(name: string, detail: string): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  progress(message: string, data?: Record<string, unknown>): void;
  command(description: string, data?: Record<string, unknown>): void;
  done(summary: string, data?: Record<string, unknown>): void;
}

export type Write = (line: string) => void;

/** The version of every JSON shape the commands print (events, status, plan review); raised on breaking changes. */
export const JSON_VERSION = 1;

export function redactor(secrets: Array<string | undefined>): (text: string) => string {
  const values = secrets.filter((s): s is string => !!s && s.length >= 4);
  return (text) => values.reduce((t, s) => t.split(s).join("[REDACTED]"), text);
}

function redactDeep(value: unknown, redact: (t: string) => string): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redact)]));
  }
  return value;
}

export class TextReporter implements Reporter {
  constructor(
    private readonly out: Write,
    private readonly redact: (t: string) => string,
  ) {}
  step(name: string, detail: string) {
    this.out(this.redact(`\n▶ ${name}: ${detail}`));
  }
  info(message: string) {
    this.out(this.redact(`  ${message}`));
  }
  warn(message: string) {
    this.out(this.redact(`  ! ${message}`));
  }
  progress(message: string) {
    this.out(this.redact(`  … ${message}`));
  }
  command(description: string) {
    this.out(this.redact(`  $ ${description}`));
  }
  done(summary: string) {
    this.out(this.redact(`\n✔ ${summary}`));
  }
}

export class JsonReporter implements Reporter {
  constructor(
    private readonly out: Write,
    private readonly redact: (t: string) => string,
  ) {}
  private emit(type: string, message: string, data: Record<string, unknown> = {}) {
    this.out(
      JSON.stringify(
        redactDeep({ version: JSON_VERSION, ts: new Date().toISOString(), type, message, ...data }, this.redact),
      ),
    );
  }
  step(name: string, detail: string) {
    this.emit("step", detail, { step: name });
  }
  info(message: string, data?: Record<string, unknown>) {
    this.emit("info", message, data);
  }
  warn(message: string, data?: Record<string, unknown>) {
    this.emit("warning", message, data);
  }
  progress(message: string, data?: Record<string, unknown>) {
    this.emit("progress", message, data);
  }
  command(description: string, data?: Record<string, unknown>) {
    this.emit("command", description, data);
  }
  done(summary: string, data?: Record<string, unknown>) {
    this.emit("done", summary, data);
  }
}
