import { Command } from "commander";
import { parseCommandLine } from "../lib/cli/parse-command-line";

/** What the command-line parser lets through (its refusals exit the process: crdr-command.e2e.test.ts runs them). */
describe("parseCommandLine", () => {
  it("lets a flag meant to repeat (it collects its values into a list) take several values", () => {
    const program = new Command("crdr sim").option(
      "--fault <json>",
      "repeatable",
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    );
    parseCommandLine(program, ["node", "sim", "--fault", "a", "--fault", "b"]);
    expect(program.opts().fault).toEqual(["a", "b"]);
  });

  it("lets a single-value flag given the same value twice through", () => {
    const program = new Command("crdr status").option("--stack <pair>", "one pair");
    parseCommandLine(program, ["node", "status", "--stack", "pg-primary", "--stack=pg-primary"]);
    expect(program.opts().stack).toBe("pg-primary");
  });
});
