import { parse, ParseError } from "jsonc-parser";

/**
 * Where text stops being JSON, as "line L, column C (byte offset N)", without
 * a single character of the text: Node's JSON.parse messages quote the input
 * around the error, and in a Terraform plan that input can be a password.
 * Undefined when the strict scan finds no error (JSON.parse refuses a few
 * things it accepts, such as raw control characters in strings).
 */
export function jsonErrorLocation(text: string): string | undefined {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (!errors.length) return undefined;
  const offset = errors[0].offset;
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `line ${line}, column ${column} (byte offset ${Buffer.byteLength(before, "utf8")})`;
}
