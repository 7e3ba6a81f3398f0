import * as fs from "fs";
import * as path from "path";
import { PAIR_MANIFEST_KEY, PairManifest } from "../contract/pair-manifest";
import { layoutFor, PhaseLayout } from "../phase/phase-layout";
import { pendingImportsOf, PhaseRecord } from "../phase/phase-record";
import { UserError } from "../user-error";

interface CdktfManifest {
  stacks: Record<string, { workingDirectory: string; synthesizedStackPath: string }>;
}

/**
 * A pair's synthesized stack, as the tooling reads it from `cdktf.out`: the
 * Terraform JSON, its working directory, and the pair manifest in it.
 */
export class SynthesizedStack {
  static listStacks(outdir: string): string[] {
    return Object.keys(SynthesizedStack.readManifest(outdir).stacks).sort();
  }

  static exists(outdir: string, stack: string): boolean {
    return (
      fs.existsSync(path.join(outdir, "manifest.json")) &&
      Object.hasOwn(SynthesizedStack.readManifest(outdir).stacks, stack)
    );
  }

  static load(outdir: string, stack: string): SynthesizedStack {
    return SynthesizedStack.fromManifest(outdir, SynthesizedStack.readManifest(outdir), stack);
  }

  /** Several stacks of one synth, its manifest read once (a region run checks every pair's). */
  static loadEach(outdir: string, stacks: readonly string[]): SynthesizedStack[] {
    const manifest = SynthesizedStack.readManifest(outdir);
    return stacks.map((stack) => SynthesizedStack.fromManifest(outdir, manifest, stack));
  }

  private static fromManifest(outdir: string, manifest: CdktfManifest, stack: string): SynthesizedStack {
    // Own keys only: a name such as "constructor" must not find Object's.
    const entry = Object.hasOwn(manifest.stacks, stack) ? manifest.stacks[stack] : undefined;
    if (!entry) {
      const known = Object.keys(manifest.stacks);
      throw new UserError(
        `Stack "${stack}" is not among the synthesized stacks (${known.map((s) => `"${s}"`).join(", ") || "none"}); pass one of those to --stack.`,
      );
    }
    const file = path.join(outdir, entry.synthesizedStackPath);
    const json = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, any>;
    const pair = json["//"]?.[PAIR_MANIFEST_KEY] as PairManifest | undefined;
    if (!pair) {
      throw new UserError(
        `Stack "${stack}" in ${file} holds no CRDR pair; pass the stack of a pair declared in main.ts.`,
      );
    }
    return new SynthesizedStack(stack, file, path.join(outdir, entry.workingDirectory), json, pair);
  }

  private static readManifest(outdir: string): CdktfManifest {
    const file = path.join(outdir, "manifest.json");
    if (!fs.existsSync(file)) {
      throw new UserError(`Nothing is synthesized in ${outdir}; run "npm run synth" first.`);
    }
    return JSON.parse(fs.readFileSync(file, "utf8")) as CdktfManifest;
  }

  private constructor(
    readonly name: string,
    readonly file: string,
    readonly workingDirectory: string,
    readonly json: Record<string, any>,
    readonly pair: PairManifest,
  ) {}

  /** The resource block at a Terraform address such as `aiven_pg.primary`, if declared. */
  resource(address: string): Record<string, any> | undefined {
    const [type, name] = address.split(".");
    const byType = this.json.resource && Object.hasOwn(this.json.resource, type) ? this.json.resource[type] : undefined;
    return byType && Object.hasOwn(byType, name) ? byType[name] : undefined;
  }

  /** Addresses that `removed` blocks make Terraform forget. */
  removedAddresses(): string[] {
    return ((this.json.removed ?? []) as Array<{ from: string }>).map((r) => r.from);
  }

  /**
   * Checks the stack declares each resource as `layout` says (a stack the
   * tooling just synthesized; a mismatch is a bug).
   */
  private verifyLayout(layout: PhaseLayout, phase: string): void {
    const problems: string[] = [];
    const entries = [
      [this.pair.primary.address, layout.primary],
      [this.pair.recovery.address, layout.recovery],
      [this.pair.integration.address, layout.integration],
    ] as const;
    for (const [address, expected] of entries) {
      const resource = this.resource(address);
      const frozen = resource?.lifecycle?.ignore_changes === "all" && resource?.lifecycle?.prevent_destroy === true;
      if (expected === "forgotten" && resource) problems.push(`${address} is still declared`);
      if (expected === "forgotten" && !this.removedAddresses().includes(address))
        problems.push(`${address} has no removed block`);
      if (expected === "frozen" && !frozen) problems.push(`${address} is not frozen`);
      if (expected === "managed" && (!resource || frozen)) problems.push(`${address} is not managed`);
    }
    if (problems.length) {
      throw new Error(`The resynthesized stack ${this.file} does not match phase "${phase}": ${problems.join("; ")}.`);
    }
  }

  /**
   * Checks the stack is what `record` synthesizes: each resource laid out as
   * the phase says, and exactly its pending imports declared. The tooling
   * calls it on stacks it just synthesized, so a mismatch is a bug.
   */
  verifyAgainst(record: PhaseRecord): void {
    this.verifyLayout(layoutFor(record), record.phase);
    const declared = this.declaredImports();
    const expected = pendingImportsOf(record).map((i) => `${i.address}=${i.id}`);
    if (JSON.stringify(declared) !== JSON.stringify(expected)) {
      throw new Error(
        `The resynthesized stack ${this.file} declares imports ${declared.join(", ") || "none"} instead of ${expected.join(", ") || "none"}.`,
      );
    }
  }

  /** The `import` blocks the stack declares, as `address=id`. */
  declaredImports(): string[] {
    return ((this.json.import ?? []) as Array<{ to: string; id: string }>).map((i) => `${i.to}=${i.id}`);
  }

  mtimeMs(): number {
    return fs.statSync(this.file).mtimeMs;
  }
}
