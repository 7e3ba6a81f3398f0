const fs = require("fs");
const Sequencer = require("@jest/test-sequencer").default;

/**
 * For Stryker's runs (jest.mutate.config.js): the smallest test files first.
 * A mutant's run stops at its first failing file, and the small files are the
 * unit tests that fail fastest; jest's own order (slowest first, for
 * parallel workers) would make every mutant wait for a slow in-process file.
 */
class SmallestFirst extends Sequencer {
  sort(tests) {
    const size = (test) => fs.statSync(test.path).size;
    return [...tests].sort((a, b) => size(a) - size(b));
  }
}

module.exports = SmallestFirst;
