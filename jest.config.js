/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Type checking is done once, by the tsc test and `npm run build`;
    // per-file transpilation keeps the suite fast.
    "^.+\\.ts$": ["ts-jest", { isolatedModules: true, diagnostics: false }],
  },
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup.ts"],
  testTimeout: 60000,
};
