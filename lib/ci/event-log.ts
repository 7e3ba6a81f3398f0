import { TextReporter, Write } from "../reporting/reporter";
import { operationEventSchema } from "./operation-events";

/**
 * Prints an operation's `--json` events as the text an engineer sees at a
 * terminal, line by line as they arrive, so a CI log reads like a local run
 * while the events themselves go to a file for the summary. A line that is
 * not an event is printed as it came; the `error` event is left out, because
 * the operation prints it on stderr too.
 */
export class EventLog {
  private readonly text: TextReporter;

  constructor(private readonly out: Write) {
    // The events were redacted when they were written.
    this.text = new TextReporter(out, (line) => line);
  }

  line(raw: string): void {
    if (!raw.trim()) return;
    let parsed;
    try {
      parsed = operationEventSchema.safeParse(JSON.parse(raw));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      this.out(raw);
      return;
    }
    const event = parsed.data;
    switch (event.type) {
      case "step":
        return this.text.step(event.step ?? "?", event.message);
      case "info":
        return this.text.info(event.message);
      case "warning":
        return this.text.warn(event.message);
      case "progress":
        return this.text.progress(event.message);
      case "command":
        return this.text.command(event.message);
      case "done":
        return this.text.done(event.message);
      case "error":
        return;
      default:
        return assertNever(event.type);
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected event type ${String(value)}`);
}
