/** A live process found in /proc, with the test that started it when it carries CRDR_TEST_NAME. */
export interface FoundProcess {
  readonly pid: number;
  readonly command: string;
  readonly test?: string;
}

export function processesWhere(
  matches: (environ: string[], command: string) => boolean,
  exclude?: number[],
): FoundProcess[];
export function testChildrenAlive(runDir: string | undefined): FoundProcess[];
export function killAll(processes: readonly FoundProcess[]): void;
