import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ActionStandIn } from "./workflow-runner";

/**
 * Where the artifact actions' stand-ins keep artifacts, by run and name
 * (`<dir>/<run>/<name>/…`), as GitHub keeps them: upload-artifact stores what
 * its `path` holds, download-artifact brings it back, `gh run download`
 * (the fake one) reads it.
 */
export class ArtifactStore {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "artifacts-"));

  /** The files of an artifact, relative to it; undefined when the run did not upload it. */
  files(run: number, name: string): string[] | undefined {
    const root = path.join(this.dir, String(run), name);
    if (!fs.existsSync(root)) return undefined;
    return (fs.readdirSync(root, { recursive: true }) as string[])
      .filter((f) => fs.statSync(path.join(root, f)).isFile())
      .sort();
  }

  read(run: number, name: string, file: string): string {
    return fs.readFileSync(path.join(this.dir, String(run), name, file), "utf8");
  }

  /** Stand-ins for actions/upload-artifact and actions/download-artifact, as run `run`. */
  actions(run: number): Record<string, ActionStandIn> {
    return {
      "actions/upload-artifact": ({ with: inputs, cwd }) => {
        const from = path.resolve(cwd, inputs.path);
        if (!fs.existsSync(from) || (fs.statSync(from).isDirectory() && !fs.readdirSync(from).length))
          return inputs["if-no-files-found"] === "ignore";
        const to = path.join(this.dir, String(run), inputs.name);
        if (fs.statSync(from).isDirectory()) fs.cpSync(from, to, { recursive: true });
        else fs.cpSync(from, path.join(to, path.basename(from)));
        return true;
      },
      "actions/download-artifact": ({ with: inputs, cwd }) => {
        const from = path.join(this.dir, String(run), inputs.name);
        if (!fs.existsSync(from)) return false;
        fs.cpSync(from, path.resolve(cwd, inputs.path), { recursive: true });
        return true;
      },
    };
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
