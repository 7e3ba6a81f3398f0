import { parseTree, Node as JsonNode } from "jsonc-parser";

/** Keys that appear twice in one object anywhere in `text` (JSON.parse keeps the last silently). */
export function duplicateKeys(text: string): string[] {
  const found = new Set<string>();
  const walk = (node: JsonNode | undefined): void => {
    if (!node) return;
    if (node.type === "object") {
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const key = String(property.children?.[0]?.value);
        if (seen.has(key)) found.add(key);
        seen.add(key);
      }
    }
    for (const child of node.children ?? []) walk(child);
  };
  walk(parseTree(text));
  return [...found];
}

/** A few names and how many more: a list of thousands must still give a readable message. */
export function someOf(names: readonly string[], shown = 5): string {
  const quoted = names
    .slice(0, shown)
    .map((s) => `"${s}"`)
    .join(", ");
  return names.length > shown ? `${quoted} and ${names.length - shown} more` : quoted;
}
