import { RunStep } from "./operation-run";
import { stepLabel } from "./step-labels";

export interface GanttSection {
  readonly name: string;
  readonly steps: readonly RunStep[];
  /** The step the run stopped in, drawn as critical. */
  readonly failedStep?: number;
}

/** Mermaid reads ":" as the end of a task's name, and "#" and ";" as syntax. */
function mermaidText(text: string): string {
  return text.replace(/[:;#]/g, " ").replace(/\s+/g, " ").trim();
}

/**
 * A Mermaid `gantt` of the steps, one section per pair, on the clock (times
 * in milliseconds since the epoch, so steps of a few milliseconds and waits
 * of hours share one axis). GitHub renders it in job summaries and pull
 * requests.
 */
export function mermaidGantt(title: string, sections: readonly GanttSection[]): string {
  const lines = ["```mermaid", "gantt", `  title ${mermaidText(title)}`, "  dateFormat x", "  axisFormat %H:%M:%S"];
  for (const section of sections) {
    lines.push(`  section ${mermaidText(section.name)}`);
    section.steps.forEach((s, i) => {
      const tag = i === section.failedStep ? "crit" : "done";
      // A zero-length bar is not drawn; a millisecond is invisible but present.
      lines.push(
        `  ${mermaidText(stepLabel(s.name))} :${tag}, ${s.startedAt}, ${s.startedAt + Math.max(1, s.durationMs)}`,
      );
    });
  }
  lines.push("```");
  return lines.join("\n");
}
