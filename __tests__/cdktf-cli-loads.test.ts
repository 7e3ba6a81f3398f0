import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const REPO = path.resolve(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8"));

/** A throw-away project holding tools/cdktf-cli-loads.js and the node_modules files given. */
function projectWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crdr-cli-loads-"));
  fs.mkdirSync(path.join(dir, "tools"));
  fs.copyFileSync(path.join(REPO, "tools", "cdktf-cli-loads.js"), path.join(dir, "tools", "cdktf-cli-loads.js"));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const NODE_PTY = "node_modules/@cdktf/node-pty-prebuilt-multiarch";
const ptyPackage = {
  [`${NODE_PTY}/package.json`]: JSON.stringify({ name: "@cdktf/node-pty-prebuilt-multiarch", main: "./lib/index.js" }),
  "node_modules/cdktf-cli/package.json": "{}",
};

describe("npm run deploy on a Node the cdktf CLI cannot start on", () => {
  let dir: string;
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const check = () =>
    spawnSync(process.execPath, [path.join(dir, "tools", "cdktf-cli-loads.js")], { cwd: dir, encoding: "utf8" });

  it("says so in one sentence, with what to do, instead of the CLI's ERR_DLOPEN_FAILED stack", () => {
    dir = projectWith({
      ...ptyPackage,
      [`${NODE_PTY}/lib/index.js`]:
        "const e = new Error('The module pty.node was compiled against a different Node.js version using NODE_MODULE_VERSION 127.'); e.code = 'ERR_DLOPEN_FAILED'; throw e;\n",
    });
    const result = check();
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `✖ The cdktf CLI cannot start on Node ${process.versions.node}: its native node-pty has no build for this Node (ERR_DLOPEN_FAILED); run npm run deploy with Node 22, or move to CDK Terrain (docs/cdk-terrain.md), whose CLI runs on Node 24.\n`,
    );
  });

  it("lets the deploy go on where node-pty loads, and where the CLI has none (CDK Terrain's)", () => {
    dir = projectWith({ ...ptyPackage, [`${NODE_PTY}/lib/index.js`]: "module.exports = {};\n" });
    expect(check()).toMatchObject({ status: 0, stderr: "", stdout: "" });
    fs.rmSync(path.join(dir, NODE_PTY), { recursive: true });
    expect(check()).toMatchObject({ status: 0, stderr: "", stdout: "" });
  });

  it("is what npm run deploy runs before the cdktf CLI", () => {
    expect(pkg.scripts.deploy).toMatch(
      /^tsc -b && node tools\/cdktf-cli-loads\.js && CHECKPOINT_DISABLE=1 cdktf deploy$/,
    );
  });
});

describe("npm ci without a compiler (Node 24)", () => {
  it("turns off the install scripts that compile native modules: node-pty's and @parcel/watcher's", () => {
    expect(pkg.allowScripts).toEqual({ "@cdktf/node-pty-prebuilt-multiarch": false, "@parcel/watcher": false });
  });

  it("leaves no dependency's install script unreviewed", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(REPO, "package-lock.json"), "utf8")) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      // "" is this project: its postinstall generates the bindings.
      .filter(([where, p]) => where !== "" && p.hasInstallScript)
      .map(([where]) => where.replace(/^.*node_modules\//, ""));
    expect([...new Set(withScripts)].sort()).toEqual(Object.keys(pkg.allowScripts).sort());
  });
});
