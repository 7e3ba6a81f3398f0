import * as readline from "readline";
import { EventLog } from "../lib/ci/event-log";

// Reads a DR operation's --json events on stdin and prints them as the text a
// terminal shows, as they arrive. It never fails on what it reads: it sits
// behind `tee` in the workflow, and the operation's output must keep flowing.
const log = new EventLog((line) => process.stdout.write(line + "\n"));
readline.createInterface({ input: process.stdin, crlfDelay: Infinity }).on("line", (line) => log.line(line));
