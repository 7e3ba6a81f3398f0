/**
 * The part of GitHub Actions' expression language our workflows use, so
 * tests evaluate `if:`, `env:`, `environment:` and `concurrency:` as the
 * runner would: literals, context paths (`inputs.dry-run`,
 * `needs.prepare.outputs.lock`), `!`, `==`, `!=`, `&&`, `||`, parentheses,
 * and the status functions. Anything else throws, so a workflow cannot
 * quietly use what the tests do not understand.
 */
export type ExpressionValue = string | number | boolean | null;

export interface ExpressionContext {
  /** Contexts by name; a missing property of a known context is null, as on GitHub. */
  readonly contexts: Record<string, unknown>;
  /** Contexts whose every property the test must provide (a missing one throws). */
  readonly strict?: readonly string[];
  readonly status?: { readonly failed: boolean; readonly cancelled?: boolean };
}

type Token =
  | { kind: "literal"; value: ExpressionValue }
  | { kind: "path"; value: string }
  | { kind: "op"; value: string }
  | { kind: "call"; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const string = /^'((?:[^']|'')*)'/.exec(rest);
    const number = /^-?\d+(\.\d+)?/.exec(rest);
    const op = /^(==|!=|&&|\|\||!|\(|\))/.exec(rest);
    const call = /^([A-Za-z]+)\(\s*\)/.exec(rest);
    const word = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*/.exec(rest);
    if (string) {
      tokens.push({ kind: "literal", value: string[1].replace(/''/g, "'") });
      i += string[0].length;
    } else if (number) {
      tokens.push({ kind: "literal", value: Number(number[0]) });
      i += number[0].length;
    } else if (op) {
      tokens.push({ kind: "op", value: op[1] });
      i += op[0].length;
    } else if (call) {
      tokens.push({ kind: "call", value: call[1] });
      i += call[0].length;
    } else if (word) {
      const w = word[0];
      tokens.push(
        w === "true" || w === "false"
          ? { kind: "literal", value: w === "true" }
          : w === "null"
            ? { kind: "literal", value: null }
            : { kind: "path", value: w },
      );
      i += w.length;
    } else {
      throw new Error(`the workflow harness cannot read the expression "${source}" at "${rest}"`);
    }
  }
  return tokens;
}

function truthy(value: ExpressionValue): boolean {
  return value !== null && value !== false && value !== "" && value !== 0;
}

function equal(a: ExpressionValue, b: ExpressionValue): boolean {
  // GitHub compares strings case-insensitively.
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  return a === b || String(a) === String(b);
}

/** Evaluates one expression (without its `${{ }}`). */
export function evaluate(source: string, context: ExpressionContext): ExpressionValue {
  const tokens = tokenize(source);
  let at = 0;
  const peek = () => tokens[at];
  const isOp = (value: string) => peek()?.kind === "op" && peek()!.value === value;

  const lookup = (path: string): ExpressionValue => {
    const [scope, ...keys] = path.split(".");
    if (!(scope in context.contexts))
      throw new Error(`the workflow harness has no "${scope}" context (in "${source}")`);
    let value: unknown = context.contexts[scope];
    for (const key of keys) {
      const holder = value as Record<string, unknown> | null | undefined;
      if (holder === null || holder === undefined || !(key in holder)) {
        if (context.strict?.includes(scope)) throw new Error(`the test gives no ${path} (in "${source}")`);
        return null;
      }
      value = holder[key];
    }
    if (value === undefined) return null;
    if (typeof value === "object" && value !== null) return JSON.stringify(value);
    return value as ExpressionValue;
  };

  const primary = (): ExpressionValue => {
    const token = tokens[at++];
    if (!token) throw new Error(`the expression "${source}" ends too early`);
    if (token.kind === "literal") return token.value;
    if (token.kind === "path") return lookup(token.value);
    if (token.kind === "call") {
      const status = context.status ?? { failed: false };
      const calls: Record<string, () => boolean> = {
        always: () => true,
        cancelled: () => !!status.cancelled,
        success: () => !status.failed && !status.cancelled,
        failure: () => status.failed,
      };
      if (!(token.value in calls))
        throw new Error(`the workflow harness does not know ${token.value}() (in "${source}")`);
      return calls[token.value]();
    }
    if (token.value === "(") {
      const value = or();
      if (!isOp(")")) throw new Error(`unbalanced parentheses in "${source}"`);
      at++;
      return value;
    }
    if (token.value === "!") return !truthy(primary());
    throw new Error(`unexpected "${token.value}" in "${source}"`);
  };
  const comparison = (): ExpressionValue => {
    let left = primary();
    while (isOp("==") || isOp("!=")) {
      const op = tokens[at++].value;
      const right = primary();
      left = op === "==" ? equal(left, right) : !equal(left, right);
    }
    return left;
  };
  const and = (): ExpressionValue => {
    let left = comparison();
    while (isOp("&&")) {
      at++;
      const right = comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const or = (): ExpressionValue => {
    let left = and();
    while (isOp("||")) {
      at++;
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };

  const value = or();
  if (at !== tokens.length) throw new Error(`the workflow harness cannot read the rest of "${source}"`);
  return value;
}

/** Expands every `${{ … }}` in a string, as the runner does for `env:`, `with:` and names. */
export function expandExpressions(text: string, context: ExpressionContext): string {
  return String(text).replace(/\$\{\{\s*([\s\S]+?)\s*\}\}/g, (_, expression: string) => {
    const value = evaluate(expression, context);
    return value === null ? "" : String(value);
  });
}

/** Evaluates an `if:`, which may or may not be wrapped in `${{ }}`; none means `success()`. */
export function condition(text: string | undefined, context: ExpressionContext): boolean {
  if (text === undefined) return truthy(evaluate("success()", context));
  const bare = String(text)
    .trim()
    .replace(/^\$\{\{\s*([\s\S]*?)\s*\}\}$/, "$1");
  // A condition without a status function implies success() first.
  const implied = /\b(always|cancelled|success|failure)\(\s*\)/.test(bare) ? bare : `success() && (${bare})`;
  return truthy(evaluate(implied, context));
}
