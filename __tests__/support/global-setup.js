const { execFileSync } = require("child_process");
const path = require("path");
const { makeRunFolder } = require("./run-folder");

module.exports = async () => {
  const root = path.resolve(__dirname, "..", "..");
  execFileSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-b"], {
    cwd: root,
    stdio: "inherit",
  });
  makeRunFolder();
};
