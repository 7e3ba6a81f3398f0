/** A value for one Markdown table cell: pipes escaped, lines joined. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n\s*/g, "<br>");
}

export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

/** Quotes text line by line, as GitHub shows a message it did not write. */
export function blockquote(text: string): string {
  return text
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
}

/** A fenced block that no backticks in `text` can close early. */
export function fenced(text: string, language = "text"): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${text.replace(/\n+$/, "")}\n${fence}`;
}

/** "2026-11-26 04:16:04 UTC". */
export function utcTime(iso: string | number): string {
  return new Date(iso)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
}
