/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Type checking is done by `tsc -b` (global setup) and the strict-compile
    // test; per-file transpilation keeps the suite fast.
    "^.+\\.ts$": ["ts-jest", { diagnostics: false, tsconfig: { isolatedModules: true } }],
  },
  // The end-to-end tests run the compiled scripts, as engineers do.
  globalSetup: "<rootDir>/__tests__/support/global-setup.js",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.js",
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/reap-children.ts", "<rootDir>/__tests__/support/setup.ts"],
  testTimeout: 120000,
};
