// ESLint for the whole repository (`npm run lint`, also run by .ci/run).
// Formatting is Prettier's job: eslint-config-prettier, last, turns off every
// rule that would argue with it.
import { defineConfig } from "eslint/config";
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";
import globals from "globals";

/** The production code: what runs in an outage gets the type-aware rules. */
const PRODUCTION = ["main.ts", "lib/**/*.ts", "scripts/**/*.ts", "bench/**/*.ts"];

export default defineConfig(
  { ignores: ["node_modules/", "dist/", ".gen/", "cdktf.out/", "coverage/", "reports/", ".stryker-tmp*/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // Type-aware rules cost a TypeScript program, so they run on the
    // production code only (one program, tsconfig.json): an unawaited promise
    // or a misused async callback there is a failover step that silently
    // does not happen. The tests are type-checked by jest's `tsc -b` and
    // tsconfig.test.json.
    files: PRODUCTION,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Terraform's plan and state JSON, the Aiven API's answers and the
      // synthesized manifest are untyped by nature; the code narrows them by
      // hand or with zod at the edge. These rules would demand a cast on every
      // step of that narrowing, which hides mistakes rather than finding them.
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // An async callback without an await is how a sync answer goes where a
      // promise is expected (a drill check, a command's run body).
      "@typescript-eslint/require-await": "off",
      // The Aiven state unions ("RUNNING" | … | string) list the values the
      // code knows for the reader, and still accept one the API adds.
      "@typescript-eslint/no-redundant-type-constituents": "off",
      // A promise is rejected with whatever was caught, unchanged.
      "@typescript-eslint/prefer-promise-reject-errors": [
        "error",
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
    },
  },
  {
    // The project's own style, over every file (after the presets above).
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_`-prefixed names are deliberately unused (a required parameter
      // position, a destructured field left out of a rest object).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
      // Untyped JSON (Terraform's plan and state, the Aiven API's bodies, the
      // synthesized stack) is `any` at its edge on purpose, and narrowed where
      // it is read (see the no-unsafe-* rules above).
      "@typescript-eslint/no-explicit-any": "off",
      // The code strips and checks for terminal escape codes on purpose.
      "no-control-regex": "off",
      // Two literal spaces match a list's indentation more readably than ` {2}`.
      "no-regex-spaces": "off",
      // `cond ? a() : b()` and `x && f()` as statements are the project's style.
      "@typescript-eslint/no-unused-expressions": ["error", { allowTernary: true, allowShortCircuit: true }],
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs" },
    rules: {
      // tools/*.js and the jest configs are plain CommonJS run by Node as is.
      "@typescript-eslint/no-require-imports": "off",
      // `const crypto = require("crypto")` is how CommonJS names a module.
      "no-redeclare": ["error", { builtinGlobals: false }],
    },
  },
  {
    files: ["__tests__/**/*.ts"],
    rules: {
      // The tests load the plain-JavaScript tools (no types) with require.
      "@typescript-eslint/no-require-imports": ["error", { allow: ["/tools/"] }],
    },
  },
  prettier,
);
